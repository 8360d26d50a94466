// Renders PDF pages to bitmaps with pdf.js onto an @napi-rs/canvas canvas, for pages that hold no single scan image
// (vector drawings, JBIG2/JPX images, several images): the bitmap is then OCR'd and placed in the PDF like a scan.
import { createCanvas } from '@napi-rs/canvas';
import type { PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import sharp from 'sharp';
import { openPdfjs } from './pdf-text.ts';

export interface RenderPdfPageOptions {
  /** Target resolution. Default 300. */
  dpi?: number;
  /** Lower the resolution so the bitmap stays under this many pixels (the canvas holds 4 bytes each). Default 60 MP. */
  maxPixels?: number;
}

export interface RenderedPdfPage {
  /** RGB PNG carrying its density. */
  png: Buffer;
  widthPx: number;
  heightPx: number;
  /** The resolution used: the target, or less for a page too large for maxPixels. */
  dpi: number;
}

export const DEFAULT_RENDER_DPI = 300;
export const DEFAULT_RENDER_MAX_PIXELS = 60_000_000;

/** The dpi at which a page of `widthPt` x `heightPt` fits in maxPixels, never above the target (2 decimals). */
export function renderDpi(widthPt: number, heightPt: number, opts: RenderPdfPageOptions = {}): number {
  const target = opts.dpi ?? DEFAULT_RENDER_DPI;
  const max = opts.maxPixels ?? DEFAULT_RENDER_MAX_PIXELS;
  const pixels = ((widthPt * target) / 72) * ((heightPt * target) / 72);
  if (pixels <= max) return target;
  return Math.floor(target * Math.sqrt(max / pixels) * 100) / 100;
}

/** Renders one page as a viewer shows it (/Rotate applied, white background, annotations with appearances). */
export async function renderPdfPage(page: PDFPageProxy, opts: RenderPdfPageOptions = {}): Promise<RenderedPdfPage> {
  const unscaled = page.getViewport({ scale: 1 });
  const dpi = renderDpi(unscaled.width, unscaled.height, opts);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const canvas = createCanvas(width, height);
  try {
    // pdf.js's canvas type is the DOM's; @napi-rs/canvas implements the 2D context pdf.js draws with.
    await page.render({ canvas: canvas as unknown as HTMLCanvasElement, viewport, intent: 'print' }).promise;
    const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
      raw: { width, height, channels: 4 },
    })
      .flatten({ background: '#ffffff' })
      .withDensity(dpi)
      // Decoded once by the next step: fast encoding matters more than size.
      .png({ compressionLevel: 1, adaptiveFiltering: false })
      .toBuffer();
    return { png, widthPx: width, heightPx: height, dpi };
  } finally {
    // Free the native bitmap now rather than at the next GC: pages are rendered one after the other.
    canvas.width = 0;
    canvas.height = 0;
  }
}

/** Renders the given 1-based pages (default all) of a PDF. */
export async function renderPdfPages(
  pdf: Uint8Array | Buffer,
  opts: RenderPdfPageOptions & { pages?: number[] } = {},
): Promise<RenderedPdfPage[]> {
  const doc = await openPdfjs(pdf);
  try {
    const numbers = opts.pages ?? Array.from({ length: doc.numPages }, (_, i) => i + 1);
    const out: RenderedPdfPage[] = [];
    for (const n of numbers) {
      const page = await doc.getPage(n);
      out.push(await renderPdfPage(page, opts));
      page.cleanup();
    }
    return out;
  } finally {
    await doc.destroy().catch(() => {});
  }
}
