// Step "ocr-page": recognise one page image; the words, text and invisible-text PDF go to the work area.
// A page with its own text layer (a born-digital PDF page) is not recognised: its text becomes the record as is.
import { keys } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import type { PageManifest, PageManifestEntry } from '../ingest/prepare.job.ts';
import { OcrTimeoutError, type OcrWord } from './ocr-engine.ts';
import type { PageCleanupRecord } from './page-image.ts';
import type { PdfPageKind } from './pdf-page-kind.ts';
import type { PageQuality } from '../scan/page-quality.ts';
import { pdfjsVersion, type PdfTextLayer } from './pdf-text.ts';
import { PermanentError, errorMessage } from '../core/errors.ts';

/** The per-page OCR record kept in text.json. */
export interface PageText {
  page: number;
  text: string;
  confidence: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
  words: OcrWord[];
  engine: { name: string; version: string; languages: string };
  durationMs: number;
  /** Where the text comes from: OCR of the page image ('image', 'render') or the PDF's own text layer ('text'). */
  kind?: PdfPageKind;
  /** The clean-up steps applied to the page image before OCR (none for a text page). */
  cleanup?: PageCleanupRecord;
  /** Page quality warnings and measures (src/scan/page-quality.ts), carried into the page rows and text.json. */
  quality?: PageQuality;
}

/** The engine named in the records of pages whose text was taken from the PDF, not recognised. */
export const TEXT_LAYER_ENGINE = { name: 'pdf-text-layer', version: `pdf.js ${pdfjsVersion}`, languages: '' } as const;

export interface OcrPageJobResult {
  confidence: number;
  chars: number;
  source: 'ocr' | 'text-layer';
}

export async function ocrPageJob(ctx: JobContext, job: JobPayloads['ocr-page']): Promise<OcrPageJobResult> {
  const sha = job.documentId;
  const manifest = JSON.parse((await ctx.store.getBuffer(keys.pagesManifest(sha))).toString('utf8')) as PageManifest;
  const info = manifest.pages[job.page - 1];
  if (!info) throw new Error(`page ${job.page} missing from the page manifest`);
  if (info.kind === 'text') return textLayerPage(ctx, job, info);
  const image = await ctx.store.getBuffer(keys.pageOcrImage(sha, job.page));
  let result;
  try {
    result = await ctx.ocr().recognise(image, { dpi: info.dpi });
  } catch (err) {
    // A page that overruns the time limit twice will overrun it again: stop retrying and say which page.
    if (err instanceof OcrTimeoutError && ctx.attempt >= 2) {
      throw new PermanentError(`OCR of page ${job.page} exceeded the time limit twice (${errorMessage(err)})`, {
        cause: err,
      });
    }
    throw err;
  }
  const record: PageText = {
    page: job.page,
    text: result.text,
    confidence: result.confidence,
    widthPx: info.widthPx,
    heightPx: info.heightPx,
    dpi: info.dpi,
    words: result.words,
    engine: result.engine,
    durationMs: result.durationMs,
    kind: info.kind ?? 'image',
    ...(info.cleanup !== undefined ? { cleanup: info.cleanup } : {}),
    ...(info.quality !== undefined ? { quality: info.quality } : {}),
  };
  await ctx.store.put(keys.pageTextPdf(sha, job.page), result.textPdf);
  await ctx.store.put(keys.pageOcrResult(sha, job.page), Buffer.from(JSON.stringify(record)));
  ctx.log.debug({ page: job.page, confidence: result.confidence, ms: result.durationMs }, 'page recognised');
  return { confidence: result.confidence, chars: result.text.length, source: 'ocr' };
}

/** The record of a page that keeps its own text: no OCR engine is started, no invisible-text PDF is made. */
async function textLayerPage(
  ctx: JobContext,
  job: JobPayloads['ocr-page'],
  info: PageManifestEntry,
): Promise<OcrPageJobResult> {
  const sha = job.documentId;
  const layer = JSON.parse(
    (await ctx.store.getBuffer(keys.pageTextLayer(sha, job.page))).toString('utf8'),
  ) as PdfTextLayer;
  const record: PageText = {
    page: job.page,
    text: layer.text,
    confidence: 100,
    widthPx: info.widthPx,
    heightPx: info.heightPx,
    dpi: info.dpi,
    words: layer.words,
    engine: { ...TEXT_LAYER_ENGINE },
    durationMs: 0,
    kind: 'text',
  };
  await ctx.store.put(keys.pageOcrResult(sha, job.page), Buffer.from(JSON.stringify(record)));
  ctx.log.debug({ page: job.page, chars: layer.text.length }, 'page text taken from the PDF text layer');
  return { confidence: 100, chars: layer.text.length, source: 'text-layer' };
}
