// OCR accuracy of a folder of page images against ground truth, per page and in total.
//   npx tsx scripts/ocr-eval.ts <folder> [--engine tesseract|native] [--workers N] [--languages ita] [--json]
//                                        [--max-cer 0.05] [--show-text]
// Ground truth sits beside each image: <name>.gt.txt / <name>.txt (plain text), or <name>.xml (ALTO or PAGE XML).
// Images go through the pipeline's page preparation, then the engine. Text is compared after Unicode NFC, whitespace
// collapsing and folding of typographic quotes and dashes (case kept). Exit 1 when --max-cer is exceeded in total.
import { parseArgs } from 'node:util';
import { fmt, textTable } from '../src/cli/table.ts';
import { NativeTesseractEngine } from '../src/ocr/native.engine.ts';
import { evaluateFolder } from '../src/ocr/ocr-eval.ts';
import type { OcrEngine } from '../src/ocr/ocr-engine.ts';
import { createTesseractEngine } from '../src/ocr/tesseract.engine.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    engine: { type: 'string', default: 'tesseract' },
    workers: { type: 'string', default: '2' },
    languages: { type: 'string', default: 'ita' },
    json: { type: 'boolean', default: false },
    'max-cer': { type: 'string' },
    'show-text': { type: 'boolean', default: false },
  },
});

const dir = positionals[0];
if (!dir) {
  console.error(
    'usage: npx tsx scripts/ocr-eval.ts <folder> [--engine tesseract|native] [--workers N] [--json] [--max-cer X]',
  );
  process.exit(2);
}
const workers = Number(values.workers);
const engine: OcrEngine =
  values.engine === 'native'
    ? new NativeTesseractEngine({ processes: workers, languages: values.languages })
    : createTesseractEngine({ workers, languages: values.languages });

const pct = (x: number) => `${fmt(x * 100, 2)}%`;
try {
  const result = await evaluateFolder(dir, engine, {
    concurrency: workers,
    onPage: (p, done, total) => {
      if (!values.json) process.stderr.write(`\r${done}/${total} ${p.file.slice(-50).padEnd(50)}`);
    },
  });
  if (!values.json) process.stderr.write('\n');
  if (values.json) {
    console.log(JSON.stringify({ engine: values.engine, ...result }, null, 2));
  } else {
    const rows = result.pages.map((p) => [
      p.file,
      p.groundTruth,
      p.refChars,
      pct(p.cer),
      pct(p.wer),
      fmt(p.confidence, 1),
      p.ms,
    ]);
    const t = result.total;
    rows.push(['TOTAL', '', t.refChars, pct(t.cer), pct(t.wer), '', t.ms]);
    console.log(textTable(['page', 'truth', 'chars', 'CER', 'WER', 'conf', 'ms'], rows));
    if (result.skipped.length)
      console.log(
        `\n${result.skipped.length} image(s) without ground truth skipped: ${result.skipped.slice(0, 5).join(', ')}${result.skipped.length > 5 ? '…' : ''}`,
      );
    if (values['show-text']) for (const p of result.pages) console.log(`\n--- ${p.file}\n${p.text}`);
  }
  const max = values['max-cer'] === undefined ? undefined : Number(values['max-cer']);
  if (result.pages.length === 0) {
    console.error(`no image with ground truth in ${dir}`);
    process.exitCode = 2;
  } else if (max !== undefined && result.total.cer > max) {
    console.error(`total CER ${pct(result.total.cer)} exceeds --max-cer ${pct(max)}`);
    process.exitCode = 1;
  }
} finally {
  await engine.close();
}
