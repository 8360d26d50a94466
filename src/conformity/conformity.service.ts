// The conformity workflow of a batch: draw the verification sample, record each page's outcome, close the
// verification with its report, issue the attestation (data, PDF, stored and fingerprinted), and receive the signed
// attestation (checked, stored, recorded in the archive packages' manifests).
import { randomBytes } from 'node:crypto';
import type { Batch, MetadataStore } from '../db/metadata-store.ts';
import { readFingerprint, sha256 } from '../store/hash.ts';
import { keys } from '../store/keys.ts';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store.ts';
import { archivedDocuments, collectAttestation, type AttestationData } from './attestation.ts';
import { attestationPdf } from './attestation.pdf.ts';
import type {
  ConformityStore,
  IssuedAttestation,
  PageOutcome,
  SignedAttestation,
  Verification,
  VerificationReport,
} from './conformity-store.ts';
import { conformitySection, recordConformityInManifests, type ManifestUpdateReport } from './manifest-conformity.ts';
import { drawSample, sampleSize, type SampleRequest } from './sample.ts';
import { checkSignedFile, SignedFileError } from './signed-file.ts';

export class ConformityError extends Error {
  constructor(
    message: string,
    readonly statusCode: 404 | 409 | 422,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ConformityError';
  }
}

export interface Actor {
  id: string;
  username: string;
}

export interface ConformityDeps {
  db: MetadataStore;
  store: ObjectStore;
  conformity: ConformityStore;
  comuneName: (code: string) => string;
}

export class ConformityService {
  constructor(private readonly deps: ConformityDeps) {}

  async startVerification(batch: Batch, req: SampleRequest & { seed?: string }, actor: Actor): Promise<Verification> {
    const docs = await archivedDocuments(this.deps.db, batch.id);
    const population = docs
      .map((d) => ({ documentId: d.id, pages: d.pageCount ?? 0 }))
      .filter((d) => d.pages > 0)
      .sort((a, b) => (a.documentId < b.documentId ? -1 : 1));
    const total = population.reduce((n, d) => n + d.pages, 0);
    if (total === 0)
      throw new ConformityError('Il lotto non ha documenti archiviati da verificare', 409, 'NOTHING_ARCHIVED');
    const seed = req.seed ?? randomBytes(8).toString('hex');
    const pages = drawSample(population, sampleSize(total, req), seed);
    return this.deps.conformity.createVerification({
      batchId: batch.id,
      comune: batch.comune,
      seed,
      createdBy: actor.id,
      pages,
    });
  }

  async openVerification(batchId: string): Promise<Verification> {
    const v = await this.deps.conformity.latestVerification(batchId);
    if (!v) throw new ConformityError('Nessuna verifica a campione per questo lotto', 404, 'NO_VERIFICATION');
    if (v.state !== 'open')
      throw new ConformityError('La verifica è già chiusa: estrai un nuovo campione', 409, 'VERIFICATION_CLOSED');
    return v;
  }

  async setPageResult(
    batchId: string,
    page: { documentId: string; page: number },
    result: { outcome: PageOutcome; problem?: string },
    actor: Actor,
  ): Promise<Verification> {
    const v = await this.openVerification(batchId);
    const problem = result.problem?.trim() || null;
    if (result.outcome === 'non conforme' && !problem)
      throw new ConformityError('Descrivi il problema della pagina non conforme', 422, 'PROBLEM_REQUIRED');
    const ok = await this.deps.conformity.setPageResult(v.id, page, {
      outcome: result.outcome,
      problem,
      checkedBy: actor.username,
      checkedAt: new Date().toISOString(),
    });
    if (!ok) throw new ConformityError('La pagina non fa parte del campione', 404, 'NOT_IN_SAMPLE');
    return (await this.deps.conformity.getVerification(v.id))!;
  }

