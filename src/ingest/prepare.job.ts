// Step "prepare": sniff the original by content, split it into page images (OCR image + PDF image), then start the
// OCR flow. Unsupported or corrupt files fail here, permanently, with a reason for people.
import sharp from 'sharp';
import { PermanentError, errorMessage } from '../core/errors.ts';
import { preparePageImage } from '../ocr/page-image.ts';
import { countPdfPages, pdfPageImages } from '../ocr/pdf-images.ts';
import { keys } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { sniffType } from './sniff.ts';

export interface PageManifest {
  pages: Array<{ page: number; widthPx: number; heightPx: number; dpi: number }>;
  sourceKind: string;
}

interface RawPage {
  input: Buffer;
  page?: number; // page of a multi-page TIFF
  dpi?: number; // known from the PDF page geometry
  rotate?: 0 | 90 | 180 | 270;
}

/** Yield the raw page images of an original, one at a time so a long TIFF never sits decoded in memory. */
async function* rawPages(original: Buffer, kind: string, ctx: JobContext): AsyncGenerator<RawPage> {
  const { maxPixels, maxPages } = ctx.config.limits;
  if (kind === 'tiff') {
    const meta = await sharp(original, { limitInputPixels: maxPixels }).metadata();
    const count = meta.pages ?? 1;
    if (count > maxPages) throw new PermanentError(`the TIFF has ${count} pages, more than the limit of ${maxPages}`);
    for (let i = 0; i < count; i++) {
      yield { input: original, page: i };
    }
  } else if (kind === 'jpeg' || kind === 'png') {
    yield { input: original };
  } else if (kind === 'pdf') {
    const count = await countPdfPages(original);
    if (count > maxPages) throw new PermanentError(`the PDF has ${count} pages, more than the limit of ${maxPages}`);
    for await (const img of pdfPageImages(original, { limitInputPixels: maxPixels })) {
      if (!img.image) throw new PermanentError(`PDF page ${img.pageNumber} is not a scanned image (${img.reason}); born-digital pages are not supported yet`);
      yield img.image;
    }
  } else if (original.length === 0) {
    throw new PermanentError('the file is empty (0 bytes)');
  } else {
    throw new PermanentError('unsupported file type: not a TIFF, JPEG, PNG or PDF (checked by content, not by name)');
  }
}

export async function prepareJob(ctx: JobContext, job: JobPayloads['prepare']): Promise<{ pageCount: number }> {
  const sha = job.documentId;
  const original = await ctx.store.getBuffer(keys.original(sha));
  const type = sniffType(original.subarray(0, 1024));
  const manifest: PageManifest = { pages: [], sourceKind: type.kind };
  let page = 0;
  try {
    for await (const raw of rawPages(original, type.kind, ctx)) {
      page++;
      const prepared = await preparePageImage(raw.input, {
        page: raw.page,
        dpi: raw.dpi,
        rotate: raw.rotate,
        limitInputPixels: ctx.config.limits.maxPixels,
      });
      await ctx.store.put(keys.pageOcrImage(sha, page), prepared.ocrImage);
      await ctx.store.put(keys.pagePdfImage(sha, page), prepared.pdfImage);
      manifest.pages.push({ page, widthPx: prepared.widthPx, heightPx: prepared.heightPx, dpi: prepared.dpi });
    }
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    // sharp and the PDF parser report corrupt input as plain errors: nothing a retry can fix.
    throw new PermanentError(`cannot read ${type.kind.toUpperCase()} page ${page + 1}: ${errorMessage(err)}`, { cause: err });
  }
  if (page === 0) throw new PermanentError('the file holds no pages');
  await ctx.store.put(keys.pagesManifest(sha), Buffer.from(JSON.stringify(manifest)));
  await ctx.db.updateDocument(sha, { pageCount: page });
  await ctx.pipeline.addOcrFlow({ documentId: sha, batchId: job.batchId, pageCount: page });
  ctx.log.info({ pages: page, kind: type.kind }, 'pages prepared');
  return { pageCount: page };
}
