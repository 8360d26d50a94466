// The PDF of one part of a box scan: its content pages as images (JPEG kept as scanned, other images as PNG), or
// pages copied from the box scan's own PDF when they carry a text layer. The bytes are deterministic — no dates,
// no producer, no /ID — so a re-run of the split gives the same document id (sha256) for the same part.
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { dpiFromDensity } from '../ocr/page-image.ts';

export type PartPage =
  | { kind: 'image'; image: Buffer; format: 'jpeg' | 'png'; widthPx: number; heightPx: number; dpi: number }
  /** A page of the box scan's PDF (0-based index), copied as it is. */
  | { kind: 'pdf-page'; index: number };

export interface PageImageInput {
  input: Buffer;
  /** Page of a multi-page TIFF. */
  page?: number;
  /** Known resolution (PDF geometry, rendering). */
  dpi?: number;
  /** Clockwise rotation to show the page upright. */
  rotate?: 0 | 90 | 180 | 270;
  limitInputPixels?: number;
}

/**
 * A page image ready for the part's PDF: a JPEG is kept byte for byte when nothing has to change; anything else is
 * re-encoded, grey or bilevel as PNG (lossless, small for bilevel), colour as JPEG.
 */
export async function partPageImage(p: PageImageInput): Promise<PartPage> {
  const open = () => sharp(p.input, { page: p.page ?? 0, failOn: 'error', limitInputPixels: p.limitInputPixels });
  const meta = await open().metadata();
  const dpi = p.dpi ?? dpiFromDensity(meta.density, 200).dpi;
  const quarter = p.rotate === 90 || p.rotate === 270;
  const widthPx = quarter ? meta.height! : meta.width!;
  const heightPx = quarter ? meta.width! : meta.height!;
  if (meta.format === 'jpeg' && !p.rotate && (meta.orientation ?? 1) === 1) {
    return { kind: 'image', image: p.input, format: 'jpeg', widthPx, heightPx, dpi };
  }
  let img = open().rotate(p.rotate ?? 0);
  const grey = meta.channels === 1 || meta.space === 'b-w' || (meta.channels === 2 && meta.hasAlpha);
  if (grey) {
    const png = await img
      .flatten({ background: '#ffffff' })
      .toColourspace('b-w')
      .png({ compressionLevel: 6 })
      .toBuffer();
    return { kind: 'image', image: png, format: 'png', widthPx, heightPx, dpi };
  }
  img = img.flatten({ background: '#ffffff' }).toColourspace('srgb');
  const jpg = await img.jpeg({ quality: 85 }).toBuffer();
  return { kind: 'image', image: jpg, format: 'jpeg', widthPx, heightPx, dpi };
}

/** The part's PDF bytes. `source` is needed only for 'pdf-page' pages. */
export async function partPdf(pages: PartPage[], opts: { title?: string; source?: PDFDocument } = {}): Promise<Buffer> {
  if (!pages.length) throw new Error('a part without pages has no PDF');
  const doc = await PDFDocument.create({ updateMetadata: false });
  if (opts.title) doc.setTitle(opts.title);
  for (const p of pages) {
    if (p.kind === 'pdf-page') {
      if (!opts.source) throw new Error('a copied page needs the source PDF');
      const [copied] = await doc.copyPages(opts.source, [p.index]);
      doc.addPage(copied!);
      continue;
    }
    // A copy: pdf-lib's JPEG reader ignores a view's byteOffset (our JPEG may be a slice of the box scan's bytes).
    const bytes = Uint8Array.from(p.image);
    const image = p.format === 'jpeg' ? await doc.embedJpg(bytes) : await doc.embedPng(bytes);
    const width = (p.widthPx / p.dpi) * 72;
    const height = (p.heightPx / p.dpi) * 72;
    doc.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
