// Step "index": one search entry per page from the archive package, then the work area and the inbox copy of the
// original are cleaned up (the package holds verified copies) and the document is "archiviato".
import { documentYear, type DocumentMetadata } from '../classify/document-metadata.ts';
import type { DocumentText } from '../ocr/assemble.job.ts';
import { keys, PACKAGE_FILES } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { addStepEventOnce } from '../workers/step-event.ts';
import type { PageEntry } from './search-index.ts';

export function pageEntries(doc: { id: string; filename: string; title?: string }, m: DocumentMetadata, text: DocumentText): PageEntry[] {
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
  await ctx.db.updateDocument(sha, { status: 'archived' });
  await addStepEventOnce(ctx.db, { type: 'indexed', documentId: sha, batchId: job.batchId, actor: 'system', detail: { pages: entries.length } });
  return { pages: entries.length };
}
