// Finds and decodes a separator QR code on a scanned page. A ladder of attempts, cheapest first, stops at the first
// decoded code: a coarse pass (~100 DPI), the page at up to 200 DPI, then despeckled, smoothed and thresholded
// variants. Pages without a code are rejected after the first two passes when the decoder located no finder pattern,
// so a box of content pages costs two decodes per page. The QR library sits behind QrDecoder; the default is the `qr`
// package, chosen with bench/qr-readers.ts (jsqr, @zxing/library, zxing-wasm and qr on printed-and-scanned sheets).
import decodeQR from 'qr/decode.js';
import sharp, { type Sharp } from 'sharp';
import { dpiFromDensity } from '../ocr/page-image.ts';
import { detectBlankPage, type BlankPageOptions } from './blank-page.ts';
import type { PageDescriptor } from './box-split.ts';
import {
  decodeSeparator,
  InvalidSeparatorError,
  looksLikeSeparator,
  type SeparatorPayload,
} from './separator.payload.ts';

/** 8-bit single-channel pixels. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface QrDecodeResult {
  /** Texts of the codes decoded on the image. */
  texts: string[];
  /** Symbols located, decoded or not; undefined when the decoder cannot tell (then no fast rejection). */
  located?: number;
}

export interface QrDecoder {
  readonly name: string;
  decode(image: GreyImage): Promise<QrDecodeResult>;
}

/**
 * The default decoder: the `qr` package (pure JavaScript, reads a grey plane directly). It read every sheet in every
 * condition of bench/qr-readers.ts, punched holes and stamps over the code included, and reports located finder
 * patterns, which lets the ladder stop early on pages without a code.
 */
export function qrDecoder(opts: { effort?: number; timeLimitMs?: number } = {}): QrDecoder {
  return {
    name: 'qr',
    async decode(image) {
      let located = 0;
      try {
        // 'I420' reads the first width×height bytes as luma: our grey plane, without an RGBA copy.
        const text = decodeQR(image, {
          format: 'I420',
          effort: opts.effort ?? 4,
          timeLimit: opts.timeLimitMs ?? 500,
          pointsOnDetect: () => located++,
        });
        return { texts: [text], located: Math.max(located, 1) };
      } catch (err) {
        // TypeError/RangeError: bad input, a bug here. Error: no code, or a located code that did not decode
        // (`located` tells them apart).
        if (err instanceof TypeError || err instanceof RangeError) throw err;
        return { texts: [], located };
      }
    },
  };
}

export interface ReadSeparatorOptions {
  decoder?: QrDecoder;
  /** Resolution when the image carries none (or an implausible one). Default 200. */
  defaultDpi?: number;
  /** Known resolution (e.g. from a PDF page): overrides the image metadata. */
  dpi?: number;
  /** Page of a multi-page input (TIFF). Default 0. */
  page?: number;
  /** Try every step of the ladder even when no symbol was located (slower; for measurements). */
  exhaustive?: boolean;
}

export interface SeparatorReading {
  /** The separator on the page, or null. */
  payload: SeparatorPayload | null;
  /** The QR text the payload came from. */
  text?: string;
  /** A Faldone separator code that could not be accepted (unsupported version, invalid fields): why. */
  invalid?: string;
  /** Other QR codes on the page (e.g. a PagoPA notice): never separators. */
  foreign: string[];
  /** Name of the ladder step that decoded the code. */
  step?: string;
  /** Decodes run. */
  attempts: number;
  ms: number;
}

interface Step {
  name: string;
  /** Resolution to work at. */
  dpi: number;
  /** Expensive variants run only after some symbol was located (or in exhaustive mode). */
  onlyIfLocated: boolean;
  filter?: (img: Sharp) => Sharp;
}

const LADDER: Step[] = [
  { name: 'coarse', dpi: 100, onlyIfLocated: false },
  { name: 'full', dpi: 200, onlyIfLocated: false },
  { name: 'despeckle', dpi: 200, onlyIfLocated: true, filter: (i) => i.median(3) },
  { name: 'smooth', dpi: 150, onlyIfLocated: true, filter: (i) => i.blur(1).normalise() },
  { name: 'sharpen', dpi: 300, onlyIfLocated: true, filter: (i) => i.normalise().threshold(140) },
];

let defaultDecoder: QrDecoder | undefined;

