// Child process of bench/ocr.ts: the pages of a page set through Faldone's OCR path — page preparation (the clean-up
// the pipeline applies), the configured engine with `workers` pages at once, and one searchable PDF of all pages.
// Prints one JSON object: { pages: [{ file, text, confidence }], ms, pdfBytes }.
//   npx tsx bench/ocr-faldone.ts <dir> --engine tesseract|native --workers 2
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeTesseractEngine } from '../src/ocr/native.engine.ts';
import type { OcrEngine } from '../src/ocr/ocr-engine.ts';
import { preparePageImage } from '../src/ocr/page-image.ts';
import { buildSearchablePdf, type SearchablePdfPage } from '../src/ocr/searchable-pdf.ts';
import { createTesseractEngine } from '../src/ocr/tesseract.engine.ts';
import type { BenchPage } from './lib/ocr-pages.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { engine: { type: 'string', default: 'tesseract' }, workers: { type: 'string', default: '2' } },
});
const dir = positionals[0]!;
const workers = Number(values.workers);
const pages = JSON.parse(await readFile(path.join(dir, 'pages.json'), 'utf8')) as BenchPage[];
const engine: OcrEngine =
  values.engine === 'native'
    ? new NativeTesseractEngine({ processes: workers })
    : createTesseractEngine({ workers, eager: true });

const started = performance.now();
const out: Array<{ file: string; text: string; confidence: number }> = new Array(pages.length);
const pdfPages: SearchablePdfPage[] = new Array(pages.length);
let next = 0;
async function lane(): Promise<void> {
  while (next < pages.length) {
    const i = next++;
    const p = pages[i]!;
    const prepared = await preparePageImage(await readFile(path.join(dir, p.file)));
    const r = await engine.recognise(prepared.ocrImage, { dpi: prepared.dpi });
    out[i] = { file: p.file, text: r.text, confidence: r.confidence };
    pdfPages[i] = {
      jpeg: prepared.pdfImage,
      widthPx: prepared.widthPx,
      heightPx: prepared.heightPx,
      dpi: prepared.dpi,
      textPdf: r.textPdf,
    };
    process.stderr.write(`\r  faldone/${values.engine}: ${i + 1}/${pages.length}`);
  }
}
// One lane more than OCR workers, so page preparation overlaps recognition.
await Promise.all(Array.from({ length: workers + 1 }, lane));
const pdf = await buildSearchablePdf(pdfPages, { title: 'bench', producer: 'Faldone' });
const ms = performance.now() - started;
await engine.close();
process.stderr.write('\n');
console.log(JSON.stringify({ pages: out, ms, pdfBytes: pdf.length }));
