// Extracting page images from scanned PDFs made with pdf-lib (JPEG, Flate grey/RGB/1-bit with predictors, CCITT G4),
// and the errors for born-digital pages, encrypted and garbage files.
import { encryptedPdf } from '../helpers/hostile-files.ts';
import { deflateSync } from 'node:zlib';
import {
  concatTransformationMatrix,
  degrees,
  drawObject,
  PDFDocument,
  PDFHexString,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
  type PDFPage,
  type PDFRef,
} from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  ccittToTiff,
  countPdfPages,
  extractPdfPageImages,
  InvalidPdfError,
  pdfPageImages,
  unpredict,
  type PdfScannedPage,
} from '../../src/ocr/pdf-images.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';

const pt = (px: number, dpi: number) => (px / dpi) * 72;

async function jpegOf(width: number, height: number, colour = '#e0e0e0'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour}"/><text x="20" y="60" font-size="40" font-family="DejaVu Sans">Pratica 12/1987</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/** Draws an image XObject (by ref) over the whole page with q cm Do Q. */
function drawFullPage(page: PDFPage, ref: PDFRef, name = 'Im0'): void {
  const { width, height } = page.getSize();
  page.node.setXObject(PDFName.of(name), ref);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(width, 0, 0, height, 0, 0), drawObject(name), popGraphicsState());
}

function rawImagePage(
  doc: PDFDocument,
  data: Uint8Array,
  dict: Record<string, unknown>,
  widthPx: number,
  heightPx: number,
  dpi: number,
): PDFPage {
  const page = doc.addPage([pt(widthPx, dpi), pt(heightPx, dpi)]);
  const stream = doc.context.stream(data, { Type: 'XObject', Subtype: 'Image', Width: widthPx, Height: heightPx, ...dict } as never);
  drawFullPage(page, doc.context.register(stream));
  return page;
}

