// Row ↔ record mapping shared by the SQLite and PostgreSQL conformity stores (same column names in both): rows
// read back as records, and records as the values of an insert.
import type {
  IssuedAttestation,
  SampledPage,
  SignedAttestation,
  Verification,
  VerificationReport,
} from './conformity-store.ts';

export type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T);

export function pageFromRow(r: Row): SampledPage {
  return {
    documentId: str(r.document_id),
    page: Number(r.page),
    position: Number(r.position),
    outcome: strOrNull(r.outcome) as SampledPage['outcome'],
    problem: strOrNull(r.problem),
    checkedBy: strOrNull(r.checked_by),
    checkedAt: strOrNull(r.checked_at),
  };
}

export function verificationFromRow(r: Row, pages: SampledPage[]): Verification {
  return {
    id: str(r.id),
    batchId: str(r.batch_id),
    comune: str(r.comune),
    state: str(r.state) as Verification['state'],
    seed: str(r.seed),
    createdBy: str(r.created_by),
    createdAt: str(r.created_at),
    closedAt: strOrNull(r.closed_at),
    report: json<VerificationReport>(r.report),
    pages,
  };
}

export function attestationFromRow(r: Row): IssuedAttestation {
  return {
    batchId: str(r.batch_id),
    sha256: str(r.sha256),
    key: str(r.object_key),
    size: Number(r.size),
    verificationId: str(r.verification_id),
    issuedBy: str(r.issued_by),
    issuedAt: str(r.issued_at),
  };
}

export function signedFromRow(r: Row): SignedAttestation {
  return {
    batchId: str(r.batch_id),
    sha256: str(r.sha256),
    key: str(r.object_key),
    size: Number(r.size),
    format: str(r.format) as SignedAttestation['format'],
    attestationSha256: str(r.attestation_sha256),
    signer: strOrNull(r.signer),
    uploadedBy: str(r.uploaded_by),
    uploadedAt: str(r.uploaded_at),
  };
}

// Record → values of an insert, in the order of the columns named beside each (both adapters write the same).

export const VERIFICATION_COLUMNS = 'id, batch_id, comune, state, seed, created_by, created_at, closed_at, report';
/** A whole verification (a restore); the report as JSON text. */
export const verificationValues = (v: Verification): unknown[] => [
  v.id,
  v.batchId,
  v.comune,
  v.state,
  v.seed,
  v.createdBy,
  v.createdAt,
  v.closedAt,
  v.report ? JSON.stringify(v.report) : null,
];

export const SAMPLE_COLUMNS = 'verification_id, document_id, page, position, outcome, problem, checked_by, checked_at';
export const sampleValues = (verificationId: string, p: SampledPage): unknown[] => [
  verificationId,
  p.documentId,
  p.page,
  p.position,
  p.outcome,
  p.problem,
  p.checkedBy,
  p.checkedAt,
];

export const ATTESTATION_COLUMNS = 'batch_id, sha256, object_key, size, verification_id, issued_by, issued_at';
export const attestationValues = (a: IssuedAttestation): unknown[] => [
  a.batchId,
  a.sha256,
  a.key,
  a.size,
  a.verificationId,
  a.issuedBy,
  a.issuedAt,
];

export const SIGNED_COLUMNS =
  'batch_id, sha256, object_key, size, format, attestation_sha256, signer, uploaded_by, uploaded_at';
export const signedValues = (s: SignedAttestation): unknown[] => [
  s.batchId,
  s.sha256,
  s.key,
  s.size,
  s.format,
  s.attestationSha256,
  s.signer,
  s.uploadedBy,
  s.uploadedAt,
];
