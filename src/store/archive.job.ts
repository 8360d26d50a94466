// Step "archive": write the archive package (original, searchable PDF, text, manifest) and verify every file's
// SHA-256 as read back from the store before the document moves on.
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import { extensionOf } from '../ingest/sniff.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { addStepEventOnce } from '../workers/step-event.ts';
import { keys, PACKAGE_FILES } from './keys.ts';
import { buildManifest, type ManifestFile } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';
import { readFingerprint } from './hash.ts';

/** Copy `from` (or keep the package copy when a re-run finds `from` already cleaned up) and return its file entry. */
async function placeFile(store: ObjectStore, from: string, to: string): Promise<{ size: number; sha256: string }> {
  if (await store.head(from)) {
    const info = await store.put(to, await store.get(from));
    return { size: info.size, sha256: info.sha256 };
  }
  const existing = await store.head(to);
  if (!existing) throw new Error(`neither ${from} nor ${to} exists`);
  return { size: existing.size, sha256: existing.sha256 };
}

export async function archiveJob(
  ctx: JobContext,
  job: JobPayloads['archive'],
): Promise<{ archiveKey: string; files: number }> {
  const sha = job.documentId;
  const doc = await ctx.db.getDocument(sha);
  if (!doc) throw new Error(`document ${sha} not found`);
  const metadata = doc.classification as DocumentMetadata | undefined;
  if (!metadata) throw new Error(`document ${sha} has no classification yet`);
  const prefix = keys.archive(doc.year ?? new Date(doc.createdAt).getUTCFullYear(), sha);
  const originalExt = extensionOf(doc.mediaType);

  const original = await placeFile(ctx.store, keys.original(sha), `${prefix}/${PACKAGE_FILES.original(originalExt)}`);
  if (original.sha256 !== doc.sha256)
    throw new Error(`archived original has SHA-256 ${original.sha256}, expected ${doc.sha256}`);
  const pdf = await placeFile(ctx.store, keys.workPdf(sha), `${prefix}/${PACKAGE_FILES.pdf}`);
  const text = await placeFile(ctx.store, keys.workText(sha), `${prefix}/${PACKAGE_FILES.text}`);
  const files: ManifestFile[] = [
    { name: PACKAGE_FILES.original(originalExt), role: 'originale', mediaType: doc.mediaType, ...original },
    { name: PACKAGE_FILES.pdf, role: 'copia-per-immagine-ricercabile', mediaType: 'application/pdf', ...pdf },
    { name: PACKAGE_FILES.text, role: 'testo-ocr', mediaType: 'application/json', ...text },
  ];

  await addStepEventOnce(ctx.db, {
    type: 'archived',
    documentId: sha,
    batchId: job.batchId,
    actor: 'system',
    detail: { archiveKey: prefix },
  });
  const batch = await ctx.db.getBatch(doc.batchId);
  if (!batch) throw new Error(`batch ${doc.batchId} not found`);
  const boxScan = (doc.splitOrigin && (await ctx.db.getDocument(doc.splitOrigin.boxScan))) || undefined;
  if (doc.splitOrigin && !boxScan) throw new Error(`box scan ${doc.splitOrigin.boxScan} of document ${sha} not found`);
  const manifest = buildManifest({
    document: doc,
    batch,
    metadata,
    title: doc.title ?? doc.filename,
    files,
    events: await ctx.db.listEvents({ documentId: sha }),
    boxScan,
  });
  await ctx.store.put(`${prefix}/${PACKAGE_FILES.manifest}`, Buffer.from(JSON.stringify(manifest, null, 2)));

  // Fixity at write time: the bytes the store gives back now must be the ones the manifest describes.
  for (const f of files) {
    const back = await readFingerprint(ctx.store, `${prefix}/${f.name}`);
    if (back?.sha256 !== f.sha256 || back.size !== f.size)
      throw new Error(`fixity check failed for ${prefix}/${f.name}`);
  }
  await ctx.db.updateDocument(sha, { archiveKey: prefix });
  await ctx.pipeline.add('index', { documentId: sha, batchId: job.batchId });
  return { archiveKey: prefix, files: files.length + 1 };
}
