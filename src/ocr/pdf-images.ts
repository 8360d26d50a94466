// Page images of a scanned PDF (each page = one full-page image XObject), read with pdf-lib's low-level objects.
// - DCTDecode: the JPEG bytes exactly as stored (native resolution, no re-encoding).
// - Flate/LZW/RunLength raw pixels (Gray, RGB, CMYK, ICCBased, Indexed; 1/2/4/8/16 bits; PNG/TIFF predictors) and
//   CCITTFaxDecode (wrapped in a TIFF for libtiff): decoded and returned as a PNG made with sharp.
// - JBIG2/JPX, several images, none, inline images: { kind: 'no-image', reason } so the caller can decide (render).
// The content stream is interpreted (q/Q/cm/Do, forms) to know which image is drawn and at what size: the DPI comes
// from the placed size, and `rotate` tells how to turn the image to match what a viewer shows.
import { inflateSync, constants as zc } from 'node:zlib';
import sharp from 'sharp';
import {
  decodePDFRawStream,
  ParseSpeeds,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFPageLeaf,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';

export type InvalidPdfReason = 'encrypted' | 'unparsable' | 'no-pages';

export class InvalidPdfError extends Error {
  override name = 'InvalidPdfError';
  constructor(
    message: string,
    readonly reason: InvalidPdfReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type PageRotation = 0 | 90 | 180 | 270;

export interface PdfScannedPage {
  kind: 'image';
  /** 1-based page number. */
  pageNumber: number;
  encoding: 'jpeg' | 'png';
  /** Set when encoding is 'jpeg': the DCTDecode stream bytes, unchanged. */
  jpeg?: Buffer;
  /** Set when encoding is 'png': pixels decoded from the PDF stream (density = dpi). */
  png?: Buffer;
  /** Pixel size of the stored image (before `rotate`). */
  widthPx: number;
  heightPx: number;
  /** Resolution from the size the image is drawn at on the page (mean of x and y, 2 decimals). */
  dpi: number;
  dpiX: number;
  dpiY: number;
  /** Clockwise rotation to apply to the image to see it as a viewer shows the page (/Rotate + placement). */
  rotate: PageRotation;
  /** The page also draws text (e.g. an existing OCR layer). */
  hasText: boolean;
  filter: string;
  colorSpace: string;
  bitsPerComponent: number;
  /** Ready for preparePageImage(image.input, { dpi: image.dpi, rotate: image.rotate }). */
  image: { input: Buffer; dpi: number; rotate: PageRotation };
}

export interface PdfPageWithoutImage {
  kind: 'no-image';
  pageNumber: number;
  /** Why the page is not a single decodable image, for people. */
  reason: string;
  /** Number of image XObjects drawn on the page. */
  images: number;
  hasText: boolean;
  image?: undefined;
}

export type PdfPageImage = PdfScannedPage | PdfPageWithoutImage;

export interface ExtractPdfImagesOptions {
  /** Refuse to decode images with more pixels than this. Default 200 megapixels. */
  limitInputPixels?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

/** Opens a PDF with pdf-lib, mapping failures to InvalidPdfError. */
export async function loadPdf(pdf: Uint8Array | Buffer): Promise<PDFDocument> {
  const head = Buffer.from(pdf.buffer, pdf.byteOffset, Math.min(pdf.byteLength, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw new InvalidPdfError('not a PDF: no %PDF- header', 'unparsable');
  let doc: PDFDocument;
  try {
    // ignoreEncryption, then check isEncrypted ourselves: pdf-lib's error classes (ES5) fail instanceof.
    doc = await PDFDocument.load(pdf, {
      ignoreEncryption: true,
      updateMetadata: false,
      parseSpeed: ParseSpeeds.Fastest,
      throwOnInvalidObject: false,
    });
  } catch (err) {
    throw new InvalidPdfError(`cannot parse the PDF: ${(err as Error).message}`, 'unparsable', { cause: err });
  }
  if (doc.isEncrypted) {
    throw new InvalidPdfError('the PDF is encrypted: decrypt it before importing', 'encrypted');
  }
  let count: number;
  try {
    count = doc.getPageCount();
  } catch (err) {
    throw new InvalidPdfError(`cannot read the page tree: ${(err as Error).message}`, 'unparsable', { cause: err });
  }
  if (count === 0) throw new InvalidPdfError('the PDF has no pages', 'no-pages');
  return doc;
}

export async function countPdfPages(pdf: Uint8Array | Buffer): Promise<number> {
  return (await loadPdf(pdf)).getPageCount();
}

/** All pages' images (see pdfPageImages to process one page at a time). */
export async function extractPdfPageImages(
  pdf: Uint8Array | Buffer,
  opts: ExtractPdfImagesOptions = {},
): Promise<PdfPageImage[]> {
  const out: PdfPageImage[] = [];
  for await (const p of pdfPageImages(pdf, opts)) out.push(p);
  return out;
}

/** Yields each page's image in order; only one decoded page is held at a time. */
export async function* pdfPageImages(
  pdf: Uint8Array | Buffer,
  opts: ExtractPdfImagesOptions = {},
): AsyncGenerator<PdfPageImage> {
  const doc = await loadPdf(pdf);
  const pages = doc.getPages();
  for (const [i, page] of pages.entries()) {
    yield await pageImage(doc.context, page.node, i + 1, opts);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One page

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
const mul = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

interface DrawnImage {
  ref: string; // identity of the XObject (ref tag or a unique id)
  stream: PDFRawStream;
  ctm: Matrix;
}

interface PageScan {
  images: DrawnImage[];
  inlineImages: number;
  hasText: boolean;
}

async function pageImage(
  context: PDFContext,
  node: PDFPageLeaf,
  pageNumber: number,
  opts: ExtractPdfImagesOptions,
): Promise<PdfPageImage> {
  const scan: PageScan = { images: [], inlineImages: 0, hasText: false };
  let contents: Uint8Array;
  try {
    contents = pageContents(context, node);
    interpret(context, contents, node.Resources(), IDENTITY, scan, 0);
  } catch (err) {
    return { kind: 'no-image', pageNumber, reason: `cannot read the page content: ${(err as Error).message}`, images: 0, hasText: scan.hasText };
  }
  const distinct = new Map(scan.images.map((d) => [d.ref, d]));
  const noImage = (reason: string): PdfPageWithoutImage => ({
    kind: 'no-image',
    pageNumber,
    reason,
    images: distinct.size + scan.inlineImages,
    hasText: scan.hasText,
  });
  if (distinct.size === 0) {
    return noImage(scan.inlineImages > 0 ? 'the page holds only inline images' : 'the page draws no image (born-digital or vector page)');
  }
  if (distinct.size > 1 || scan.images.length > 1 || scan.inlineImages > 0) {
    return noImage(`the page draws ${distinct.size + scan.inlineImages} images, not one full-page scan`);
  }
  const drawn = scan.images[0]!;
  const dict = drawn.stream.dict;
  const width = num(context, dict.get(PDFName.of('Width')));
  const height = num(context, dict.get(PDFName.of('Height')));
  if (!width || !height) return noImage('the image has no valid /Width or /Height');

  // Placed size (points) and orientation of the unit square the image is mapped to.
  const [a, b, c, d] = drawn.ctm;
  const placedW = Math.hypot(a, b);
  const placedH = Math.hypot(c, d);
  if (placedW < 1e-3 || placedH < 1e-3) return noImage('the image is drawn at an invalid size');
  const mediaBox = node.MediaBox().asRectangle();
  if (placedW * placedH < 0.5 * mediaBox.width * mediaBox.height) {
    return noImage('the only image covers less than half of the page');
  }
  const dpiX = round2((width * 72) / placedW);
  const dpiY = round2((height * 72) / placedH);
  const dpi = round2((dpiX + dpiY) / 2);
  // Image space: (0,0) top-left of the image maps to user-space (c,d)+(e,f) with PDF y-up; an upright image has
  // a > 0, d > 0. The angle of the image x axis, counter-clockwise in PDF space, is a clockwise turn on screen.
  const placement = normaliseRotation(Math.round((Math.atan2(b, a) * 180) / Math.PI / 90) * -90);
  const pageRotate = normaliseRotation(node.Rotate()?.asNumber() ?? 0);
  const rotate = normaliseRotation(pageRotate + placement);

  try {
    const decoded = await decodeImage(context, drawn.stream, width, height, dpi, opts);
    if ('reason' in decoded) return noImage(decoded.reason);
    const buf = decoded.data;
    return {
      kind: 'image',
      pageNumber,
      encoding: decoded.encoding,
      jpeg: decoded.encoding === 'jpeg' ? buf : undefined,
      png: decoded.encoding === 'png' ? buf : undefined,
      widthPx: width,
      heightPx: height,
      dpi,
      dpiX,
      dpiY,
      rotate,
      hasText: scan.hasText,
      filter: decoded.filter,
      colorSpace: decoded.colorSpace,
      bitsPerComponent: decoded.bpc,
      image: { input: buf, dpi, rotate },
    };
  } catch (err) {
    return noImage(`cannot decode the page image: ${(err as Error).message}`);
  }
}

const normaliseRotation = (deg: number): PageRotation => ((((Math.round(deg / 90) * 90) % 360) + 360) % 360) as PageRotation;
const round2 = (n: number) => Math.round(n * 100) / 100;

function bool(context: PDFContext, o: PDFObject | undefined): boolean {
  const v = context.lookup(o);
  return v instanceof PDFBool && v.asBoolean();
}

function num(context: PDFContext, o: PDFObject | undefined): number | undefined {
  const n = context.lookupMaybe(o, PDFNumber);
  return n ? n.asNumber() : undefined;
}

function pageContents(context: PDFContext, node: PDFDict): Uint8Array {
  const c = context.lookup(node.get(PDFName.of('Contents')));
  const streams: PDFObject[] = c instanceof PDFArray ? c.asArray().map((x) => context.lookup(x)!) : c ? [c] : [];
  const parts: Uint8Array[] = [];
  for (const s of streams) {
    if (s instanceof PDFRawStream) parts.push(decodeGenericFilters(context, s));
    else if (s instanceof PDFStream) parts.push(s.getContents());
    parts.push(new Uint8Array([0x0a]));
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------------------------
// Content stream interpretation (just enough: q Q cm Do BI, and whether text is drawn)

const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isWs = (ch: number) => ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0x0c || ch === 0x00;
const TEXT_OPS = new Set(['Tj', 'TJ', "'", '"']);

function interpret(
  context: PDFContext,
  bytes: Uint8Array,
  resources: PDFDict | undefined,
  base: Matrix,
  scan: PageScan,
  depth: number,
): void {
  if (depth > 8) return;
  const xobjects = resources ? context.lookupMaybe(resources.get(PDFName.of('XObject')), PDFDict) : undefined;
  let ctm = base;
  const stack: Matrix[] = [];
  const operands: Array<number | string> = [];
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const ch = bytes[i]!;
    if (isWs(ch)) {
      i++;
    } else if (ch === 0x25) {
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++; // comment
    } else if (ch === 0x2f) {
      let j = i + 1;
      while (j < n && !isWs(bytes[j]!) && !DELIM.has(bytes[j]!)) j++;
      operands.push('/' + Buffer.from(bytes.subarray(i + 1, j)).toString('latin1'));
      i = j;
    } else if (ch === 0x28) {
      // literal string with nesting and escapes
      let level = 1;
      i++;
      while (i < n && level > 0) {
        const c = bytes[i]!;
        if (c === 0x5c) i += 2;
        else {
          if (c === 0x28) level++;
          else if (c === 0x29) level--;
          i++;
        }
      }
      operands.push('(string)');
    } else if (ch === 0x3c && bytes[i + 1] === 0x3c) {
      operands.push('<<');
      i += 2;
    } else if (ch === 0x3e && bytes[i + 1] === 0x3e) {
      operands.push('>>');
      i += 2;
    } else if (ch === 0x3c) {
      while (i < n && bytes[i] !== 0x3e) i++;
      i++;
      operands.push('<hex>');
    } else if (ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d) {
      operands.push(String.fromCharCode(ch));
      i++;
    } else {
      let j = i;
      while (j < n && !isWs(bytes[j]!) && !DELIM.has(bytes[j]!)) j++;
      if (j === i) {
        i++; // stray delimiter (e.g. ')' or '>')
        continue;
      }
      const tok = Buffer.from(bytes.subarray(i, j)).toString('latin1');
      i = j;
      const asNum = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok) ? Number(tok) : NaN;
      if (!Number.isNaN(asNum)) {
        operands.push(asNum);
        continue;
      }
      // An operator.
      switch (tok) {
        case 'q':
          stack.push(ctm);
          break;
        case 'Q':
          ctm = stack.pop() ?? base;
          break;
        case 'cm': {
          const m = operands.slice(-6);
          if (m.length === 6 && m.every((v) => typeof v === 'number')) ctm = mul(m as Matrix, ctm);
          break;
        }
        case 'Do': {
          const name = operands[operands.length - 1];
          if (typeof name === 'string' && name.startsWith('/') && xobjects) {
            const key = PDFName.of(name.slice(1));
            const raw = xobjects.get(key);
            const obj = context.lookup(raw);
            if (obj instanceof PDFRawStream) {
              const subtype = obj.dict.get(PDFName.of('Subtype'));
              if (subtype === PDFName.of('Image')) {
                const ref = raw instanceof PDFRef ? raw.tag : `${depth}:${name}:${scan.images.length}`;
                scan.images.push({ ref, stream: obj, ctm });
              } else if (subtype === PDFName.of('Form')) {
                const fm = context.lookupMaybe(obj.dict.get(PDFName.of('Matrix')), PDFArray);
                const fmv = fm?.asArray().map((x) => num(context, x) ?? 0);
                const formMatrix: Matrix = fmv && fmv.length === 6 ? (fmv as Matrix) : IDENTITY;
                const formRes = context.lookupMaybe(obj.dict.get(PDFName.of('Resources')), PDFDict) ?? resources;
                interpret(context, decodeGenericFilters(context, obj), formRes, mul(formMatrix, ctm), scan, depth + 1);
              }
            }
          }
          break;
        }
        case 'BI': {
          scan.inlineImages++;
          // Skip to "ID", then the binary data up to a whitespace-delimited "EI".
          const id = indexOfOp(bytes, 'ID', i);
          if (id < 0) return;
          let k = id + 3;
          while (k < n) {
            if (bytes[k] === 0x45 && bytes[k + 1] === 0x49 && isWs(bytes[k - 1]!) && (k + 2 >= n || isWs(bytes[k + 2]!))) break;
            k++;
          }
          i = k + 2;
          break;
        }
        default:
          if (TEXT_OPS.has(tok)) scan.hasText = true;
      }
      operands.length = 0;
    }
  }
}

function indexOfOp(bytes: Uint8Array, op: string, from: number): number {
  const a = op.charCodeAt(0);
  const b = op.charCodeAt(1);
  for (let k = from; k < bytes.length - 1; k++) {
    if (bytes[k] === a && bytes[k + 1] === b && (k === 0 || isWs(bytes[k - 1]!)) && (k + 2 >= bytes.length || isWs(bytes[k + 2]!))) {
      return k;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Stream filters

const IMAGE_FILTERS = new Set(['DCTDecode', 'CCITTFaxDecode', 'JBIG2Decode', 'JPXDecode', 'DCT', 'CCF']);

function filterChain(context: PDFContext, dict: PDFDict): Array<{ name: string; parms?: PDFDict }> {
  const f = context.lookup(dict.get(PDFName.of('Filter')));
  const p = context.lookup(dict.get(PDFName.of('DecodeParms')) ?? dict.get(PDFName.of('DP')));
  const names: string[] = f instanceof PDFName ? [f.decodeText()] : f instanceof PDFArray ? f.asArray().map((x) => (context.lookup(x) as PDFName).decodeText()) : [];
  return names.map((name, i) => {
    const parms = p instanceof PDFArray ? context.lookupMaybe(p.get(i), PDFDict) : p instanceof PDFDict ? p : undefined;
    return { name, parms };
  });
}

/** Applies the non-image filters of a chain; returns the bytes and the remaining image filter, if any. */
function decodeUpToImageFilter(
  context: PDFContext,
  stream: PDFRawStream,
): { bytes: Uint8Array; imageFilter?: { name: string; parms?: PDFDict } } {
  let bytes: Uint8Array = stream.contents;
  for (const f of filterChain(context, stream.dict)) {
    if (IMAGE_FILTERS.has(f.name)) return { bytes, imageFilter: f };
    bytes = applyFilter(context, f.name, f.parms, bytes);
  }
  return { bytes };
}

function decodeGenericFilters(context: PDFContext, stream: PDFRawStream): Uint8Array {
  const r = decodeUpToImageFilter(context, stream);
  if (r.imageFilter) throw new Error(`unexpected image filter ${r.imageFilter.name} on a content stream`);
  return r.bytes;
}

function applyFilter(context: PDFContext, name: string, parms: PDFDict | undefined, bytes: Uint8Array): Uint8Array {
  let out: Uint8Array;
  if (name === 'FlateDecode' || name === 'Fl') {
    // Z_SYNC_FLUSH tolerates truncated streams (common in damaged scans).
    out = inflateSync(bytes, { finishFlush: zc.Z_SYNC_FLUSH });
  } else if (['LZWDecode', 'LZW', 'ASCII85Decode', 'A85', 'ASCIIHexDecode', 'AHx', 'RunLengthDecode', 'RL'].includes(name)) {
    const full = { LZW: 'LZWDecode', A85: 'ASCII85Decode', AHx: 'ASCIIHexDecode', RL: 'RunLengthDecode' }[name] ?? name;
    const dict = context.obj({ Filter: full }) as PDFDict;
    if (parms) dict.set(PDFName.of('DecodeParms'), parms);
    out = decodePDFRawStream(PDFRawStream.of(dict, bytes)).decode();
  } else {
    throw new Error(`unsupported filter ${name}`);
  }
  if (parms && (name === 'FlateDecode' || name === 'Fl' || name === 'LZWDecode' || name === 'LZW')) {
    const predictor = num(context, parms.get(PDFName.of('Predictor'))) ?? 1;
    if (predictor > 1) {
      out = unpredict(out, predictor, {
        colors: num(context, parms.get(PDFName.of('Colors'))) ?? 1,
        bpc: num(context, parms.get(PDFName.of('BitsPerComponent'))) ?? 8,
        columns: num(context, parms.get(PDFName.of('Columns'))) ?? 1,
      });
    }
  }
  return out;
}

/** Undoes PNG (10-15) and TIFF (2) predictors. */
export function unpredict(data: Uint8Array, predictor: number, p: { colors: number; bpc: number; columns: number }): Uint8Array {
  const bpp = Math.max(1, Math.ceil((p.colors * p.bpc) / 8));
  const rowBytes = Math.ceil((p.colors * p.bpc * p.columns) / 8);
  if (predictor === 2) {
    if (p.bpc !== 8) throw new Error(`TIFF predictor with ${p.bpc} bits per component is not supported`);
    const out = Uint8Array.from(data);
    for (let r = 0; r + rowBytes <= out.length; r += rowBytes) {
      for (let k = bpp; k < rowBytes; k++) out[r + k] = (out[r + k]! + out[r + k - bpp]!) & 0xff;
    }
    return out;
  }
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = new Uint8Array(rows * rowBytes);
  let prev = new Uint8Array(rowBytes);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowBytes + 1)]!;
    const src = data.subarray(r * (rowBytes + 1) + 1, (r + 1) * (rowBytes + 1));
    const cur = out.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let k = 0; k < rowBytes; k++) {
      const left = k >= bpp ? cur[k - bpp]! : 0;
      const up = prev[k]!;
      const ul = k >= bpp ? prev[k - bpp]! : 0;
      let v = src[k]!;
      switch (type) {
        case 0:
          break;
        case 1:
          v += left;
          break;
        case 2:
          v += up;
          break;
        case 3:
          v += (left + up) >> 1;
          break;
        case 4: {
          const pp = left + up - ul;
          const pa = Math.abs(pp - left);
          const pb = Math.abs(pp - up);
          const pc = Math.abs(pp - ul);
          v += pa <= pb && pa <= pc ? left : pb <= pc ? up : ul;
          break;
        }
        default:
          throw new Error(`bad PNG predictor row type ${type}`);
      }
      cur[k] = v & 0xff;
    }
    prev = cur;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Image decoding

interface ColourSpace {
  name: string;
  components: number; // of the samples
  /** Indexed: palette of base-space samples; base components. */
  palette?: { base: ColourSpace; lookup: Uint8Array; hival: number };
}

function colourSpace(context: PDFContext, o: PDFObject | undefined, depth = 0): ColourSpace | { unsupported: string } {
  const cs = context.lookup(o);
  if (depth > 4) return { unsupported: 'colour space nesting' };
  if (cs instanceof PDFName) {
    const n = cs.decodeText();
    if (n === 'DeviceGray' || n === 'G' || n === 'CalGray') return { name: 'DeviceGray', components: 1 };
    if (n === 'DeviceRGB' || n === 'RGB' || n === 'CalRGB') return { name: 'DeviceRGB', components: 3 };
    if (n === 'DeviceCMYK' || n === 'CMYK') return { name: 'DeviceCMYK', components: 4 };
    return { unsupported: `colour space ${n}` };
  }
  if (cs instanceof PDFArray && cs.size() > 0) {
    const family = (context.lookup(cs.get(0)) as PDFName).decodeText();
    if (family === 'ICCBased') {
      const s = context.lookup(cs.get(1));
      const nComp = s instanceof PDFStream ? num(context, s.dict.get(PDFName.of('N'))) : undefined;
      if (nComp === 1) return { name: 'ICCBased(1)', components: 1 };
      if (nComp === 3) return { name: 'ICCBased(3)', components: 3 };
      if (nComp === 4) return { name: 'ICCBased(4)', components: 4 };
      return { unsupported: `ICCBased colour space with N=${nComp}` };
    }
    if (family === 'CalGray') return { name: 'DeviceGray', components: 1 };
    if (family === 'CalRGB') return { name: 'DeviceRGB', components: 3 };
    if (family === 'Indexed' || family === 'I') {
      const base = colourSpace(context, cs.get(1), depth + 1);
      if ('unsupported' in base) return base;
      const hival = num(context, cs.get(2)) ?? 255;
      const lk = context.lookup(cs.get(3));
      let lookup: Uint8Array;
      if (lk instanceof PDFString || lk instanceof PDFHexString) lookup = lk.asBytes();
      else if (lk instanceof PDFRawStream) lookup = decodeGenericFilters(context, lk);
      else if (lk instanceof PDFStream) lookup = lk.getContents();
      else return { unsupported: 'Indexed colour space without a lookup table' };
      return { name: `Indexed(${base.name})`, components: 1, palette: { base, lookup, hival } };
    }
    return { unsupported: `colour space ${family}` };
  }
  return { unsupported: 'missing colour space' };
}

type Decoded =
  | { encoding: 'jpeg' | 'png'; data: Buffer; filter: string; colorSpace: string; bpc: number }
  | { reason: string };

async function decodeImage(
  context: PDFContext,
  stream: PDFRawStream,
  width: number,
  height: number,
  dpi: number,
  opts: ExtractPdfImagesOptions,
): Promise<Decoded> {
  const limit = opts.limitInputPixels ?? 200_000_000;
  if (width * height > limit) return { reason: `the image is ${width}x${height}, more than ${limit} pixels` };
  const dict = stream.dict;
  const isMask = bool(context, dict.get(PDFName.of('ImageMask')) ?? dict.get(PDFName.of('IM')));
  const decodeArr = context.lookupMaybe(dict.get(PDFName.of('Decode')) ?? dict.get(PDFName.of('D')), PDFArray);
  const decodeInverted = !!decodeArr && decodeArr.size() >= 2 && (num(context, decodeArr.get(0)) ?? 0) > (num(context, decodeArr.get(1)) ?? 1);
  const bpcDeclared = num(context, dict.get(PDFName.of('BitsPerComponent')) ?? dict.get(PDFName.of('BPC')));
  const cs: ColourSpace | { unsupported: string } = isMask
    ? { name: 'ImageMask', components: 1 }
    : colourSpace(context, dict.get(PDFName.of('ColorSpace')) ?? dict.get(PDFName.of('CS')));

  const { bytes, imageFilter } = decodeUpToImageFilter(context, stream);
  const filterName = filterChain(context, dict).map((f) => f.name).join('+') || 'none';

  if (imageFilter?.name === 'DCTDecode' || imageFilter?.name === 'DCT') {
    const jpeg = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!decodeInverted) return { encoding: 'jpeg', data: jpeg, filter: filterName, colorSpace: 'name' in cs ? cs.name : 'unknown', bpc: 8 };
    const png = await sharp(jpeg).negate({ alpha: false }).withDensity(dpi).png({ compressionLevel: 1 }).toBuffer();
    return { encoding: 'png', data: png, filter: filterName, colorSpace: 'name' in cs ? cs.name : 'unknown', bpc: 8 };
  }
  if (imageFilter?.name === 'CCITTFaxDecode' || imageFilter?.name === 'CCF') {
    const parms = imageFilter.parms;
    const k = parms ? num(context, parms.get(PDFName.of('K'))) ?? 0 : 0;
    const columns = parms ? num(context, parms.get(PDFName.of('Columns'))) ?? 1728 : 1728;
    const blackIs1 = parms ? bool(context, parms.get(PDFName.of('BlackIs1'))) : false;
    const byteAlign = parms ? bool(context, parms.get(PDFName.of('EncodedByteAlign'))) : false;
    if (byteAlign && k >= 0) return { reason: 'CCITT G3 with EncodedByteAlign is not supported' };
    const tiff = ccittToTiff(bytes, columns, height, k, byteAlign);
    let img = sharp(tiff, { limitInputPixels: limit }).toColourspace('b-w');
    // libtiff renders black runs black (WhiteIsZero); the PDF shows them black unless BlackIs1 xor Decode [1 0].
    if (blackIs1 !== decodeInverted) img = img.negate({ alpha: false });
    const png = await img.withDensity(dpi).png({ compressionLevel: 1 }).toBuffer();
    return { encoding: 'png', data: png, filter: filterName, colorSpace: 'name' in cs ? cs.name : 'DeviceGray', bpc: 1 };
  }
  if (imageFilter) return { reason: `${imageFilter.name} images are not supported yet (render the page instead)` };
  if ('unsupported' in cs) return { reason: `unsupported ${cs.unsupported}` };

  const bpc = isMask ? 1 : bpcDeclared ?? 8;
  if (![1, 2, 4, 8, 16].includes(bpc)) return { reason: `unsupported BitsPerComponent ${bpc}` };
  const { pixels, channels } = toPixels(bytes, width, height, bpc, cs, decodeInverted);
  let img = sharp(pixels, { raw: { width, height, channels }, limitInputPixels: limit });
  if (channels === 1) img = img.toColourspace('b-w'); // else sharp writes three identical channels
  const png = await img
    .withDensity(dpi)
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { encoding: 'png', data: png, filter: filterName, colorSpace: cs.name, bpc };
}

/** Unpacks samples into 8-bit grey or RGB pixels. */
function toPixels(
  data: Uint8Array,
  width: number,
  height: number,
  bpc: number,
  cs: ColourSpace,
  decodeInverted: boolean,
): { pixels: Buffer; channels: 1 | 3 } {
  const comps = cs.components;
  const rowBytes = Math.ceil((width * comps * bpc) / 8);
  if (data.length < rowBytes * height) {
    // Short streams happen in damaged files: pad with white rather than fail.
    const padded = new Uint8Array(rowBytes * height).fill(cs.palette ? 0 : 0xff);
    padded.set(data.subarray(0, Math.min(data.length, padded.length)));
    data = padded;
  }
  const maxV = (1 << bpc) - 1;
  const sample = (row: number, idx: number): number => {
    if (bpc === 8) return data[row * rowBytes + idx]!;
    if (bpc === 16) return data[row * rowBytes + idx * 2]!; // high byte
    const bit = idx * bpc;
    const byte = data[row * rowBytes + (bit >> 3)]!;
    return (byte >> (8 - bpc - (bit & 7))) & maxV;
  };
  const to8 = (v: number) => (bpc === 8 || bpc === 16 ? v : Math.round((v * 255) / maxV));

  if (cs.palette) {
    const { base, lookup, hival } = cs.palette;
    const bc = base.components;
    const outCh: 1 | 3 = bc === 1 ? 1 : 3;
    const out = Buffer.alloc(width * height * outCh);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = Math.min(sample(y, x), hival);
        const o = (y * width + x) * outCh;
        if (bc === 1) out[o] = lookup[i] ?? 0;
        else if (bc === 3) {
          out[o] = lookup[i * 3] ?? 0;
          out[o + 1] = lookup[i * 3 + 1] ?? 0;
          out[o + 2] = lookup[i * 3 + 2] ?? 0;
        } else {
          cmykToRgb(lookup[i * 4] ?? 0, lookup[i * 4 + 1] ?? 0, lookup[i * 4 + 2] ?? 0, lookup[i * 4 + 3] ?? 0, out, o);
        }
      }
    }
    return { pixels: out, channels: outCh };
  }

  // ImageMask: sample 0 paints (black) unless Decode [1 0]; plain Gray: 0 is black. Same mapping either way.
  const invert = decodeInverted;
  // Fast paths for the common scan encodings.
  if (bpc === 8 && (comps === 1 || comps === 3)) {
    const out = Buffer.from(data.subarray(0, width * height * comps));
    if (invert) for (let k = 0; k < out.length; k++) out[k] = 255 - out[k]!;
    return { pixels: out, channels: comps };
  }
  if (bpc === 1 && comps === 1) {
    const out = Buffer.alloc(width * height);
    const on = invert ? 0 : 255;
    const off = 255 - on;
    for (let y = 0; y < height; y++) {
      const row = y * rowBytes;
      const o = y * width;
      for (let x = 0; x < width; x++) out[o + x] = (data[row + (x >> 3)]! >> (7 - (x & 7))) & 1 ? on : off;
    }
    return { pixels: out, channels: 1 };
  }
  if (comps === 1) {
    const out = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = to8(sample(y, x));
        out[y * width + x] = invert ? 255 - v : v;
      }
    }
    return { pixels: out, channels: 1 };
  }
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (comps === 3) {
        for (let k = 0; k < 3; k++) {
          const v = to8(sample(y, x * 3 + k));
          out[o + k] = invert ? 255 - v : v;
        }
      } else {
        const s = [0, 1, 2, 3].map((k) => {
          const v = to8(sample(y, x * 4 + k));
          return invert ? 255 - v : v;
        });
        cmykToRgb(s[0]!, s[1]!, s[2]!, s[3]!, out, o);
      }
    }
  }
  return { pixels: out, channels: 3 };
}

function cmykToRgb(c: number, m: number, y: number, k: number, out: Buffer, o: number): void {
  out[o] = Math.round(((255 - c) * (255 - k)) / 255);
  out[o + 1] = Math.round(((255 - m) * (255 - k)) / 255);
  out[o + 2] = Math.round(((255 - y) * (255 - k)) / 255);
}

/** A one-strip little-endian TIFF around CCITT data, so libtiff (through sharp) can decode it. */
export function ccittToTiff(data: Uint8Array, width: number, height: number, k: number, byteAlign: boolean): Buffer {
  const compression = k < 0 ? 4 : 3; // T.6 (G4) or T.4 (G3)
  const entries: Array<[number, number, number, number]> = [
    // tag, type (3 short, 4 long), count, value
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 1, 1],
    [259, 3, 1, compression],
    [262, 3, 1, 0], // WhiteIsZero
    [273, 4, 1, 0], // StripOffsets: patched below
    [277, 3, 1, 1],
    [278, 4, 1, height],
    [279, 4, 1, data.length],
  ];
  if (compression === 3) entries.push([292, 4, 1, (k > 0 ? 1 : 0) | (byteAlign ? 4 : 0)]);
  else entries.push([293, 4, 1, 0]);
  entries.sort((x, y) => x[0] - y[0]);
  const ifdSize = 2 + entries.length * 12 + 4;
  const header = Buffer.alloc(8 + ifdSize);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(8, 4);
  header.writeUInt16LE(entries.length, 8);
  const dataOffset = 8 + ifdSize;
  entries.forEach(([tag, type, count, value], idx) => {
    const o = 10 + idx * 12;
    header.writeUInt16LE(tag, o);
    header.writeUInt16LE(type, o + 2);
    header.writeUInt32LE(count, o + 4);
    const v = tag === 273 ? dataOffset : value;
    if (type === 3) header.writeUInt16LE(v, o + 8);
    else header.writeUInt32LE(v, o + 8);
  });
  header.writeUInt32LE(0, 10 + entries.length * 12); // no next IFD
  return Buffer.concat([header, data]);
}
