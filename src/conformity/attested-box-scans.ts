// The box scans of a batch in an attestation of conformity: each one's original, kept whole, and its split plan, with
// their SHA-256 computed now from the bytes the store returns, and the parts (archived documents) it was split into.
import type { MetadataStore } from '../db/metadata-store.ts';
import { checkBoxScan } from '../store/box-scan-fixity.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { AttestationProblem, AttestedFile } from './attestation.ts';

export interface AttestedBoxScan {
  documentId: string;
  filename: string;
  pages: number;
  mode: string;
  files: AttestedFile[];
  parts: Array<{ part: number; documentId: string; filename: string; pages: number[] }>;
}

export async function attestedBoxScans(
  deps: { db: MetadataStore; store: ObjectStore },
  batchId: string,
): Promise<{ boxScans: AttestedBoxScan[]; problems: AttestationProblem[] }> {
  const boxes = (await deps.db.listDocuments({ batchId, status: 'split', limit: 1_000_000 })).sort((a, b) =>
    a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : a.id < b.id ? -1 : 1,
  );
  if (!boxes.length) return { boxScans: [], problems: [] };
  const docs = await deps.db.listDocuments({ batchId, limit: 1_000_000 });
  const problems: AttestationProblem[] = [];
  const boxScans: AttestedBoxScan[] = [];
  for (const box of boxes) {
    const parts = docs
      .filter((d) => d.splitOrigin?.boxScan === box.id)
      .map((d) => ({ part: d.splitOrigin!.part, documentId: d.id, filename: d.filename, pages: d.splitOrigin!.pages }))
      .sort((a, b) => a.part - b.part);
    const check = await checkBoxScan(deps.store, box.id, { size: box.size, parts });
    for (const p of check.problems) problems.push(p);
    const files: AttestedFile[] = [];
    if (check.original) files.push({ name: box.filename, role: 'originale-scansione-di-scatola', ...check.original });
    if (check.plan) {
      const { content: _c, ...plan } = check.plan;
      files.push({ name: 'plan.json', role: 'piano-di-suddivisione', ...plan });
    }
    boxScans.push({
      documentId: box.id,
      filename: box.filename,
      pages: box.pageCount ?? 0,
      mode: box.boxSplit ?? 'separators',
      files,
      parts,
    });
  }
  return { boxScans, problems };
}
