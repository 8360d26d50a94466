// Step "index": one search entry per page from the archive package, then the work area and the inbox copy of the
// original are cleaned up (the package holds verified copies) and the document is "archiviato".
import { documentYear, type DocumentMetadata } from '../classify/document-metadata.ts';
import type { DocumentText } from '../ocr/assemble.job.ts';
import { keys, PACKAGE_FILES } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { addStepEventOnce } from '../workers/step-event.ts';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import type { PageEntry } from './search-index.ts';
import { filedPracticeKey, onDocumentArchived } from '../paper/digitisation-hook.ts';

/**
 * The search entries of a document's pages. `comune` and `restricted` are the document's tenancy (DocumentRecord):
 * every caller re-indexing a document must pass them, or the pages fall back to DEFAULT_COMUNE_CODE and shared.
 */
export function pageEntries(
  doc: { id: string; filename: string; title?: string; comune: string; restricted: boolean },
  m: DocumentMetadata,
  text: DocumentText,
): PageEntry[] {
  const comune = doc.comune ?? DEFAULT_COMUNE_CODE;
  const restricted = doc.restricted === true;
  return text.pages.map((p) => ({
    documentId: doc.id,
    page: p.page,
    text: p.text,
    title: doc.title ?? doc.filename,
    filename: doc.filename,
    year: documentYear(m),
    practice: m.practice?.key,
    procedureType: m.procedureType,
    documentType: m.documentType,
    titolarioClass: m.titolarioClass,
    protocol: m.protocol ? `${m.protocol.number}/${m.protocol.date?.slice(0, 4) ?? ''}`.replace(/\/$/, '') : undefined,
    address: m.address ? `${m.address.street} ${m.address.civic}` : undefined,
    cadastral: m.cadastral ? `F${m.cadastral.foglio} M${m.cadastral.mappale}${m.cadastral.subalterno ? ` S${m.cadastral.subalterno}` : ''}` : undefined,
    comune,
    restricted,
  }));
}

export async function indexJob(ctx: JobContext, job: JobPayloads['index']): Promise<{ pages: number }> {
  const sha = job.documentId;
  const doc = await ctx.db.getDocument(sha);
  if (!doc?.archiveKey) throw new Error(`document ${sha} is not archived yet`);
  const text = JSON.parse((await ctx.store.getBuffer(`${doc.archiveKey}/${PACKAGE_FILES.text}`)).toString('utf8')) as DocumentText;
  const entries = pageEntries(doc, doc.classification as DocumentMetadata, text);
  await ctx.search.upsertDocument(sha, entries);

  const archivedOriginal = (await ctx.db.listEvents({ documentId: sha })).some((e) => e.type === 'archived');
  if (archivedOriginal) {
    const work: string[] = [];
    for await (const key of ctx.store.list(keys.work(sha))) work.push(key);
    for (const key of work) await ctx.store.delete(key);
    await ctx.store.delete(keys.original(sha));
  }
  // The paper inventory: the practice is archived, and requesters waiting for its scans are told (once).
  await onDocumentArchived(ctx, doc, await filedPracticeKey(ctx.db, doc), entries.length);
  await addStepEventOnce(ctx.db, { type: 'indexed', documentId: sha, batchId: job.batchId, actor: 'system', detail: { pages: entries.length } });
  // Last: 'archived' means every step is done (a step redelivered after it is skipped, see worker.runner.ts).
  await ctx.db.updateDocument(sha, { status: 'archived' });
  return { pages: entries.length };
}
