import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { preparePageImage } from '../../src/ocr/page-image.ts';
import { assessPageQuality, type PageQuality } from '../../src/scan/page-quality.ts';
import { blankPage, pagePng } from './box-scan.ts';
import { defectPng, type Defect } from './quality-pages.ts';

/** The page through the prepare step's clean-up, then the checks, as the pipeline runs them. */
async function checked(png: Buffer, thresholds = {}): Promise<PageQuality> {
  const p = await preparePageImage(png, { cleanup: {} });
  return assessPageQuality(
    p.analysis,
    { dpi: p.dpi, dpiSource: p.dpiSource, skewDegrees: p.cleanup.deskew.measured },
    thresholds,
  );
}
const codes = (q: PageQuality) => q.warnings.map((w) => w.code);

describe('page quality checks', () => {
  it('a clean 300-DPI page is not flagged', async () => {
    for (const seed of [11, 12]) {
      const q = await checked(await defectPng('clean', seed));
      expect(codes(q), JSON.stringify(q.measures)).toEqual([]);
      expect(q.measures.dpi).toBe(300);
    }
  });

  const cases: Array<[Defect, string]> = [
    ['low-dpi', 'low-dpi'],
    ['blank', 'blank'],
    ['dark', 'too-dark'],
    ['light', 'too-light'],
    ['skew', 'skew'],
    ['cut-edge', 'cut-edge'],
  ];
  for (const [defect, code] of cases) {
    it(`a ${defect} page is flagged ${code}, and only that`, async () => {
      const q = await checked(await defectPng(defect));
      expect(codes(q), JSON.stringify(q.measures)).toEqual([code]);
      const w = q.warnings[0]!;
      expect(w.message).toMatch(/[a-z]/);
      expect(typeof w.threshold).toBe('number');
    });
  }

  it('the warnings carry the measured value, the threshold and the side', async () => {
    const low = (await checked(await defectPng('low-dpi'))).warnings[0]!;
    expect(low).toMatchObject({ value: 150, threshold: 200 });
    expect(low.message).toBe('Risoluzione di 150 DPI, sotto il minimo di 200 DPI');
    const skew = (await checked(await defectPng('skew'))).warnings[0]!;
    expect(Math.abs(skew.value!)).toBeGreaterThan(2);
    expect(skew.threshold).toBe(2);
    const cut = (await checked(await defectPng('cut-edge'))).warnings[0]!;
    expect(cut.sides).toEqual(['left']);
  });

  it('a page whose file declares no resolution is flagged low-dpi with an unknown value', async () => {
    const q = await checked(await defectPng('clean', 11, { noDpi: true }));
    expect(q.warnings).toEqual([expect.objectContaining({ code: 'low-dpi', value: null, threshold: 200 })]);
    expect(q.warnings[0]!.message).toMatch(/non indicata/);
  });

  it('a sheet holding only a stamp and a signature is near-blank', async () => {
    const sheet = await blankPage(21, 300);
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${sheet.width}" height="${sheet.height}">` +
      `<text x="1500" y="2900" font-family="DejaVu Sans" font-size="60" fill="#202020">Il tecnico</text>` +
      `<path d="M1450 3050 q 120 -80 240 0 t 240 0" stroke="#202020" stroke-width="6" fill="none"/></svg>`;
    const { data } = await sharp(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: 1 } })
      .composite([{ input: Buffer.from(svg), blend: 'multiply' }])
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const q = await checked(await pagePng({ ...sheet, data }));
    expect(codes(q), JSON.stringify(q.measures)).toEqual(['near-blank']);
  });

  it('thresholds come from the caller: a 150-DPI page passes a 150 minimum, a clean page fails a 0.5° skew limit', async () => {
    expect(codes(await checked(await defectPng('low-dpi'), { minDpi: 150 }))).toEqual([]);
    expect(codes(await checked(await defectPng('clean', 11), { maxSkewDegrees: 0.5 }))).toEqual(['skew']);
  });

  it('a rendered PDF page is not judged on resolution, and the skew is measured when the clean-up did not', async () => {
    const p = await preparePageImage(await defectPng('skew'), { cleanup: false });
    const q = assessPageQuality(p.analysis, { dpi: 72, dpiSource: 'rendered' });
    expect(codes(q)).toEqual(['skew']);
    expect(q.measures.dpi).toBeNull();
  });
});
