// Step "ocr-page": recognise one page image; the words, text and invisible-text PDF go to the work area.
import { keys } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import type { PageManifest } from '../ingest/prepare.job.ts';
import { OcrTimeoutError, type OcrWord } from './ocr-engine.ts';
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
}

export async function ocrPageJob(
  ctx: JobContext,
  job: JobPayloads['ocr-page'],
): Promise<{ confidence: number; chars: number }> {
  const sha = job.documentId;
  const manifest = JSON.parse((await ctx.store.getBuffer(keys.pagesManifest(sha))).toString('utf8')) as PageManifest;
  const info = manifest.pages[job.page - 1];
  if (!info) throw new Error(`page ${job.page} missing from the page manifest`);
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
  };
  await ctx.store.put(keys.pageTextPdf(sha, job.page), result.textPdf);
  await ctx.store.put(keys.pageOcrResult(sha, job.page), Buffer.from(JSON.stringify(record)));
  ctx.log.debug({ page: job.page, confidence: result.confidence, ms: result.durationMs }, 'page recognised');
  return { confidence: result.confidence, chars: result.text.length };
}
