// Step "assemble": when every page is recognised, build the searchable PDF and the document's text record.
// Pages that kept their own text layer are copied from the original PDF as they are.
import { keys } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import type { PageText } from './ocr-page.job.ts';
import { pageRowsOf } from './page-rows.ts';
import { buildDocumentPdf, type PdfAReport, type SearchablePdfPage } from './searchable-pdf.ts';

/** text.json of a document: what OCR found on each page, with the engine that found it. */
export interface DocumentText {
  documentId: string;
  pages: PageText[];
  /** Whether document.pdf is identified as PDF/A-2b; when not, the rules a copied born-digital page broke. */
  pdfa?: PdfAReport;
}

export async function assembleJob(
  ctx: JobContext,
  job: JobPayloads['assemble'],
): Promise<{ pages: number; pdfBytes: number }> {
  const sha = job.documentId;
  const doc = await ctx.db.getDocument(sha);
  if (!doc) throw new Error(`document ${sha} not found`);
  const pages: PageText[] = [];
  const pdfPages: SearchablePdfPage[] = [];
  let original: Buffer | undefined;
  for (let p = 1; p <= job.pageCount; p++) {
    const text = JSON.parse((await ctx.store.getBuffer(keys.pageOcrResult(sha, p))).toString('utf8')) as PageText;
    pages.push(text);
    if (text.kind === 'text') {
      // Page p of the document is page p of the original PDF (prepare keeps every page, in order).
      original ??= await ctx.store.getBuffer(keys.original(sha));
      pdfPages.push({ copyOf: { pdf: original, page: p } });
      continue;
    }
    pdfPages.push({
      jpeg: await ctx.store.getBuffer(keys.pagePdfImage(sha, p)),
      textPdf: await ctx.store.getBuffer(keys.pageTextPdf(sha, p)),
      widthPx: text.widthPx,
      heightPx: text.heightPx,
      dpi: text.dpi,
    });
  }
  const { pdf, pdfa } = await buildDocumentPdf(pdfPages, {
    title: doc.filename,
    producer: 'Faldone',
    creationDate: new Date(doc.createdAt),
  });
  if (!pdfa.conformant)
    ctx.log.info({ issues: pdfa.issues }, 'document.pdf is not identified as PDF/A: copied pages break its rules');
  await ctx.store.put(keys.workPdf(sha), Buffer.from(pdf));
  const record: DocumentText = { documentId: sha, pages, pdfa };
  await ctx.store.put(keys.workText(sha), Buffer.from(JSON.stringify(record)));
  await ctx.db.replacePages(sha, pageRowsOf(sha, pages));
  await ctx.pipeline.add('classify', { documentId: sha, batchId: job.batchId });
  return { pages: pages.length, pdfBytes: pdf.length };
}
