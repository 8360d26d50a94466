// Issue 4 follow-up to bench/ocr-settings.ts: does resampling to 240 DPI still pay on what Faldone's engines really
// get — the page after clean-up (preparePageImage's grey PNG, median-denoised and contrast-normalised)?
// Per page, interleaved: 'before' hands that PNG to tesseract at the page's DPI; 'after' resamples it in node to
// 240 DPI as a grey PGM (the wip/ocrspeed-maxdpi engine path) and hands that over. CPU = tesseract child (GNU time)
// + node-side resampling. One tesseract at a time, OMP_THREAD_LIMIT=1.
//   taskset -c 1 nice -n 19 npx tsx bench/ocr-engine-path.ts [--pages 30] [--seed 1] [--dpi 240]
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { editCounts } from '../src/ocr/ocr-eval.ts';
import { preparePageImage } from '../src/ocr/page-image.ts';
import { ensureOcrPageSet } from './lib/ocr-pages.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    dpi: { type: 'string', default: '240' },
  },
});
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const target = Number(values.dpi);
sharp.concurrency(1);

/** Grey PGM of the image resampled by `scale`. */
async function resampledPgm(png: Buffer, scale: number): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  const raw = await sharp(png)
    .greyscale()
    .toColourspace('b-w')
    .resize({ width: Math.round(meta.width! * scale), height: Math.round(meta.height! * scale), fit: 'fill' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return Buffer.concat([Buffer.from(`P5\n${raw.info.width} ${raw.info.height}\n255\n`, 'ascii'), raw.data]);
}

function tesseractCpu(file: string, out: string, dpi: number): number {
  const args = ['-f', 'CPU %U %S', 'tesseract', file, out, '-l', 'ita', '--psm', '3', '--dpi', String(dpi), 'txt'];
  const r = spawnSync('/usr/bin/time', args, { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, encoding: 'utf8' });
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`tesseract failed: ${r.stderr.slice(-300)}`);
  return Number(m[1]) + Number(m[2]);
}

const set = await ensureOcrPageSet({
  root: ROOT,
  seed: Number(values.seed),
  pages: Number(values.pages),
  rotatedShare: 0,
});
const work = await mkdtemp(path.join(tmpdir(), 'faldone-engine-path-'));
const zero = () => ({ cpu: 0, prep: 0, chars: 0, cEd: 0, words: 0, wEd: 0 });
const acc = { before: zero(), after: zero() };
try {
  for (const [i, p] of set.pages.entries()) {
    const prepared = await preparePageImage(await readFile(path.join(set.dir, p.file)));
    for (const k of ['before', 'after'] as const) {
      const a = acc[k];
      let file = path.join(work, 'in.png');
      let dpi = prepared.dpi;
      if (k === 'before') {
        await writeFile(file, prepared.ocrImage);
      } else {
        const t0 = process.cpuUsage();
        const pgm = await resampledPgm(prepared.ocrImage, target / prepared.dpi);
        const u = process.cpuUsage(t0);
        a.prep += (u.user + u.system) / 1e6;
        file = path.join(work, 'in.pgm');
        await writeFile(file, pgm);
        dpi = target;
      }
      a.cpu += tesseractCpu(file, path.join(work, 'out'), dpi);
      const c = editCounts(p.text, await readFile(path.join(work, 'out.txt'), 'utf8'));
      a.chars += c.refChars;
      a.cEd += c.charEdits;
      a.words += c.refWords;
      a.wEd += c.wordEdits;
    }
    process.stderr.write(`\r  page ${i + 1}/${set.pages.length}`);
  }
  process.stderr.write('\n');
} finally {
  await rm(work, { recursive: true, force: true });
}
const n = set.pages.length;
for (const [k, a] of Object.entries(acc)) {
  console.log(
    `${k}: ${n} pages, tesseract CPU ${(a.cpu / n).toFixed(3)} s/page, node resampling ${(a.prep / n).toFixed(3)} s/page, ` +
      `total ${((a.cpu + a.prep) / n).toFixed(3)} s/page, CER ${((100 * a.cEd) / a.chars).toFixed(2)} %, ` +
      `WER ${((100 * a.wEd) / a.words).toFixed(2)} %`,
  );
}
