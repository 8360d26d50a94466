// The new scan of one page, made ready like any page of a document: split off as prepare.job does (same clean-up:
// orientation, deskew, contrast, borders), then recognised as ocr-page.job does. A one-page PDF whose page carries
// its own text keeps it (no OCR) and is copied into the searchable PDF as it is.
import { PermanentError, errorMessage } from '../core/errors.ts';
import { cleanupOptions, rawPages } from '../ingest/prepare.job.ts';
import { sniffType } from '../ingest/sniff.ts';
import { TEXT_LAYER_ENGINE, type PageText } from '../ocr/ocr-page.job.ts';
import { preparePageImage } from '../ocr/page-image.ts';
import { checkPreparedPage } from '../scan/page-quality.prepare.ts';
import type { SearchablePdfPage } from '../ocr/searchable-pdf.ts';
import type { JobContext } from '../workers/job-context.ts';

export interface RecognisedRescan {
  /** The page's record for text.json (its number is the page it replaces). */
  text: PageText;
  /** The page of the searchable PDF. */
  pdfPage: SearchablePdfPage;
}

export async function recogniseRescan(ctx: JobContext, bytes: Buffer, page: number): Promise<RecognisedRescan> {
  const type = sniffType(bytes.subarray(0, 1024));
  let raw;
  try {
    for await (const p of rawPages(bytes, type.kind, ctx)) {
      if (raw) throw new PermanentError('the rescan holds more than one page');
      raw = p;
    }
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    throw new PermanentError(`cannot read the rescan (${type.kind.toUpperCase()}): ${errorMessage(err)}`, {
      cause: err,
    });
  }
  if (!raw) throw new PermanentError('the rescan holds no page');

  if (raw.kind === 'text') {
    const { layer } = raw;
    return {
      text: {
        page,
        text: layer.text,
        confidence: 100,
        widthPx: layer.widthPx,
        heightPx: layer.heightPx,
        dpi: layer.dpi,
        words: layer.words,
        engine: { ...TEXT_LAYER_ENGINE },
        durationMs: 0,
        kind: 'text',
      },
      pdfPage: { copyOf: { pdf: bytes, page: 1 } },
    };
  }
  let prepared;
  try {
    prepared = await preparePageImage(raw.input, {
      page: raw.page,
      dpi: raw.dpi,
      rotate: raw.rotate,
      limitInputPixels: ctx.config.limits.maxPixels,
      ...(raw.kind === 'render' ? { cleanup: false as const, median: 0 } : await cleanupOptions(ctx)),
    });
  } catch (err) {
    throw new PermanentError(`cannot prepare the rescan: ${errorMessage(err)}`, { cause: err });
  }
  // The new scan is checked like any scanned page: a rescan that is still poor shows its warnings again.
  const checked = checkPreparedPage(ctx.config.scan, prepared, raw.kind === 'render');
  const result = await ctx.ocr().recognise(prepared.ocrImage, { dpi: prepared.dpi });
  return {
    text: {
      page,
      text: result.text,
      confidence: result.confidence,
      widthPx: prepared.widthPx,
      heightPx: prepared.heightPx,
      dpi: prepared.dpi,
      words: result.words,
      engine: result.engine,
      durationMs: result.durationMs,
      kind: raw.kind,
      cleanup: prepared.cleanup,
      ...(checked ? { quality: checked.quality } : {}),
    },
    pdfPage: {
      jpeg: prepared.pdfImage,
      textPdf: result.textPdf,
      widthPx: prepared.widthPx,
      heightPx: prepared.heightPx,
      dpi: prepared.dpi,
    },
  };
}