  async closeVerification(batchId: string, actor: Actor): Promise<Verification> {
    const v = await this.openVerification(batchId);
    const unchecked = v.pages.filter((p) => !p.outcome);
    if (unchecked.length)
      throw new ConformityError(
        `Restano ${unchecked.length} pagine del campione da controllare`,
        409,
        'SAMPLE_INCOMPLETE',
        {
          unchecked: unchecked.map(({ documentId, page }) => ({ documentId, page })),
        },
      );
    const docs = await archivedDocuments(this.deps.db, batchId);
    const nonConformi = v.pages.filter((p) => p.outcome === 'non conforme');
    const report: VerificationReport = {
      checkedBy: { id: actor.id, username: actor.username },
      closedAt: new Date().toISOString(),
      sampleSize: v.pages.length,
      pagesChecked: v.pages.length - unchecked.length,
      population: docs.reduce((n, d) => n + (d.pageCount ?? 0), 0),
      documents: docs.length,
      conformi: v.pages.length - nonConformi.length,
      nonConformi: nonConformi.length,
      problems: nonConformi.map((p) => ({ documentId: p.documentId, page: p.page, problem: p.problem ?? '' })),
      outcome: nonConformi.length ? 'non conforme' : 'conforme',
    };
    if (!(await this.deps.conformity.closeVerification(v.id, report)))
      throw new ConformityError('La verifica è già stata chiusa', 409, 'VERIFICATION_CLOSED');
    const closed = (await this.deps.conformity.getVerification(v.id))!;
    await this.storedReport(closed);
    return closed;
  }

  /** The closed verification as JSON in the store beside the batch: written when missing (its content is fixed once
   * closed) unless `write` is false (a read only names where it goes), refused when the stored copy differs. */
  private async storedReport(v: Verification, write = true): Promise<{ chiave: string; sha256: string }> {
    const chiave = keys.conformityReport(v.batchId, v.id);
    const body = Buffer.from(JSON.stringify(v, null, 2));
    const hash = sha256(body);
    const stored = await readFingerprint(this.deps.store, chiave);
    if (stored?.sha256 === hash) return { chiave, sha256: hash };
    if (stored)
      throw new ConformityError(
        'Il verbale della verifica nel deposito non corrisponde a quello registrato',
        409,
        'FIXITY_MISMATCH',
        {
          problems: [{ kind: 'altered', key: chiave, detail: `atteso ${hash}, trovato ${stored.sha256}` }],
        },
      );
    if (!write) return { chiave, sha256: hash };
    const info = await this.deps.store.put(chiave, body, { contentType: 'application/json' });
    if (info.sha256 !== hash) throw new Error(`verification report stored as ${info.sha256}, expected ${hash}`);
    return { chiave, sha256: hash };
  }

  private async closedVerification(batchId: string): Promise<Verification & { report: VerificationReport }> {
    const v = await this.deps.conformity.latestVerification(batchId);
    if (!v?.report)
      throw new ConformityError('Chiudi prima la verifica a campione del lotto', 409, 'VERIFICATION_NOT_CLOSED');
    return v as Verification & { report: VerificationReport };
  }

  /** The attestation's content, with the hashes of the stored bytes computed now. Writes nothing unless `issuing`
   * (which puts back a verification report missing from the store). */
  async attestationData(batch: Batch, issuing = false): Promise<AttestationData> {
    const v = await this.closedVerification(batch.id);
    return collectAttestation(this.deps, {
      batch,
      comuneName: this.deps.comuneName(batch.comune),
      verification: { id: v.id, report: v.report, verbale: await this.storedReport(v, issuing) },
    });
  }

  /** Renders, stores and records the attestation; refuses while a stored file differs from its manifest. Idempotent:
   * the same state of the batch renders the same bytes, which are recorded (and logged) once; `created` says whether
   * this call issued them. */
  async issueAttestation(
    batch: Batch,
    actor: Actor,
  ): Promise<{ issued: IssuedAttestation; data: AttestationData; created: boolean }> {
    const data = await this.attestationData(batch, true);
    if (data.problemi.length)
      throw new ConformityError(
        `Attestazione non emessa: ${data.problemi.length} file del deposito non corrispondono ai manifesti`,
        409,
        'FIXITY_MISMATCH',
        { problems: data.problemi },
      );
    if (!data.documenti.length)
      throw new ConformityError('Il lotto non ha documenti archiviati', 409, 'NOTHING_ARCHIVED');
    // Conformity cannot be attested over pages found not to match: rescan them, then verify a new sample.
    if (data.verifica.outcome !== 'conforme')
      throw new ConformityError(
        'La verifica a campione ha trovato pagine non conformi: ripetere la scansione e una nuova verifica',
        409,
        'VERIFICATION_NOT_CONFORME',
      );
    const pdf = await attestationPdf(data);
    const hash = sha256(pdf);
    const already = (await this.deps.conformity.listAttestations(batch.id)).find((a) => a.sha256 === hash);
    const key = keys.conformityAttestation(batch.id, hash);
    // Written again even when already issued: puts back a copy lost from the store with the same bytes.
    const info = await this.deps.store.put(key, Buffer.from(pdf), { contentType: 'application/pdf' });
    if (info.sha256 !== hash) throw new Error(`attestation stored as ${info.sha256}, expected ${hash}`);
    if (already) return { issued: already, data, created: false };
    await this.deps.conformity.recordAttestation({
      batchId: batch.id,
      sha256: hash,
      key,
      size: pdf.length,
      verificationId: data.verifica.id,
      issuedBy: actor.username,
      issuedAt: new Date().toISOString(),
    });
    await this.deps.db.addEvent({
      type: 'conformity.attestation_issued',
      batchId: batch.id,
      actor: actor.username,
      detail: { sha256: hash, key, documents: data.totali.documenti, files: data.totali.file },
    });
    const issued = (await this.deps.conformity.listAttestations(batch.id)).find((a) => a.sha256 === hash)!;
    return { issued, data, created: true };
  }

