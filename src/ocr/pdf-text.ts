// Text per page of a PDF, with pdf.js (legacy build for Node; its "fake worker" runs in this thread).
// Items are joined into lines by our own check of the baseline, measured perpendicular to the text direction so that
// slightly rotated text (deskewed OCR layers) still groups into lines. pageTextLayer() also gives each word's box in
// pixels of the page seen at a nominal resolution, so a born-digital page's text can stand in for OCR.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, version as pdfjsVersion, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy, TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api.js';
import type { OcrWord } from './ocr-engine.ts';
import { InvalidPdfError } from './pdf-images.ts';

export { pdfjsVersion };

const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));

/** getDocument parameters for Node: local font/cmap/wasm data, no eval, warnings silenced. */
export function pdfjsNodeParams(): {
  standardFontDataUrl: string;
  cMapUrl: string;
  cMapPacked: boolean;
  wasmUrl: string;
  iccUrl: string;
  verbosity: number;
  isEvalSupported: boolean;
  useSystemFonts: boolean;
  disableFontFace: boolean;
  stopAtErrors: boolean;
} {
  return {
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/',
    cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
    cMapPacked: true,
    wasmUrl: join(PDFJS_DIR, 'wasm') + '/',
    iccUrl: join(PDFJS_DIR, 'iccs') + '/',
    verbosity: VerbosityLevel.ERRORS,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
  };
}

export interface ExtractPdfTextOptions {
  password?: string;
}

/** Opens a PDF with pdf.js; the caller destroys it. Throws InvalidPdfError for encrypted/corrupt PDFs. */
export async function openPdfjs(pdf: Uint8Array | Buffer, opts: ExtractPdfTextOptions = {}): Promise<PDFDocumentProxy> {
  // pdf.js may detach/transfer the buffer it is given: always hand it a private copy.
  const data = new Uint8Array(pdf.byteLength);
  data.set(pdf);
  const task = getDocument({ ...pdfjsNodeParams(), data, password: opts.password });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    throw toInvalidPdfError(err);
  }
}

/** Text of every page (index 0 = page 1); lines joined with '\n'. Throws InvalidPdfError for encrypted/corrupt PDFs. */
export async function extractPdfText(pdf: Uint8Array | Buffer, opts: ExtractPdfTextOptions = {}): Promise<string[]> {
  const doc = await openPdfjs(pdf, opts);
  try {
    const out: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      out.push(joinTextItems(content.items));
      page.cleanup();
    }
    return out;
  } finally {
    await doc.destroy().catch(() => {});
  }
}

/** A page's text layer as OCR would report it: text, words with pixel boxes, and the page size at `dpi`. */
export interface PdfTextLayer {
  text: string;
  words: OcrWord[];
  /** Size of the page as a viewer shows it (/Rotate applied), in pixels at `dpi`. */
  widthPx: number;
  heightPx: number;
  dpi: number;
}

/** The text layer of one pdf.js page; `text` is what extractPdfText gives for the page. */
export async function pageTextLayer(page: PDFPageProxy, dpi = 300): Promise<PdfTextLayer> {
  const viewport = page.getViewport({ scale: dpi / 72 });
  const content = await page.getTextContent();
  const words: OcrWord[] = [];
  for (const item of content.items) {
    if ('str' in item && item.str.trim().length > 0) words.push(...itemWords(item, viewport.transform));
  }
  return {
    text: joinTextItems(content.items),
    words,
    widthPx: Math.round(viewport.width),
    heightPx: Math.round(viewport.height),
    dpi,
  };
}

/**
 * The words of one text item with their boxes in viewport pixels. pdf.js gives one box per item (a run of text in
 * one font), so each word gets the share of the run's advance that its characters take: exact for monospaced runs,
 * close enough for highlighting otherwise. The box spans 0.2 em below the baseline to 0.8 em above it.
 */
