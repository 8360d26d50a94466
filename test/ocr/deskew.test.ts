// Skew by projection profiles: the estimate on rendered pages, and skewed pages straightened by preparePageImage in
// both the OCR and the PDF image (the residual skew is measured on the output), read by tesseract.js.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../src/ocr/cer.ts';
import { estimateSkew, inkPointsOf, otsuThreshold, profileEnergy } from '../../src/ocr/deskew.ts';
import { preparePageImage } from '../../src/ocr/page-image.ts';
import { createTesseractEngine } from '../../src/ocr/tesseract.engine.ts';
import { ITALIAN_SAMPLE_TEXT, renderTextPage } from '../helpers/render-text-page.ts';

const SHORT_TEXT = ITALIAN_SAMPLE_TEXT.split('\n').slice(0, 5).join('\n');

/** Skew of an image's text lines, measured independently of the pipeline (150 dpi copy, 0.01° steps). */
async function skewOf(image: Buffer, widthPx: number): Promise<number> {
  const { data, info } = await sharp(image)
    .greyscale()
    .resize(Math.round(widthPx / 2))
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const r = { data, width: info.width, height: info.height };
  return estimateSkew(inkPointsOf(r, otsuThreshold(r)), { fineStep: 0.01 }).degrees;
}

describe('estimateSkew', () => {
  it('finds the skew of rendered pages within 0.15°', async () => {
    const errors: number[] = [];
    for (const skewDeg of [-4, -1.5, 0.7, 3]) {
      const page = await renderTextPage({ text: SHORT_TEXT, widthMm: 150, fitHeight: true, skewDeg, noise: 0.002 });
      const measured = await skewOf(page.image, page.widthPx);
      errors.push(Math.abs(measured - skewDeg));
    }
    console.info(`skew errors: ${errors.map((e) => e.toFixed(3)).join(', ')}°`);
    expect(Math.max(...errors)).toBeLessThan(0.15);
  });

  it('peaks at the angle of the lines: the energy is higher there than a degree away', () => {
    // Three horizontal "lines" of points, tilted by 2° clockwise (y grows with x).
    const xs: number[] = [];
    const ys: number[] = [];
    const t = Math.tan((2 * Math.PI) / 180);
    for (const base of [20, 60, 100]) {
      for (let x = 0; x < 300; x++) {
        for (let dy = 0; dy < 6; dy++) {
          xs.push(x);
          ys.push(Math.round(base + dy + x * t));
        }
      }
    }
    const points = { xs: Int32Array.from(xs), ys: Int32Array.from(ys), count: xs.length, width: 300, height: 140 };
    expect(profileEnergy(points, 2)).toBeGreaterThan(profileEnergy(points, 1));
    expect(profileEnergy(points, 2)).toBeGreaterThan(profileEnergy(points, 3));
    expect(Math.abs(estimateSkew(points).degrees - 2)).toBeLessThan(0.1);
  });
});

describe('preparePageImage straightens skewed pages', () => {
  let page: Awaited<ReturnType<typeof renderTextPage>>;
  let prepared: Awaited<ReturnType<typeof preparePageImage>>;
  beforeAll(async () => {
    page = await renderTextPage({
      text: SHORT_TEXT,
      widthMm: 150,
      fitHeight: true,
      skewDeg: 3,
      noise: 0.002,
      format: 'jpeg',
    });
    prepared = await preparePageImage(page.image);
  });

  it('measures 3° within 0.3° and rotates back by it', () => {
    const d = prepared.cleanup.deskew;
    expect(d.method).toBe('projection-profile');
    expect(Math.abs(d.measured! - 3)).toBeLessThan(0.3);
    expect(d.degrees).toBe(-d.measured!);
  });

  it('gives straight OCR and PDF images of the same size, filled with white at the corners', async () => {
    expect([prepared.widthPx, prepared.heightPx]).toEqual([page.widthPx, page.heightPx]);
    expect(prepared.pdfImageReused).toBe(false);
    const pdfMeta = await sharp(prepared.pdfImage).metadata();
    expect([pdfMeta.format, pdfMeta.width, pdfMeta.height]).toEqual(['jpeg', page.widthPx, page.heightPx]);
    const residualOcr = await skewOf(prepared.ocrImage, page.widthPx);
    const residualPdf = await skewOf(prepared.pdfImage, page.widthPx);
    const before = await skewOf(page.image, page.widthPx);
    console.info(`skew before ${before}°, after: OCR image ${residualOcr}°, PDF image ${residualPdf}°`);
    expect(Math.abs(residualOcr)).toBeLessThan(0.3);
    expect(Math.abs(residualPdf)).toBeLessThan(0.3);
    const { data, info } = await sharp(prepared.pdfImage).greyscale().raw().toBuffer({ resolveWithObject: true });
    for (const [x, y] of [
      [0, 0],
      [info.width - 1, 0],
      [0, info.height - 1],
      [info.width - 1, info.height - 1],
    ] as const) {
      expect(data[y * info.width + x]!).toBeGreaterThan(240);
    }
  });

  it('leaves tesseract nothing to straighten, and the text reads with CER < 3%', async () => {
    const engine = createTesseractEngine({ workers: 1 });
    try {
      const r = await engine.recognise(prepared.ocrImage, { dpi: prepared.dpi });
      const c = cer(page.lines.join('\n'), r.text);
      console.info(
        `deskewed page: CER ${(c * 100).toFixed(2)}%, tesseract's own rotation ${((r.deskewRadians * 180) / Math.PI).toFixed(3)}°`,
      );
      expect(c).toBeLessThan(0.03);
      expect(Math.abs(r.deskewRadians)).toBeLessThan((0.3 * Math.PI) / 180);
    } finally {
      await engine.close();
    }
  });

  it('keeps the skew when deskew is off, and ignores a skew under deskewMinDegrees', async () => {
    const off = await preparePageImage(page.image, { cleanup: { deskew: false } });
    expect(off.cleanup.deskew).toEqual({ degrees: 0, measured: null, method: 'off' });
    expect(Math.abs((await skewOf(off.ocrImage, page.widthPx)) - 3)).toBeLessThan(0.15);
    const slight = await renderTextPage({ text: SHORT_TEXT, widthMm: 150, fitHeight: true, skewDeg: 0.4 });
    const kept = await preparePageImage(slight.image, { cleanup: { deskewMinDegrees: 1 } });
    expect(Math.abs(kept.cleanup.deskew.measured! - 0.4)).toBeLessThan(0.2);
    expect(kept.cleanup.deskew.degrees).toBe(0);
  });

  it('does not rotate a page without text lines (noise, blank)', async () => {
    const w = 1200;
    const h = 1600;
    const px = Buffer.alloc(w * h, 255);
    let seed = 1;
    for (let i = 0; i < w * h * 0.01; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      px[seed % px.length] = 0;
    }
    const noise = await sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toBuffer();
    const blank = await sharp({ create: { width: w, height: h, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    for (const img of [noise, blank]) {
      const p = await preparePageImage(img);
      expect(p.cleanup.deskew.degrees).toBe(0);
      expect(p.cleanup.orientation.degrees).toBe(0);
    }
  });
});