  /** The latest attestation issued for the batch with its bytes, read back from the store and checked against the
   * hash recorded on issue. Issues nothing. */
  async latestAttestation(batchId: string): Promise<{ issued: IssuedAttestation; pdf: Buffer }> {
    const [issued] = await this.deps.conformity.listAttestations(batchId);
    if (!issued)
      throw new ConformityError(
        'Nessuna attestazione emessa per questo lotto: emetterla prima di scaricarla',
        404,
        'NO_ATTESTATION',
      );
    const pdf = await this.deps.store.getBuffer(issued.key).catch((err: unknown) => {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    });
    const found = pdf && sha256(pdf);
    if (found !== issued.sha256)
      throw new ConformityError(
        'L’attestazione nel deposito non corrisponde a quella emessa: emetterla di nuovo',
        409,
        'FIXITY_MISMATCH',
        {
          problems: [
            found
              ? { kind: 'altered', key: issued.key, detail: `atteso ${issued.sha256}, trovato ${found}` }
              : { kind: 'missing', key: issued.key },
          ],
        },
      );
    return { issued, pdf: pdf! };
  }

  /** Checks, stores and records a signed attestation, then writes the conformita section of every manifest. */
  async receiveSigned(
    batch: Batch,
    bytes: Buffer,
    actor: Actor,
  ): Promise<{ signed: SignedAttestation; manifests: ManifestUpdateReport }> {
    const attestations = await this.deps.conformity.listAttestations(batch.id);
    let check;
    try {
      check = checkSignedFile(bytes, attestations);
    } catch (err) {
      if (err instanceof SignedFileError) throw new ConformityError(err.message, 422, err.code);
      throw err;
    }
    const attestation = attestations.find((a) => a.sha256 === check.attestationSha256)!;
    const verification = await this.deps.conformity.getVerification(attestation.verificationId);
    if (!verification?.report)
      throw new Error(`verification ${attestation.verificationId} of the attestation is not closed`);
    const hash = sha256(bytes);
    const key = keys.conformitySigned(batch.id, hash, check.format === 'cades' ? 'p7m' : 'pdf');
    const info = await this.deps.store.put(key, bytes, {
      contentType: check.format === 'cades' ? 'application/pkcs7-mime' : 'application/pdf',
    });
    if (info.sha256 !== hash) throw new Error(`signed file stored as ${info.sha256}, expected ${hash}`);
    const signed: SignedAttestation = {
      batchId: batch.id,
      sha256: hash,
      key,
      size: bytes.length,
      format: check.format,
      attestationSha256: attestation.sha256,
      signer: check.signer,
      uploadedBy: actor.username,
      uploadedAt: new Date().toISOString(),
    };
    await this.deps.conformity.recordSigned(signed);
    await this.deps.db.addEvent({
      type: 'conformity.signed_received',
      batchId: batch.id,
      actor: actor.username,
      detail: { sha256: hash, key, format: check.format, attestationSha256: attestation.sha256, signer: check.signer },
    });
    const section = conformitySection(
      attestation,
      verification.report.closedAt.slice(0, 10),
      signed,
      verification,
      await this.storedReport(verification),
      signed.uploadedAt,
    );
    const manifests = await recordConformityInManifests(this.deps, {
      batchId: batch.id,
      section,
      actor: actor.username,
    });
    return { signed, manifests };
  }

  async status(batchId: string): Promise<{
    verification: Verification | null;
    attestations: IssuedAttestation[];
    signed: SignedAttestation[];
  }> {
    const [verification, attestations, signed] = await Promise.all([
      this.deps.conformity.latestVerification(batchId),
      this.deps.conformity.listAttestations(batchId),
      this.deps.conformity.listSigned(batchId),
    ]);
    return { verification, attestations, signed };
  }
}
