// The PDF of a box scan's part: pages sized from their DPI, a JPEG page kept byte for byte (also when it is a slice
// of a larger buffer, as the box scan's PDF hands it over), grey pages lossless, and the same bytes every time.
import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdfPageImages } from '../../src/ocr/pdf-images.ts';
import { partPageImage, partPdf } from '../../src/scan/part-pdf.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function greyPage(seed: number, width = 300, height = 420): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * seed) % 7 === 0 ? 0 : 255;
  return sharp(data, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

describe('part PDF', () => {
  it('keeps a JPEG sliced out of a larger buffer byte for byte, at its DPI', async () => {
    const jpeg = await sharp(await greyPage(3))
      .jpeg({ quality: 80 })
      .toBuffer();
    const host = Buffer.concat([Buffer.alloc(1000, 7), jpeg, Buffer.alloc(10, 1)]);
    const slice = host.subarray(1000, 1000 + jpeg.length);
    const page = await partPageImage({ input: slice, dpi: 150 });
    expect(page).toMatchObject({ kind: 'image', format: 'jpeg', widthPx: 300, heightPx: 420, dpi: 150 });
    const pdf = await partPdf([page]);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPage(0).getSize()).toEqual({ width: 144, height: 201.6 });
    const images = [];
    for await (const p of pdfPageImages(pdf)) images.push(p);
    expect(images[0]?.kind === 'image' && images[0].jpeg?.equals(jpeg)).toBe(true);
  });

  it('stores a grey page losslessly, a TIFF page by its index, turned when asked', async () => {
    const a = await greyPage(3);
    const tiff = await sharp(
      Buffer.concat([
        await sharp(a).greyscale().raw().toBuffer(),
        await sharp(await greyPage(5))
          .greyscale()
          .raw()
          .toBuffer(),
      ]),
      { raw: { width: 300, height: 840, channels: 1, pageHeight: 420 } },
    )
      .toColourspace('b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer();
    const page = await partPageImage({ input: tiff, page: 1, dpi: 200, rotate: 90 });
    expect(page).toMatchObject({ kind: 'image', format: 'png', widthPx: 420, heightPx: 300 });
    const pdf = await partPdf([page]);
    for await (const p of pdfPageImages(pdf)) {
      if (p.kind !== 'image') throw new Error('no image');
      const got = await sharp(p.image.input).greyscale().raw().toBuffer();
      // Page 2 of the TIFF, turned a quarter clockwise, pixel for pixel.
      const turned = await sharp(await greyPage(5))
        .rotate(90)
        .greyscale()
        .raw()
        .toBuffer();
      expect(got.equals(turned)).toBe(true);
    }
  });

  it('gives the same bytes for the same pages (a re-run of the split gives the same document id)', async () => {
    const pages = [
      await partPageImage({ input: await greyPage(3), dpi: 200 }),
      await partPageImage({ input: await greyPage(4), dpi: 200 }),
    ];
    const one = await partPdf(pages, { title: 'scatola.parte-01.pdf' });
    await new Promise((r) => setTimeout(r, 1100)); // a second later: no date may leak in
    const two = await partPdf(pages, { title: 'scatola.parte-01.pdf' });
    expect(sha(one)).toBe(sha(two));
    expect(one.toString('latin1')).not.toMatch(/CreationDate|ModDate|\/ID/);
    await expect(partPdf([])).rejects.toThrow(/without pages/);
  });
});
