// Step "assemble": when every page is recognised, build the searchable PDF and the document's text record.
import { keys } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import type { PageText } from './ocr-page.job.ts';
import { buildSearchablePdf } from './searchable-pdf.ts';

/** text.json of a document: what OCR found on each page, with the engine that found it. */
export interface DocumentText {
  documentId: string;
  pages: PageText[];
}

export async function assembleJob(ctx: JobContext, job: JobPayloads['assemble']): Promise<{ pages: number; pdfBytes: number }> {
  const sha = job.documentId;
  const doc = await ctx.db.getDocument(sha);
  if (!doc) throw new Error(`document ${sha} not found`);
  const pages: PageText[] = [];
  const pdfPages = [];
  for (let p = 1; p <= job.pageCount; p++) {
    const text = JSON.parse((await ctx.store.getBuffer(keys.pageOcrResult(sha, p))).toString('utf8')) as PageText;
    pages.push(text);
    pdfPages.push({
      jpeg: await ctx.store.getBuffer(keys.pagePdfImage(sha, p)),
      textPdf: await ctx.store.getBuffer(keys.pageTextPdf(sha, p)),
      widthPx: text.widthPx,
      heightPx: text.heightPx,
      dpi: text.dpi,
    });
  }
  const pdf = await buildSearchablePdf(pdfPages, {
    title: doc.filename,
    producer: 'Faldone',
    creationDate: new Date(doc.createdAt),
  });
  await ctx.store.put(keys.workPdf(sha), Buffer.from(pdf));
  const record: DocumentText = { documentId: sha, pages };
  await ctx.store.put(keys.workText(sha), Buffer.from(JSON.stringify(record)));
  await ctx.db.replacePages(
    sha,
    pages.map((p) => ({ documentId: sha, page: p.page, widthPx: p.widthPx, heightPx: p.heightPx, dpi: p.dpi, confidence: p.confidence, chars: p.text.length })),
  );
  await ctx.pipeline.add('classify', { documentId: sha, batchId: job.batchId });
  return { pages: pages.length, pdfBytes: pdf.length };
}
