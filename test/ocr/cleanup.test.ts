// Border trimming and contrast normalisation: dark scanner beds trimmed (also around a skewed sheet), deep dark
// content kept; a shadowed page flattened so tesseract.js reads it, a faded page stretched for OCR only.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cer } from '../../src/ocr/cer.ts';
import { findDarkBorders, inkPaperLevels, turnSides } from '../../src/ocr/cleanup.ts';
import { greyHistogram } from '../../src/ocr/deskew.ts';
import { preparePageImage } from '../../src/ocr/page-image.ts';
import { createTesseractEngine } from '../../src/ocr/tesseract.engine.ts';
import { ITALIAN_SAMPLE_TEXT, renderTextPage } from '../helpers/render-text-page.ts';

const SHORT_TEXT = ITALIAN_SAMPLE_TEXT.split('\n').slice(0, 5).join('\n');
const BED = { r: 20, g: 20, b: 20 };

function raster(width: number, height: number, paint: (x: number, y: number) => number) {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = paint(x, y);
  return { data, width, height };
}

/** Fraction of dark pixels (< 96) in the outer `frame` pixels of an image. */
async function darkInFrame(image: Buffer, frame: number): Promise<number> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  let n = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (x >= frame && x < info.width - frame && y >= frame && y < info.height - frame) continue;
      n++;
      if (data[y * info.width + x * info.channels]! < 96) dark++;
    }
  }
  return dark / n;
}

describe('findDarkBorders', () => {
  it('measures dark bands along the edges, including their shaded rim', () => {
    const r = raster(400, 300, (x, y) => (x < 30 || y < 12 || x >= 390 ? 15 : x < 33 ? 120 : 250));
    const b = findDarkBorders(r);
    expect(b.left).toBeGreaterThanOrEqual(30);
    expect(b.left).toBeLessThanOrEqual(36);
    expect(b.top).toBeGreaterThanOrEqual(12);
    expect(b.top).toBeLessThanOrEqual(16);
    expect(b.right).toBeGreaterThanOrEqual(10);
    expect(b.right).toBeLessThanOrEqual(14);
    expect(b.bottom).toBe(0);
  });

  it('finds nothing on a clean page, and keeps a dark area deeper than maxFraction (content, not border)', () => {
    expect(findDarkBorders(raster(200, 200, () => 240))).toEqual({ top: 0, right: 0, bottom: 0, left: 0 });
    const photo = raster(400, 300, (x) => (x < 160 ? 10 : 250));
    expect(findDarkBorders(photo).left).toBe(0);
    // A band that starts away from the edge is not a border either.
    const rule = raster(400, 300, (x) => (x >= 20 && x < 40 ? 10 : 250));
    expect(findDarkBorders(rule).left).toBe(0);
  });

  it('names the sides of the upright page after a quarter turn', () => {
    const s = { top: 1, right: 2, bottom: 3, left: 4 };
    expect(turnSides(s, 0)).toEqual(s);
    expect(turnSides(s, 90)).toEqual({ top: 4, right: 1, bottom: 2, left: 3 });
    expect(turnSides(s, 180)).toEqual({ top: 3, right: 4, bottom: 1, left: 2 });
    expect(turnSides(s, 270)).toEqual({ top: 2, right: 3, bottom: 4, left: 1 });
  });
});

describe('preparePageImage trims scanner borders', () => {
  it('trims a black scanner bed around the sheet from both images', async () => {
    const page = await renderTextPage({ text: SHORT_TEXT, widthMm: 150, fitHeight: true, marginMm: 10, noise: 0.002 });
    const scan = await sharp(page.image)
      .extend({ left: 60, top: 25, right: 90, bottom: 40, background: BED })
      .png()
      .toBuffer();
    expect(await darkInFrame(scan, 5)).toBeGreaterThan(0.9);
    const p = await preparePageImage(scan);
    const b = p.cleanup.border;
    for (const [got, want] of [
      [b.top, 25],
      [b.right, 90],
      [b.bottom, 40],
      [b.left, 60],
    ] as const) {
      expect(got).toBeGreaterThanOrEqual(want);
      expect(got).toBeLessThanOrEqual(want + 10);
    }
    expect(p.widthPx).toBe(page.widthPx + 150 - b.left - b.right);
    expect(p.heightPx).toBe(page.heightPx + 65 - b.top - b.bottom);
    expect(await darkInFrame(p.ocrImage, 5)).toBe(0);
    // The PDF image is not median-filtered: only the page's own salt-and-pepper noise (0.2%) remains there.
    expect(await darkInFrame(p.pdfImage, 5)).toBeLessThan(0.005);
  });

  it('trims the bed around a skewed sheet and straightens it, leaving no dark wedges', async () => {
    const page = await renderTextPage({ text: SHORT_TEXT, widthMm: 150, fitHeight: true, marginMm: 10, noise: 0.002 });
    const scan = await sharp(page.image)
      .rotate(2, { background: BED })
      .extend({ left: 40, top: 30, right: 40, bottom: 30, background: BED })
      .png()
      .toBuffer();
    const p = await preparePageImage(scan);
    expect(Math.abs(p.cleanup.deskew.measured! - 2)).toBeLessThan(0.3);
    expect(p.cleanup.border.left).toBeGreaterThan(40);
    expect(await darkInFrame(p.pdfImage, 5)).toBeLessThan(0.01);
  });

  it('keeps the borders when trimming is off', async () => {
    const page = await renderTextPage({ text: SHORT_TEXT, widthMm: 150, fitHeight: true, marginMm: 10 });
    const scan = await sharp(page.image).extend({ left: 50, background: BED }).png().toBuffer();
    const p = await preparePageImage(scan, { cleanup: { trimBorders: false } });
    expect(p.cleanup.border).toEqual({ top: 0, right: 0, bottom: 0, left: 0 });
    expect(p.widthPx).toBe(page.widthPx + 50);
  });
});