/** Reads the separator on one page image (any format sharp reads, or grey pixels with their DPI). */
export async function readSeparator(
  input: Buffer | LoadedGrey,
  opts: ReadSeparatorOptions = {},
): Promise<SeparatorReading> {
  const t0 = performance.now();
  const decoder = opts.decoder ?? (defaultDecoder ??= qrDecoder());
  const base = await loadGrey(input, opts);
  const reading: SeparatorReading = { payload: null, foreign: [], attempts: 0, ms: 0 };
  let located = 0;
  let locatedKnown = true;
  for (const step of LADDER) {
    if (step.onlyIfLocated && !opts.exhaustive && locatedKnown && located === 0) break;
    // Never upsample past the scan's own resolution, except for the last-resort step.
    const dpi = step.name === 'sharpen' ? Math.min(step.dpi, base.dpi * 1.5) : Math.min(step.dpi, base.dpi);
    const image = await variant(base, dpi, step.filter);
    reading.attempts++;
    const res = await decoder.decode(image);
    if (res.located === undefined) locatedKnown = false;
    else located += res.located;
    if (res.texts.length === 0) continue;
    for (const text of res.texts) {
      if (!looksLikeSeparator(text)) {
        if (!reading.foreign.includes(text)) reading.foreign.push(text);
        continue;
      }
      try {
        reading.payload = decodeSeparator(text);
        reading.text = text;
        reading.invalid = undefined;
        break;
      } catch (err) {
        if (!(err instanceof InvalidSeparatorError)) throw err;
        reading.invalid = err.message;
        reading.text = text;
      }
    }
    reading.step = step.name;
    // A decoded code ends the search: a separator sheet carries one code, a foreign code means a content page.
    break;
  }
  reading.ms = performance.now() - t0;
  return reading;
}

export interface LoadedGrey extends GreyImage {
  dpi: number;
}

/** Decodes a page image to grey at no more than 300 DPI (EXIF orientation applied, alpha flattened on white). */
export async function loadGrey(
  input: Buffer | LoadedGrey,
  opts: Pick<ReadSeparatorOptions, 'dpi' | 'defaultDpi' | 'page'> = {},
): Promise<LoadedGrey> {
  if (!Buffer.isBuffer(input)) return input;
  const img = sharp(input, { page: opts.page ?? 0, failOn: 'error', limitInputPixels: 200_000_000 });
  const meta = await img.metadata();
  const dpi = opts.dpi ?? dpiFromDensity(meta.density, opts.defaultDpi ?? 200).dpi;
  // Working copy at no more than 300 DPI: enough for every step of the ladder.
  const scale = Math.min(1, 300 / dpi);
  let pipeline = img.autoOrient().flatten({ background: '#ffffff' }).greyscale();
  if (scale < 1)
    pipeline = pipeline.resize({
      width: Math.round((meta.autoOrient?.width ?? meta.width!) * scale),
      kernel: 'linear',
    });
  const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, dpi: dpi * scale };
}

/** Longest side handed to a decoder (the qr decoder refuses more than 4096 px: an A3 sheet at 300 DPI is 4961). */
const MAX_SIDE = 4000;

async function variant(base: LoadedGrey, wantedDpi: number, filter?: Step['filter']): Promise<GreyImage> {
  const dpi = Math.min(wantedDpi, (base.dpi * MAX_SIDE) / Math.max(base.width, base.height));
  if (dpi === base.dpi && !filter) return base;
  let img = sharp(base.data, { raw: { width: base.width, height: base.height, channels: 1 } });
  if (dpi !== base.dpi) {
    // 'linear' averages a bilevel scan into grey edges, which the finder-pattern search prefers to jagged steps.
    img = img.resize({ width: Math.max(1, Math.floor((base.width * dpi) / base.dpi)), kernel: 'linear' });
  }
  if (filter) img = filter(img);
  const { data, info } = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

// ---------------------------------------------------------------------------------------------------------------
// A box scan's pages, one at a time

export interface ScanPageInput {
  /** 1-based page number in the box scan. */
  page: number;
  /** The page image (any format sharp reads). */
  image: Buffer;
  /** Known resolution (e.g. from the PDF page size). */
  dpi?: number;
  /** Page inside a multi-page image (TIFF). */
  imagePage?: number;
}

export interface DescribePagesOptions extends ReadSeparatorOptions {
  /** Detect blank pages (needed for blankPages 'split' or 'drop'). Default true. */
  detectBlank?: boolean;
  blank?: BlankPageOptions;
  onProgress?: (p: { page: number; kind: PageDescriptor['kind']; ms: number }) => void;
}

/**
 * Page descriptors for the split planner, pulled one page at a time from `pages` (only the current page's pixels are
 * held). Blank pages are recognised first: they cost one cheap measurement and no QR decode.
 */
export async function* describeScanPages(
  pages: AsyncIterable<ScanPageInput> | Iterable<ScanPageInput>,
  opts: DescribePagesOptions = {},
): AsyncGenerator<PageDescriptor> {
  for await (const p of pages) {
    const t0 = performance.now();
    const d = await describeScanPage(p, opts);
    opts.onProgress?.({ page: p.page, kind: d.kind, ms: performance.now() - t0 });
    yield d;
  }
}

export async function describeScanPage(p: ScanPageInput, opts: DescribePagesOptions = {}): Promise<PageDescriptor> {
  // Decoded once, measured for blankness, then read for a code.
  const grey = await loadGrey(p.image, { ...opts, dpi: p.dpi ?? opts.dpi, page: p.imagePage ?? opts.page });
  if (opts.detectBlank !== false) {
    const b = await detectBlankPage(grey, opts.blank);
    if (b.blank) return { page: p.page, kind: 'blank' };
  }
  const r = await readSeparator(grey, opts);
  if (r.payload) return { page: p.page, kind: 'separator', separator: r.payload };
  if (r.invalid) return { page: p.page, kind: 'invalid-separator', reason: r.invalid };
  return { page: p.page, kind: 'content' };
}
