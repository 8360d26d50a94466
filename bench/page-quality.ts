// Cost of the page quality checks per page, on the clean-up's ~100-DPI grey copy (what the prepare step runs them on):
// generated A4 pages at 300 and 150 DPI, each checked many times after a warm-up. Run: nice -n 10 npx tsx bench/page-quality.ts
import { preparePageImage } from '../src/ocr/page-image.ts';
import { assessPageQuality } from '../src/scan/page-quality.ts';
import { defectPng, type Defect } from '../test/scan/quality-pages.ts';

const RUNS = 200;
console.log('page      | analysis px | prepare ms | checks ms/page (median, p95) | share of prepare');
for (const defect of ['clean', 'low-dpi', 'blank', 'skew'] as Defect[]) {
  const png = await defectPng(defect);
  const t0 = performance.now();
  const p = await preparePageImage(png, { cleanup: {} });
  const prepareMs = performance.now() - t0;
  const input = { dpi: p.dpi, dpiSource: p.dpiSource, skewDegrees: p.cleanup.deskew.measured };
  for (let i = 0; i < 20; i++) assessPageQuality(p.analysis, input);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    assessPageQuality(p.analysis, input);
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  const med = ms[RUNS >> 1]!;
  const p95 = ms[Math.floor(RUNS * 0.95)]!;
  console.log(
    `${defect.padEnd(9)} | ${`${p.analysis.width}×${p.analysis.height}`.padEnd(11)} | ${prepareMs.toFixed(0).padStart(10)} | ${med.toFixed(2).padStart(6)}, ${p95.toFixed(2).padStart(6)}${' '.repeat(15)} | ${((med / prepareMs) * 100).toFixed(1)}%`,
  );
}
