// Encodes rendered pages (8-bit grey rasters, 2480×3508) as the files archives hold: multi-page TIFF
// (CCITT G4 for bilevel, JPEG/deflate/LZW for grey), image-only scanned PDF, JPEG, PNG. All at 300 DPI.
import sharp, { type Sharp } from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { DPI, PAGE_H, PAGE_W } from './layout.page.ts';
import type { ImageMode } from './scan-effects.ts';

export const SAMPLE_FORMATS = ['tiff', 'pdf', 'jpeg', 'png'] as const;
export type SampleFormat = (typeof SAMPLE_FORMATS)[number];

export const FORMAT_EXTENSION: Record<SampleFormat, string> = { tiff: 'tif', pdf: 'pdf', jpeg: 'jpg', png: 'png' };

export type TiffCompression = 'ccittfax4' | 'lzw' | 'deflate' | 'jpeg';

export interface EncodeOptions {
  mode: ImageMode;
  tiffCompression?: TiffCompression; // default: ccittfax4 for bilevel, jpeg for grey
  jpegQuality?: number; // default 80
  /** Date written in the PDF Info dictionary (fixed per document so the file is reproducible). */
  pdfDate?: Date;
  title?: string;
}

const A4_PT: [number, number] = [595.28, 841.89];
const PX_PER_MM = DPI / 25.4;

function rawInput(pixels: Buffer, pages = 1): Sharp {
  return sharp(pixels, {
    raw: { width: PAGE_W, height: PAGE_H * pages, channels: 1, ...(pages > 1 ? { pageHeight: PAGE_H } : {}) },
    limitInputPixels: false,
  }).toColourspace('b-w');
}

export async function encodePages(format: SampleFormat, pages: Buffer[], opts: EncodeOptions): Promise<Buffer> {
  if (pages.length === 0) throw new Error('no pages to encode');
  if ((format === 'jpeg' || format === 'png') && pages.length !== 1) {
    throw new Error(`${format} holds one page, got ${pages.length}`);
  }
  switch (format) {
    case 'tiff':
      return encodeTiff(pages, opts);
    case 'pdf':
      return encodePdf(pages, opts);
    case 'jpeg':
      return encodeJpeg(pages[0] as Buffer, opts.jpegQuality ?? 80);
    case 'png':
      return encodePng(pages[0] as Buffer, opts.mode);
  }
}

/** Multi-page TIFF: the pages stacked into one tall image with pageHeight, which libvips writes as one IFD each. */
export async function encodeTiff(pages: Buffer[], opts: EncodeOptions): Promise<Buffer> {
  const compression = opts.tiffCompression ?? (opts.mode === 'bilevel' ? 'ccittfax4' : 'jpeg');
  const bilevel = opts.mode === 'bilevel' || compression === 'ccittfax4';
  return rawInput(Buffer.concat(pages), pages.length)
    .tiff({
      compression,
      ...(bilevel ? { bitdepth: 1 as const } : {}),
      ...(compression === 'jpeg' ? { quality: opts.jpegQuality ?? 80 } : {}),
      ...(compression === 'lzw' || compression === 'deflate' ? { predictor: bilevel ? 'none' : 'horizontal' } : {}),
      xres: PX_PER_MM,
      yres: PX_PER_MM,
      resolutionUnit: 'inch',
    })
    .toBuffer();
}

export async function encodeJpeg(page: Buffer, quality: number): Promise<Buffer> {
  return rawInput(page).jpeg({ quality, chromaSubsampling: '4:4:4' }).withDensity(DPI).toBuffer();
}

export async function encodePng(page: Buffer, mode: ImageMode): Promise<Buffer> {
  const img = rawInput(page);
  const png =
    mode === 'bilevel'
      ? img.png({ palette: true, colours: 2, dither: 0, compressionLevel: 9, effort: 1 })
      : img.png({ compressionLevel: 6 });
  return png.withDensity(DPI).toBuffer();
}

/** An image-only PDF: one full-page JPEG per A4 page, no text layer, as a scanner writes it. */
export async function encodePdf(pages: Buffer[], opts: EncodeOptions): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const date = opts.pdfDate ?? new Date(Date.UTC(2000, 0, 1));
  doc.setProducer('Faldone sample generator');
  doc.setCreator('Faldone sample generator (synthetic scan)');
  if (opts.title) doc.setTitle(opts.title);
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  for (const pixels of pages) {
    const jpg = await encodeJpeg(pixels, opts.jpegQuality ?? 80);
    const image = await doc.embedJpg(jpg);
    const page = doc.addPage(A4_PT);
    page.drawImage(image, { x: 0, y: 0, width: A4_PT[0], height: A4_PT[1] });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
