// Text per page of a PDF, with pdf.js (legacy build for Node; its "fake worker" runs in this thread).
// Items are joined into lines using pdf.js's hasEOL plus our own check of the baseline, measured perpendicular to the
// text direction so that slightly rotated text (deskewed OCR layers) still groups into lines.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api.js';
import { InvalidPdfError } from './pdf-images.ts';

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

/** Text of every page (index 0 = page 1); lines joined with '\n'. Throws InvalidPdfError for encrypted/corrupt PDFs. */
export async function extractPdfText(pdf: Uint8Array | Buffer, opts: ExtractPdfTextOptions = {}): Promise<string[]> {
  // pdf.js may detach/transfer the buffer it is given: always hand it a private copy.
  const data = new Uint8Array(pdf.byteLength);
  data.set(pdf);
  const task = getDocument({ ...pdfjsNodeParams(), data, password: opts.password });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    throw toInvalidPdfError(err);
  }
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
