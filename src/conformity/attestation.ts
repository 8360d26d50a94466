// What an attestation of conformity states: the batch, its Comune, the verification by sampling, and every file of
// every archived document with its SHA-256 computed now from the bytes the store returns (not copied from the
// manifest: the point is to attest what is stored), compared with what the manifest recorded; and every box scan of
// the batch (status 'split'), whose original and split plan are kept outside the packages of its parts.
import type { Batch, DocumentRecord, MetadataStore } from '../db/metadata-store.ts';
import { readFingerprint } from '../store/hash.ts';
import { PACKAGE_FILES } from '../store/keys.ts';
import type { Manifest } from '../store/manifest.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { VerificationReport } from './conformity-store.ts';
import { attestedBoxScans, type AttestedBoxScan } from './attested-box-scans.ts';

export interface AttestedFile {
  name: string;
  key: string;
  role: string;
  size: number;
  sha256: string;
}

export interface AttestedDocument {
  documentId: string;
  filename: string;
  title: string | null;
  pages: number;
  archiveKey: string;
  files: AttestedFile[];
}

export interface AttestationProblem {
  kind: 'altered' | 'missing' | 'unreadable-manifest' | 'not-archived' | 'unreadable-plan';
  key: string;
  detail: string;
}

export interface AttestationData {
  title: string;
  ente: { codice: string; nome: string };
  lotto: { id: string; etichetta: string; creato: string };
  /** Date of the attestation (yyyy-mm-dd): the day the verification was closed, so a re-issue is identical. */
  data: string;
  verifica: VerificationReport & { id: string; verbale: { chiave: string; sha256: string } };
  documenti: AttestedDocument[];
  /** Box scans of the batch, split into some of the documents above: their originals and split plans. */
  scansioniDiScatola: AttestedBoxScan[];
  /** Files and bytes count the box scans' files too. */
  totali: { documenti: number; scansioniDiScatola: number; file: number; byte: number };
  /** Differences between the stored bytes and the manifests: an attestation is issued only when this is empty. */
  problemi: AttestationProblem[];
}

export const ATTESTATION_TITLE = 'Attestazione di conformità delle copie per immagine';

/** Archived documents of a batch in a stable order (file name, then id). */
export async function archivedDocuments(db: MetadataStore, batchId: string): Promise<DocumentRecord[]> {
  const docs = await db.listDocuments({ batchId, status: 'archived', limit: 1_000_000 });
  return docs
    .filter((d) => d.archiveKey)
    .sort((a, b) =>
      a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
}

export async function collectAttestation(
  deps: { db: MetadataStore; store: ObjectStore },
  input: {
    batch: Batch;
    comuneName: string;
    verification: { id: string; report: VerificationReport; verbale: { chiave: string; sha256: string } };
  },
): Promise<AttestationData> {
  const problems: AttestationProblem[] = [];
  const documents: AttestedDocument[] = [];
  let bytes = 0;
  for (const d of await archivedDocuments(deps.db, input.batch.id)) {
    const pkg = d.archiveKey!;
    const manifestKey = `${pkg}/${PACKAGE_FILES.manifest}`;
    let manifest: Manifest;
    try {
      manifest = JSON.parse((await deps.store.getBuffer(manifestKey)).toString('utf8')) as Manifest;
      if (!Array.isArray(manifest.files)) throw new Error('no files list');
    } catch (err) {
      problems.push({ kind: 'unreadable-manifest', key: manifestKey, detail: (err as Error).message });
      continue;
    }
    const files: AttestedFile[] = [];
    for (const f of manifest.files) {
      const key = `${pkg}/${f.name}`;
      const back = await readFingerprint(deps.store, key);
      if (!back) {
        problems.push({ kind: 'missing', key, detail: 'file assente nel deposito' });
        continue;
      }
      if (back.sha256 !== f.sha256 || back.size !== f.size)
        problems.push({
          kind: 'altered',
          key,
          detail: `il manifesto registra ${f.sha256} (${f.size} B), il deposito restituisce ${back.sha256} (${back.size} B)`,
        });
      files.push({ name: f.name, key, role: f.role, size: back.size, sha256: back.sha256 });
      bytes += back.size;
    }
    const m = await readFingerprint(deps.store, manifestKey);
    if (m) {
      files.push({ name: PACKAGE_FILES.manifest, key: manifestKey, role: 'manifesto', size: m.size, sha256: m.sha256 });
      bytes += m.size;
    }
    documents.push({
      documentId: d.id,
      filename: d.filename,
      title: d.title ?? null,
      pages: d.pageCount ?? manifest.pagine ?? 0,
      archiveKey: pkg,
      files,
    });
  }
  const boxes = await attestedBoxScans(deps, input.batch.id);
  problems.push(...boxes.problems);
  const boxFiles = boxes.boxScans.flatMap((b) => b.files);
  bytes += boxFiles.reduce((n, f) => n + f.size, 0);
  const { report } = input.verification;
  return {
    title: ATTESTATION_TITLE,
    ente: { codice: input.batch.comune, nome: input.comuneName },
    lotto: { id: input.batch.id, etichetta: input.batch.label, creato: input.batch.createdAt },
    data: report.closedAt.slice(0, 10),
    verifica: { id: input.verification.id, ...report, verbale: input.verification.verbale },
    documenti: documents,
    scansioniDiScatola: boxes.boxScans,
    totali: {
      documenti: documents.length,
      scansioniDiScatola: boxes.boxScans.length,
      file: documents.reduce((n, d) => n + d.files.length, 0) + boxFiles.length,
      byte: bytes,
    },
    problemi: problems,
  };
}
