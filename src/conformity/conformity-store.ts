// ConformityStore port: the verification by sampling of a batch's image copies (the sampled pages and their
// outcomes, the closing report), the attestations issued for the batch and the signed attestation files received.
// Lives beside the metadata store (same database, own tables and migrations).

export type PageOutcome = 'conforme' | 'non conforme';

export interface SampledPage {
  documentId: string;
  page: number;
  /** Position in the sample (0-based): the order the checker sees. */
  position: number;
  outcome: PageOutcome | null;
  problem: string | null;
  checkedBy: string | null;
  checkedAt: string | null;
}

export interface VerificationReport {
  checkedBy: { id: string; username: string };
  closedAt: string;
  sampleSize: number;
  pagesChecked: number;
  /** Pages in the batch's archived documents the sample was drawn from. */
  population: number;
  documents: number;
  conformi: number;
  nonConformi: number;
  problems: Array<{ documentId: string; page: number; problem: string }>;
  /** 'conforme' when every checked page is; else 'non conforme'. */
  outcome: PageOutcome;
}

export interface Verification {
  id: string;
  batchId: string;
  comune: string;
  state: 'open' | 'closed';
  seed: string;
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
  report: VerificationReport | null;
  pages: SampledPage[];
}

export interface IssuedAttestation {
  batchId: string;
  sha256: string;
  key: string;
  size: number;
  verificationId: string;
  issuedBy: string;
  issuedAt: string;
}

export type SignedFormat = 'cades' | 'pades';

export interface SignedAttestation {
  batchId: string;
  sha256: string;
  key: string;
  size: number;
  format: SignedFormat;
  attestationSha256: string;
  signer: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

export interface NewVerification {
  batchId: string;
  comune: string;
  seed: string;
  createdBy: string;
  pages: Array<{ documentId: string; page: number }>;
}

export interface ConformityStore {
  /** Opens a new verification for the batch, replacing an open one (closed ones are kept as history). */
  createVerification(v: NewVerification): Promise<Verification>;
  /** The batch's newest verification (open or closed), or null. */
  latestVerification(batchId: string): Promise<Verification | null>;
  getVerification(id: string): Promise<Verification | null>;
  /** Records the outcome of one sampled page of an open verification; false when the page is not in its sample. */
  setPageResult(
    verificationId: string,
    page: { documentId: string; page: number },
    result: { outcome: PageOutcome; problem: string | null; checkedBy: string; checkedAt: string },
  ): Promise<boolean>;
  /** Closes an open verification with its report; false when it was not open. */
  closeVerification(id: string, report: VerificationReport): Promise<boolean>;
  /** Puts back a verification as it was (rebuild from the store's copy); false when its id is already known. */
  restoreVerification(v: Verification): Promise<boolean>;
  /** Records an issued attestation (idempotent on batch + sha256). */
  recordAttestation(a: IssuedAttestation): Promise<void>;
  listAttestations(batchId: string): Promise<IssuedAttestation[]>;
  recordSigned(s: SignedAttestation): Promise<void>;
  /** Signed files received for the batch, newest first. */
  listSigned(batchId: string): Promise<SignedAttestation[]>;
  close(): Promise<void>;
}