async function pixelsOf(png: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  // sharp writes raw output as sRGB unless told otherwise: keep one-channel files one-channel
  const oneChannel = (await sharp(png).metadata()).channels === 1;
  const img = oneChannel ? sharp(png).toColourspace('b-w') : sharp(png);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Minimal MSB-first bit writer for hand-made CCITT streams. */
function bits(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) if (clean[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

describe('extractPdfPageImages', () => {
  it('returns the JPEG bytes of a scanned page unchanged, with size and dpi from the page', async () => {
    const jpegs = [await jpegOf(600, 800), await jpegOf(500, 700, '#ffffff')];
    const doc = await PDFDocument.create();
    for (const [i, jpeg] of jpegs.entries()) {
      const dpi = i === 0 ? 300 : 200;
      const img = await doc.embedJpg(jpeg);
      const page = doc.addPage([pt(img.width, dpi), pt(img.height, dpi)]);
      page.drawImage(img, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    }
    const bytes = await doc.save();
    expect(await countPdfPages(bytes)).toBe(2);
    const pages = await extractPdfPageImages(Buffer.from(bytes));
    expect(pages).toHaveLength(2);
    const [p1, p2] = pages as PdfScannedPage[];
    expect(p1).toMatchObject({ kind: 'image', pageNumber: 1, encoding: 'jpeg', widthPx: 600, heightPx: 800, dpi: 300, rotate: 0, hasText: false });
    expect(p1!.jpeg!.equals(jpegs[0]!)).toBe(true);
    expect(p1!.image.input).toBe(p1!.jpeg);
    expect(p1!.image.dpi).toBe(300);
    expect(p2).toMatchObject({ widthPx: 500, heightPx: 700, dpi: 200 });
    expect(p2!.jpeg!.equals(jpegs[1]!)).toBe(true);
  });

  it('reports the page rotation (/Rotate) so the image can be turned upright', async () => {
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(await jpegOf(300, 200));
    const page = doc.addPage([pt(300, 300), pt(200, 300)]);
    page.drawImage(img, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    page.setRotation(degrees(90));
    const [p] = await extractPdfPageImages(await doc.save());
    expect(p).toMatchObject({ kind: 'image', rotate: 90, dpi: 300 });
  });

  it('finds the image inside a form XObject and notices an existing text layer', async () => {
    const doc = await PDFDocument.create();
    const jpeg = await jpegOf(400, 400);
    const img = await doc.embedJpg(jpeg);
    const src = doc.addPage([pt(400, 200), pt(400, 200)]);
    src.drawImage(img, { x: 0, y: 0, width: src.getWidth(), height: src.getHeight() });
    const [embedded] = await doc.embedPages([src]);
    doc.removePage(0);
    const page = doc.addPage([pt(400, 200), pt(400, 200)]);
    page.drawPage(embedded!, { x: 0, y: 0 });
    const font = await doc.embedFont(StandardFonts.Helvetica);
    page.drawText('testo OCR', { x: 10, y: 10, size: 8, font, opacity: 0 });
    const [p] = await extractPdfPageImages(await doc.save());
    expect(p).toMatchObject({ kind: 'image', encoding: 'jpeg', dpi: 200, hasText: true });
    expect((p as PdfScannedPage).jpeg!.equals(jpeg)).toBe(true);
  });

  it('decodes Flate grey and RGB pixels (with a PNG predictor) into a PNG carrying the dpi', async () => {
    const w = 37;
    const h = 23;
    const greyPx = Buffer.alloc(w * h);
    for (let i = 0; i < greyPx.length; i++) greyPx[i] = (i * 7) % 256;
    const rgbPx = Buffer.alloc(w * h * 3);
    for (let i = 0; i < rgbPx.length; i++) rgbPx[i] = (i * 13) % 256;
    // PNG "Up" predictor rows for the RGB image
    const rowBytes = w * 3;
    const predicted = Buffer.alloc((rowBytes + 1) * h);
    for (let y = 0; y < h; y++) {
      predicted[y * (rowBytes + 1)] = 2;
      for (let k = 0; k < rowBytes; k++) {
        const up = y > 0 ? rgbPx[(y - 1) * rowBytes + k]! : 0;
        predicted[y * (rowBytes + 1) + 1 + k] = (rgbPx[y * rowBytes + k]! - up) & 0xff;
      }
    }
    const doc = await PDFDocument.create();
    rawImagePage(doc, deflateSync(greyPx), { ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode' }, w, h, 150);
    rawImagePage(
      doc,
      deflateSync(predicted),
      { ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode', DecodeParms: { Predictor: 15, Colors: 3, BitsPerComponent: 8, Columns: w } },
      w,
      h,
      300,
    );
    const [g, c] = (await extractPdfPageImages(await doc.save())) as PdfScannedPage[];
    expect(g).toMatchObject({ kind: 'image', encoding: 'png', dpi: 150, colorSpace: 'DeviceGray', bitsPerComponent: 8 });
    const gp = await pixelsOf(g!.png!);
    expect([gp.width, gp.height, gp.channels]).toEqual([w, h, 1]);
    expect(gp.data.equals(greyPx)).toBe(true);
    expect(Math.round((await sharp(g!.png!).metadata()).density ?? 0)).toBe(150);
    expect(c).toMatchObject({ encoding: 'png', colorSpace: 'DeviceRGB', dpi: 300 });
    const cp = await pixelsOf(c!.png!);
    expect(cp.channels).toBe(3);
    expect(cp.data.equals(rgbPx)).toBe(true);
  });

  it('decodes 1-bit images, honouring /Decode [1 0], and Indexed palettes', async () => {
    const w = 10;
    const h = 2;
    // row 0: 1010101010, row 1: 0000011111 (rows padded to whole bytes)
    const packed = bits('10101010 10000000  00000111 11000000');
    const doc = await PDFDocument.create();
    rawImagePage(doc, packed, { ColorSpace: 'DeviceGray', BitsPerComponent: 1 }, w, h, 300);
    rawImagePage(doc, packed, { ColorSpace: 'DeviceGray', BitsPerComponent: 1, Decode: [1, 0] }, w, h, 300);
    rawImagePage(doc, packed, { ImageMask: true }, w, h, 300);
    // Indexed: 2-colour palette red/blue, 8-bit indices
    const idx = Uint8Array.from([0, 1, 1, 0]);
    const palette = doc.context.obj([PDFName.of('Indexed'), PDFName.of('DeviceRGB'), 1, doc.context.register(doc.context.flateStream(Uint8Array.from([255, 0, 0, 0, 0, 255])))]);
    rawImagePage(doc, idx, { ColorSpace: palette, BitsPerComponent: 8 }, 2, 2, 300);
    const pages = (await extractPdfPageImages(await doc.save())) as PdfScannedPage[];
    const row = async (p: PdfScannedPage) => Array.from((await pixelsOf(p.png!)).data);
    expect(await row(pages[0]!)).toEqual([255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255]);
    expect(await row(pages[1]!)).toEqual([0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0]);
    expect(await row(pages[2]!)).toEqual(await row(pages[0]!)); // stencil: 0 paints black
    expect(pages[3]).toMatchObject({ colorSpace: 'Indexed(DeviceRGB)' });
    expect(await row(pages[3]!)).toEqual([255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0]);
  });

  it('decodes CCITT G4 (through a TIFF wrapper)', async () => {
    // 16×4 image, a black bar at columns 8–9 on every row. Row 1: horizontal mode (001) white 8 (10011) black 2 (11),
    // then V0 (1) to the end; rows 2–4: V0 V0 V0; then EOFB.
    const g4 = bits('001 10011 11 1' + ' 111'.repeat(3) + ' 000000000001 000000000001');
    const doc = await PDFDocument.create();
    rawImagePage(doc, g4, { ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'CCITTFaxDecode', DecodeParms: { K: -1, Columns: 16, Rows: 4 } }, 16, 4, 200);
    rawImagePage(
      doc,
      g4,
      { ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'CCITTFaxDecode', DecodeParms: { K: -1, Columns: 16, Rows: 4, BlackIs1: true } },
      16,
      4,
      200,
    );
    const [p, inverted] = (await extractPdfPageImages(await doc.save())) as PdfScannedPage[];
    expect(p).toMatchObject({ kind: 'image', encoding: 'png', filter: 'CCITTFaxDecode', bitsPerComponent: 1, dpi: 200 });
    const px = await pixelsOf(p!.png!);
    expect([px.width, px.height]).toEqual([16, 4]);
    const expectedRow = Array.from({ length: 16 }, (_, x) => (x === 8 || x === 9 ? 0 : 255));
    for (let y = 0; y < 4; y++) expect(Array.from(px.data.subarray(y * 16 * px.channels, (y + 1) * 16 * px.channels)).filter((_, i) => i % px.channels === 0)).toEqual(expectedRow);
    // BlackIs1 true without a Decode array: viewers show it inverted, and so do we
    const inv = await pixelsOf(inverted!.png!);
    expect(inv.data[0]).toBe(0);
    expect(ccittToTiff(g4, 16, 4, -1, false).subarray(0, 4).toString('latin1')).toBe('II*\u0000');
  });

  it('marks pages that are not one scanned image', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([595, 842]).drawText('Documento nativo digitale', { x: 50, y: 800, size: 12, font });
    const two = doc.addPage([200, 200]);
    const a = await doc.embedJpg(await jpegOf(100, 100));
    const b = await doc.embedJpg(await jpegOf(100, 100, '#ffffff'));
    two.drawImage(a, { x: 0, y: 0, width: 100, height: 200 });
    two.drawImage(b, { x: 100, y: 0, width: 100, height: 200 });
    const small = doc.addPage([595, 842]);
    small.drawImage(a, { x: 0, y: 0, width: 50, height: 50 });
    const jbig2 = doc.addPage([pt(8, 300), pt(8, 300)]);
    drawFullPage(jbig2, doc.context.register(doc.context.stream(new Uint8Array(8), { Type: 'XObject', Subtype: 'Image', Width: 8, Height: 8, ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'JBIG2Decode' } as never)));
    const pages = [];
    for await (const p of pdfPageImages(await doc.save())) pages.push(p);
    expect(pages.map((p) => p.kind)).toEqual(['no-image', 'no-image', 'no-image', 'no-image']);
    expect(pages[0]).toMatchObject({ images: 0, hasText: true, reason: expect.stringMatching(/no image/) });
    expect(pages[1]).toMatchObject({ images: 2, reason: expect.stringMatching(/2 images/) });
    expect(pages[2]).toMatchObject({ images: 1, reason: expect.stringMatching(/less than half/) });
    expect(pages[3]).toMatchObject({ reason: expect.stringMatching(/JBIG2Decode/) });
    expect(pages.every((p) => p.image === undefined)).toBe(true);
  });
});

describe('invalid PDFs', () => {

  it('throws InvalidPdfError(encrypted) for an encrypted PDF, from both readers', async () => {
    const enc = await encryptedPdf();
    await expect(extractPdfPageImages(enc)).rejects.toMatchObject({ name: 'InvalidPdfError', reason: 'encrypted' });
    await expect(countPdfPages(enc)).rejects.toBeInstanceOf(InvalidPdfError);
    await expect(extractPdfText(enc)).rejects.toMatchObject({ name: 'InvalidPdfError', reason: 'encrypted' });
  });

  it('throws InvalidPdfError(unparsable) for garbage, empty and truncated files', async () => {
    for (const bad of [Buffer.from('this is not a pdf at all'), Buffer.alloc(0), Buffer.from('%PDF-1.7\n%garbage\n')]) {
      await expect(extractPdfPageImages(bad)).rejects.toBeInstanceOf(InvalidPdfError);
      await expect(extractPdfText(bad)).rejects.toBeInstanceOf(InvalidPdfError);
    }
    const good = await PDFDocument.create();
    good.addPage([100, 100]);
    const bytes = await good.save();
    const err = await extractPdfPageImages(Buffer.from(bytes).subarray(0, 40)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidPdfError);
    expect((err as InvalidPdfError).message).toMatch(/PDF/);
  });
});

describe('unpredict', () => {
  it('undoes the TIFF predictor and every PNG row filter', () => {
    expect(Array.from(unpredict(Uint8Array.from([10, 1, 1, 20, 2, 2]), 2, { colors: 1, bpc: 8, columns: 3 }))).toEqual([10, 11, 12, 20, 22, 24]);
    // rows: None, Sub, Up, Average, Paeth over 2 columns of 1 byte
    const data = Uint8Array.from([0, 5, 6, 1, 5, 1, 2, 1, 1, 3, 2, 2, 4, 1, 1]);
    expect(Array.from(unpredict(data, 12, { colors: 1, bpc: 8, columns: 2 }))).toEqual([5, 6, 5, 6, 6, 7, 5, 8, 6, 9]);
  });
});