function itemWords(item: TextItem, vt: number[]): OcrWord[] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform as number[];
  const scaleX = Math.hypot(a, b) || 1;
  const size = Math.hypot(c, d) || item.height || 1;
  const ux = a / scaleX;
  const uy = b / scaleX;
  // "Up" in text space; fall back to the perpendicular of the baseline when the item is degenerate.
  const vx = Math.hypot(c, d) ? c / size : -uy;
  const vy = Math.hypot(c, d) ? d / size : ux;
  const chars = Array.from(item.str);
  const advance = item.width / Math.max(1, chars.length);
  const toPx = (x: number, y: number): [number, number] => [
    vt[0]! * x + vt[2]! * y + vt[4]!,
    vt[1]! * x + vt[3]! * y + vt[5]!,
  ];
  const out: OcrWord[] = [];
  let i = 0;
  while (i < chars.length) {
    if (/\s/.test(chars[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && !/\s/.test(chars[j]!)) j++;
    const corners = [
      [i, -0.2],
      [i, 0.8],
      [j, -0.2],
      [j, 0.8],
    ].map(([t, s]) => toPx(e + ux * t! * advance + vx * s! * size, f + uy * t! * advance + vy * s! * size));
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    out.push({
      text: chars.slice(i, j).join(''),
      confidence: 100,
      bbox: {
        x0: Math.round(Math.min(...xs)),
        y0: Math.round(Math.min(...ys)),
        x1: Math.round(Math.max(...xs)),
        y1: Math.round(Math.max(...ys)),
      },
    });
    i = j;
  }
  return out;
}

function toInvalidPdfError(err: unknown): InvalidPdfError {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'PasswordException') {
    return new InvalidPdfError('the PDF is encrypted (password required)', 'encrypted', { cause: err });
  }
  return new InvalidPdfError(`cannot parse the PDF: ${e?.message ?? String(err)}`, 'unparsable', { cause: err });
}

/**
 * Joins pdf.js text items into lines, by geometry: a new line starts when the next item's baseline is displaced
 * perpendicular to the text direction by more than half the font size, or when it moves backwards; a blank line
 * marks a gap of more than 2.2 font sizes (paragraphs). pdf.js's own hasEOL is ignored: it flags every item of
 * slightly rotated text (e.g. a deskewed OCR layer) as a line end. A space is inserted between items separated by
 * more than 0.15 font size along the line. Exported for tests.
 */
export function joinTextItems(items: ReadonlyArray<TextItem | TextMarkedContent>): string {
  const lines: string[] = [];
  let line = '';
  let pendingSpace = false;
  let last: { x: number; y: number; dirX: number; dirY: number; width: number; size: number } | undefined;

  for (const item of items) {
    if (!('str' in item) || item.str.length === 0) continue;
    if (item.str.trim().length === 0) {
      pendingSpace = line.length > 0;
      continue;
    }
    const [a = 1, b = 0, c = 0, d = 1, x = 0, y = 0] = item.transform as number[];
    const scaleX = Math.hypot(a, b) || 1;
    const size = Math.hypot(c, d) || item.height || 1;
    const dirX = a / scaleX;
    const dirY = b / scaleX;
    if (last) {
      const dx = x - last.x;
      const dy = y - last.y;
      const across = Math.abs(-dx * last.dirY + dy * last.dirX); // distance between baselines
      const along = dx * last.dirX + dy * last.dirY; // advance along the text direction
      const ref = Math.max(size, last.size);
      if (across > 0.5 * ref || along < -0.5 * ref) {
        lines.push(line);
        if (across > 2.2 * ref) lines.push('');
        line = '';
      } else if (pendingSpace || along - last.width > 0.15 * ref) {
        if (!/\s$/.test(line) && !/^\s/.test(item.str)) line += ' ';
      }
    }
    line += item.str;
    pendingSpace = false;
    last = { x, y, dirX, dirY, width: item.width, size };
  }
  if (line.length > 0) lines.push(line);
  return lines
    .map((l) => l.replace(/[ \t\u00A0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