describe('contrast normalisation', () => {
  it('flattens a shadowed page: tesseract.js reads it (CER and confidence, before and after)', async () => {
    const page = await renderTextPage({
      text: SHORT_TEXT,
      widthMm: 150,
      fitHeight: true,
      marginMm: 10,
      fontSizePt: 10,
      noise: 0.002,
      seed: 3,
    });
    const { data, info } = await sharp(page.image).greyscale().raw().toBuffer({ resolveWithObject: true });
    // A shadow darkening the left of the page (a book's gutter, a lamp off to one side), and faded ink.
    const shaded = Buffer.alloc(data.length);
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const i = y * info.width + x;
        const ink = 255 - (255 - data[i]!) * 0.4;
        shaded[i] = Math.round(ink * (0.4 + 0.6 * Math.min(1, (x / info.width) * 1.6)));
      }
    }
    const scan = await sharp(shaded, { raw: { width: info.width, height: info.height, channels: 1 } })
      .png()
      .toBuffer();

    const engine = createTesseractEngine({ workers: 1 });
    try {
      const off = await preparePageImage(scan, { cleanup: { contrast: false } });
      const on = await preparePageImage(scan);
      expect(on.cleanup.contrast).toMatchObject({
        method: 'normalise',
        applied: true,
        background: { flattened: true },
      });
      expect(on.cleanup.contrast.background!.max - on.cleanup.contrast.background!.min).toBeGreaterThan(80);
      const rOff = await engine.recognise(off.ocrImage, { dpi: off.dpi });
      const rOn = await engine.recognise(on.ocrImage, { dpi: on.dpi });
      const expected = page.lines.join('\n');
      const cOff = cer(expected, rOff.text);
      const cOn = cer(expected, rOn.text);
      console.info(
        `shadowed page: contrast off CER ${(cOff * 100).toFixed(1)}% conf ${rOff.confidence} words ${rOff.words.length}; ` +
          `normalised CER ${(cOn * 100).toFixed(1)}% conf ${rOn.confidence} words ${rOn.words.length}`,
      );
      expect(cOn).toBeLessThan(0.03);
      expect(cOff).toBeGreaterThan(cOn + 0.1);
      // The PDF image keeps the scan's look: the shadow is still there.
      // (stats() would measure the whole input, not the extract: average the raw pixels.)
      const corner = await sharp(on.pdfImage)
        .extract({ left: 0, top: 0, width: 40, height: 40 })
        .greyscale()
        .raw()
        .toBuffer();
      expect(corner.reduce((a, v) => a + v, 0) / corner.length).toBeLessThan(140);
    } finally {
      await engine.close();
    }
  });

  it('stretches a faded page to black ink on white paper in the OCR image only; a plain page is left alone', async () => {
    const page = await renderTextPage({ text: SHORT_TEXT, widthMm: 150, fitHeight: true, marginMm: 10 });
    const faded = await sharp(page.image).linear(0.3, 170).png().toBuffer(); // ink ~175, paper ~246
    const p = await preparePageImage(faded);
    expect(p.cleanup.contrast).toMatchObject({ method: 'normalise', applied: true });
    expect(p.cleanup.contrast.ink!).toBeGreaterThan(150);
    const levelsOf = async (img: Buffer) => {
      const { data, info } = await sharp(img)
        .greyscale()
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      return inkPaperLevels(greyHistogram({ data, width: info.width, height: info.height }), 0.5, 90);
    };
    const ocr = await levelsOf(p.ocrImage);
    expect(ocr.ink).toBeLessThan(60);
    expect(ocr.paper).toBeGreaterThan(245);
    const pdf = await levelsOf(p.pdfImage);
    expect(pdf.ink).toBeGreaterThan(150);

    const plain = await preparePageImage(page.image);
    expect(plain.cleanup.contrast).toMatchObject({
      method: 'normalise',
      applied: false,
      background: { flattened: false },
    });
    const stretchOnly = await preparePageImage(faded, { cleanup: { contrast: 'stretch' } });
    expect(stretchOnly.cleanup.contrast).toMatchObject({ method: 'stretch', applied: true });
    expect(stretchOnly.cleanup.contrast.background).toBeUndefined();
  });
});
