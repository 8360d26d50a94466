// Native tesseract settings bench (issue 4): which settings make plain `tesseract` do less work at equal CER.
// Runs the bench pages (bench/lib/ocr-pages.ts, upright) through native tesseract with several settings, ONE process
// at a time, settings interleaved page by page so that load drift on a shared machine hits every setting alike.
// Reports per setting CPU seconds per page (user+sys of the tesseract child from GNU time, plus the parent's CPU for
// our own image preparation), CER and WER against the ground truth.
//   taskset -c 1 nice -n 19 npx tsx bench/ocr-settings.ts [--pages 30] [--seed 1] [--only base,invert0,…] [--reps 1]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { fmt, textTable, type Cell } from '../src/cli/table.ts';
import { editCounts } from '../src/ocr/ocr-eval.ts';
import { ensureOcrPageSet } from './lib/ocr-pages.ts';

interface Setting {
  name: string;
  /** Target resolution; undefined keeps the page's own. */
  dpi?: number;
  bilevel?: boolean;
  /** Grey image as PNG (zlib level 1) or uncompressed PGM; undefined: the page file as it is. */
  format?: 'png1' | 'pgm';
  psm?: number;
  config?: Record<string, string>;
}

const SETTINGS: Setting[] = [
  // As bench (b) runs it: the generated page as it is (RGB PNG, zlib default level).
  { name: 'base' },
  // As Faldone's engines get it: grey PNG, compression level 1 (page-image.ts).
  { name: 'grey-png1', format: 'png1' },
  // Grey, uncompressed PNM: tesseract (leptonica) reads it without inflating.
  { name: 'grey-pgm', format: 'pgm' },
  { name: 'grey-png1-invert0', format: 'png1', config: { tessedit_do_invert: '0' } },
  { name: 'grey-png1-dpi240', format: 'png1', dpi: 240 },
  { name: 'grey-png1-dpi200', format: 'png1', dpi: 200 },
  { name: 'grey-png1-bilevel', format: 'png1', bilevel: true },
  { name: 'grey-png1-psm6', format: 'png1', psm: 6 },
  { name: 'grey-png1-psm4', format: 'png1', psm: 4 },
  { name: 'grey-png1-notables', format: 'png1', config: { textord_tabfind_find_tables: '0' } },
  { name: 'grey-pgm-invert0', format: 'pgm', config: { tessedit_do_invert: '0' } },
];

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    reps: { type: 'string', default: '1' },
  },
});
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const settings = values.only ? SETTINGS.filter((s) => values.only!.split(',').includes(s.name)) : SETTINGS;
sharp.concurrency(1);

/** Runs tesseract under GNU time; resolves with the child's user+sys CPU seconds. */
function tesseract(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'FALDONE_CPU %U %S', 'tesseract', ...args], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /FALDONE_CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`tesseract exited with ${code}: ${stderr.slice(-400)}`));
      resolve(Number(m[1]) + Number(m[2]));
    });
  });
}

/** The page as the setting hands it to tesseract: grey, optionally downscaled and/or thresholded (Otsu-like mid). */
async function prepare(png: Buffer, pageDpi: number, s: Setting): Promise<{ image: Buffer; dpi: number; ext: string }> {
  if (!s.format) return { image: png, dpi: pageDpi, ext: 'png' };
  const dpi = s.dpi ?? pageDpi;
  let img = sharp(png).greyscale();
  if (dpi !== pageDpi) {
    const meta = await sharp(png).metadata();
    img = img.resize({ width: Math.round((meta.width! * dpi) / pageDpi), kernel: 'lanczos3' });
  }
  if (s.bilevel) img = img.normalise().threshold(160);
  if (s.format === 'pgm') {
    const raw = await img.raw().toBuffer({ resolveWithObject: true });
    if (raw.info.channels !== 1) throw new Error(`expected 1 channel, got ${raw.info.channels}`);
    const header = Buffer.from(`P5\n${raw.info.width} ${raw.info.height}\n255\n`, 'ascii');
    return { image: Buffer.concat([header, raw.data]), dpi, ext: 'pgm' };
  }
  const out = await img
    .withMetadata({ density: dpi })
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
  return { image: out, dpi, ext: 'png' };
}

interface Acc {
  cpu: number;
  prepCpu: number;
  chars: number;
  cEd: number;
  words: number;
  wEd: number;
  n: number;
}

function table(): string {
  const baseCpu = acc.get('base') ? acc.get('base')!.cpu / acc.get('base')!.n : NaN;
  const rows: Cell[][] = settings.map((s) => {
    const a = acc.get(s.name)!;
    const perPage = a.cpu / a.n;
    return [
      s.name,
      fmt(perPage, 3),
      fmt(a.prepCpu / a.n, 3),
      fmt(perPage / baseCpu, 3),
      fmt((100 * a.cEd) / a.chars, 2),
      fmt((100 * a.wEd) / a.words, 2),
    ];
  });
  return textTable(['setting', 'tess CPU s/page', 'prep CPU s/page', 'vs base', 'CER %', 'WER %'], rows);
}

const set = await ensureOcrPageSet({
  root: ROOT,
  seed: Number(values.seed),
  pages: Number(values.pages),
  rotatedShare: 0,
});
const work = await mkdtemp(path.join(tmpdir(), 'faldone-ocr-settings-'));
const acc = new Map<string, Acc>(
  settings.map((s) => [s.name, { cpu: 0, prepCpu: 0, chars: 0, cEd: 0, words: 0, wEd: 0, n: 0 }]),
);
try {
  for (let rep = 0; rep < Number(values.reps); rep++) {
    for (const [i, p] of set.pages.entries()) {
      const png = await readFile(path.join(set.dir, p.file));
      for (const s of settings) {
        const before = process.cpuUsage();
        const { image, dpi, ext } = await prepare(png, p.dpi, s);
        const used = process.cpuUsage(before);
        const inFile = path.join(work, `in.${ext}`);
        await writeFile(inFile, image);
        const base = path.join(work, 'out');
        const args = [inFile, base, '-l', 'ita', '--psm', String(s.psm ?? 3), '--dpi', String(dpi)];
        for (const [k, v] of Object.entries(s.config ?? {})) args.push('-c', `${k}=${v}`);
        const cpu = await tesseract([...args, 'txt']);
        const text = await readFile(`${base}.txt`, 'utf8');
        const c = editCounts(p.text, text);
        const a = acc.get(s.name)!;
        a.cpu += cpu;
        a.prepCpu += (used.user + used.system) / 1e6;
        a.n += 1;
        if (rep === 0) {
          a.chars += c.refChars;
          a.cEd += c.charEdits;
          a.words += c.refWords;
          a.wEd += c.wordEdits;
        }
      }
      process.stderr.write(`\r  rep ${rep + 1}: page ${i + 1}/${set.pages.length}`);
      // Running totals, for a run cut short on a shared machine.
      await writeFile(path.join(ROOT, '.tmp', 'ocr-settings.partial.txt'), `${i + 1} pages\n${table()}\n`);
    }
  }
  process.stderr.write('\n');
} finally {
  await rm(work, { recursive: true, force: true });
}

console.log(
  `${set.pages.length} pages (seed ${values.seed}, upright), ${values.reps} rep(s), one tesseract at a time, OMP_THREAD_LIMIT=1`,
);
console.log(table());
const json = Object.fromEntries([...acc].map(([k, a]) => [k, a]));
await writeFile(path.join(ROOT, '.tmp', 'ocr-settings.json'), JSON.stringify(json, null, 1));
