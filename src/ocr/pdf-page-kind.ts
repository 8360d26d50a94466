// Sorts the pages of a PDF into the three ways they are handled (like OCRmyPDF's skip-text, page by page):
// - 'text':   a text layer with enough real characters: its text is kept as is, no OCR, the page is copied unchanged;
// - 'image':  one full-page scan image: extracted at its native resolution and OCR'd;
// - 'render': anything else (vector drawings, JBIG2/JPX images, several images, blank): rendered and OCR'd.
// A scan that also carries a little text (a digital protocol stamp, a page number) is still a scan: it takes a text
// layer much richer than a stamp to skip the OCR of a page whose content is an image.
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import { pdfPageImages, type PdfPageImage, type PdfScannedPage } from './pdf-images.ts';
import { renderPdfPage, type RenderedPdfPage, type RenderPdfPageOptions } from './pdf-render.ts';
import { openPdfjs, pageTextLayer, type PdfTextLayer } from './pdf-text.ts';

export type PdfPageKind = 'text' | 'image' | 'render';

export interface TextLayerStats {
  /** Letters and digits. */
  realChars: number;
  /** Characters no real text is made of: U+FFFD, private use, controls (fonts without a usable Unicode mapping). */
  garbageChars: number;
}

export interface PageKindOptions {
  /** Real characters that make a page without a scan image a text page. Default 20. */
  minChars?: number;
  /** Real characters that make a page whose content is a full-page scan a text page (existing OCR). Default 200. */
  minCharsOverScan?: number;
  /** Largest share of garbage characters in a usable text layer. Default 0.1. */
  maxGarbageRatio?: number;
}

export function textLayerStats(text: string): TextLayerStats {
  let realChars = 0;
  let garbageChars = 0;
  for (const ch of text) {
    if (/[\p{L}\p{N}]/u.test(ch)) realChars++;
    else if (ch === '\uFFFD' || /[\p{Co}\p{Cn}]/u.test(ch) || (/\p{Cc}/u.test(ch) && !/\s/.test(ch))) garbageChars++;
  }
  return { realChars, garbageChars };
}

/** The kind of a page from its text statistics and whether a single full-page scan image was found. */
export function pageKind(
  stats: TextLayerStats,
  hasScanImage: boolean,
  opts: PageKindOptions = {},
): { kind: PdfPageKind; reason: string } {
  const min = hasScanImage ? (opts.minCharsOverScan ?? 200) : (opts.minChars ?? 20);
  const total = stats.realChars + stats.garbageChars;
  const garbage = total > 0 ? stats.garbageChars / total : 0;
  const fallback = hasScanImage ? 'image' : 'render';
  if (stats.realChars >= min && garbage <= (opts.maxGarbageRatio ?? 0.1)) {
    return { kind: 'text', reason: `text layer with ${stats.realChars} letters and digits` };
  }
  if (stats.realChars >= min) {
    return {
      kind: fallback,
      reason: `the text layer is unreadable (${Math.round(garbage * 100)}% unmapped characters)`,
    };
  }
  if (stats.realChars > 0)
    return { kind: fallback, reason: `only ${stats.realChars} letters and digits of text, fewer than ${min}` };
  return { kind: fallback, reason: 'no text layer' };
}

interface ClassifiedBase {
  /** 1-based. */
  pageNumber: number;
  reason: string;
  stats: TextLayerStats;
}

export type ClassifiedPdfPage =
  | (ClassifiedBase & { kind: 'text'; textLayer: PdfTextLayer })
  | (ClassifiedBase & { kind: 'image'; image: PdfScannedPage['image'] })
  | (ClassifiedBase & { kind: 'render'; rendered: RenderedPdfPage });

export interface ClassifyPdfOptions extends PageKindOptions {
  /** Refuse to decode scan images with more pixels than this. */
  limitInputPixels?: number;
  /** Resolution of text layers' word boxes and of rendered pages. Default 300. */
  dpi?: number;
  /** Largest rendered bitmap, in pixels. */
  maxRenderPixels?: number;
}

/**
 * Classifies each page, in order, one at a time, and hands over what the caller needs for it: the text layer, the
 * scan image, or the page rendered at `dpi`. Throws InvalidPdfError for encrypted or unreadable PDFs.
 * pdf.js reads text and renders; pdf-lib finds scan images. A scan whose text pdf.js cannot read is still a scan:
 * only a page that needs pdf.js (text or render) fails with pdf.js.
 */
export async function* classifyPdfPages(
  pdf: Uint8Array | Buffer,
  opts: ClassifyPdfOptions = {},
): AsyncGenerator<ClassifiedPdfPage> {
  const dpi = opts.dpi ?? 300;
  let doc: PDFDocumentProxy | undefined;
  let docError: unknown;
  try {
    for await (const img of pdfPageImages(pdf, { limitInputPixels: opts.limitInputPixels })) {
      if (!doc && docError === undefined) {
        try {
          doc = await openPdfjs(pdf);
        } catch (err) {
          docError = err;
        }
      }
      const page =
        doc && img.pageNumber <= doc.numPages ? await doc.getPage(img.pageNumber).catch(() => undefined) : undefined;
      if (!page) {
        if (img.kind === 'image') {
          const base = { pageNumber: img.pageNumber, stats: { realChars: 0, garbageChars: 0 } };
          yield {
            ...base,
            kind: 'image',
            image: img.image,
            reason: 'scan image; the text layer cannot be read by pdf.js',
          };
          continue;
        }
        throw docError ?? new Error(`page ${img.pageNumber} cannot be read by pdf.js`);
      }
      try {
        yield await classifyPage(page, img, { ...opts, dpi });
      } finally {
        page.cleanup();
      }
    }
  } finally {
    await doc?.destroy().catch(() => {});
  }
}

async function classifyPage(
  page: PDFPageProxy,
  img: PdfPageImage,
  opts: ClassifyPdfOptions & { dpi: number },
): Promise<ClassifiedPdfPage> {
  // A text layer pdf.js cannot read is no text layer: the page is then OCR'd like one without.
  const textLayer = await pageTextLayer(page, opts.dpi).catch(() => undefined);
  const stats = textLayerStats(textLayer?.text ?? '');
  const { kind, reason } = pageKind(stats, img.kind === 'image', opts);
  const base = { pageNumber: img.pageNumber, reason: textLayer ? reason : 'the text layer cannot be read', stats };
  if (kind === 'text' && textLayer) return { ...base, kind, textLayer };
  if (img.kind === 'image') return { ...base, kind: 'image', image: img.image };
  const render: RenderPdfPageOptions = { dpi: opts.dpi, maxPixels: opts.maxRenderPixels };
  return {
    ...base,
    reason: `${img.reason}; ${base.reason}`,
    kind: 'render',
    rendered: await renderPdfPage(page, render),
  };
}
