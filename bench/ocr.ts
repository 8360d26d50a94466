// OCR bench: the same generated pages through
//   (a) Faldone's OCR path (bench/ocr-faldone.ts: page preparation + engine + searchable PDF), with tesseract.js and,
//       where installed, with the native engine (OCR_ENGINE=native);
//   (b) native tesseract, two processes at a time, OMP_THREAD_LIMIT=1, text + PDF output per page;
//   (c) OCRmyPDF on one PDF of all pages, --jobs 2 (its defaults: PDF/A output via Ghostscript), text from --sidecar;
// and prints pages/min, CER, WER, output bytes/page and peak RSS, with ratios of throughput to (b) and (c).
//   npx tsx bench/ocr.ts [--pages 40] [--seed 1] [--rotated 0.1] [--install] [--only a-js,a-native,b,c] [--out bench-results]
// --install installs tesseract-ocr, tesseract-ocr-ita and ocrmypdf from Debian first. Runs that cannot start (tool
// missing) are listed as skipped. Peak RSS is GNU time's maximum resident set of the run's largest process.
// The machine should be quiet: every run uses both cores.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, markdownTable, textTable, type Cell } from '../src/cli/table.ts';
import { editCounts } from '../src/ocr/ocr-eval.ts';
import { ensureOcrPageSet, type BenchPage } from './lib/ocr-pages.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
    rotated: { type: 'string', default: '0.1' },
    install: { type: 'boolean', default: false },
    only: { type: 'string', default: 'a-js,a-native,b,c' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = new Set(values.only.split(','));

if (values.install) {
  console.error('installing tesseract-ocr, tesseract-ocr-ita, ocrmypdf from Debian…');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  spawnSync([...sudo, 'apt-get'].join(' ') + ' install -y -qq tesseract-ocr tesseract-ocr-ita ocrmypdf', {
    shell: true,
    stdio: 'inherit',
  });
}
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface RunResult {
  name: string;
  label: string;
  pages: number;
  wallS: number;
  texts: string[]; // per page, in page order
  outBytes: number;
  peakRssMb: number;
  skipped?: string;
}

/** Runs a command under GNU time; resolves with its stdout, wall seconds and max RSS (MB). */
function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; wallS: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'FALDONE_TIME %M', cmd, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      stderr += s;
      if (!s.includes('FALDONE_TIME')) process.stderr.write(s);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /FALDONE_TIME (\d+)/.exec(stderr);
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code}: ${stderr.slice(-500)}`));
      resolve({ stdout, wallS: (performance.now() - started) / 1000, rssMb: m ? Number(m[1]) / 1024 : NaN });
    });
  });
}

async function runFaldone(dir: string, pages: BenchPage[], engine: 'tesseract' | 'native'): Promise<RunResult> {
  const name = engine === 'native' ? 'a-native' : 'a-js';
  const label = `(a) Faldone, ${engine === 'native' ? 'native engine' : 'tesseract.js'}, 2 workers`;
  if (engine === 'native' && !has('tesseract')) return skipped(name, label, 'tesseract not installed');
  const r = await timed(process.execPath, [
    '--import',
    'tsx',
    path.join(ROOT, 'bench/ocr-faldone.ts'),
    dir,
    '--engine',
    engine,
    '--workers',
    '2',
  ]);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    pages: Array<{ text: string }>;
    ms: number;
    pdfBytes: number;
  };
  // Wall time of the OCR work itself (the child reports it), not node/tsx start-up.
  return {
    name,
    label,
    pages: pages.length,
    wallS: out.ms / 1000,
    texts: out.pages.map((p) => p.text),
    outBytes: out.pdfBytes,
    peakRssMb: r.rssMb,
  };
}

async function runNative(dir: string, pages: BenchPage[]): Promise<RunResult> {
  const name = 'b';
  const label = '(b) native tesseract, 2 processes, OMP_THREAD_LIMIT=1';
  if (!has('tesseract')) return skipped(name, label, 'tesseract not installed (use --install)');
  const work = await mkdtemp(path.join(tmpdir(), 'faldone-bench-tess-'));
  try {
    const texts: string[] = new Array(pages.length);
    let outBytes = 0;
    let peak = 0;
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      while (next < pages.length) {
        const i = next++;
        const p = pages[i]!;
        const base = path.join(work, p.file.replace(/\.png$/, ''));
        const r = await timed(
          'tesseract',
          [path.join(dir, p.file), base, '-l', 'ita', '--dpi', String(p.dpi), 'pdf', 'txt'],
          { OMP_THREAD_LIMIT: '1' },
        );
        texts[i] = await readFile(`${base}.txt`, 'utf8');
        outBytes += (await stat(`${base}.pdf`)).size;
        peak = Math.max(peak, r.rssMb);
        process.stderr.write(`\r  native: ${i + 1}/${pages.length}`);
      }
    };
    await Promise.all([lane(), lane()]);
    process.stderr.write('\n');
    return {
      name,
      label,
      pages: pages.length,
      wallS: (performance.now() - started) / 1000,
      texts,
      outBytes,
      peakRssMb: peak,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function runOcrmypdf(pdf: string, pages: BenchPage[]): Promise<RunResult> {
  const name = 'c';
  const label = '(c) OCRmyPDF --jobs 2 (PDF/A output)';
  if (!has('ocrmypdf')) return skipped(name, label, 'ocrmypdf not installed (use --install)');
  const work = await mkdtemp(path.join(tmpdir(), 'faldone-bench-ocrmypdf-'));
  try {
    const out = path.join(work, 'out.pdf');
    const sidecar = path.join(work, 'out.txt');
    const r = await timed('ocrmypdf', ['-l', 'ita', '--jobs', '2', '--sidecar', sidecar, pdf, out]);
    const texts = (await readFile(sidecar, 'utf8')).split('\f').slice(0, pages.length);
    return {
      name,
      label,
      pages: pages.length,
      wallS: r.wallS,
      texts,
      outBytes: (await stat(out)).size,
      peakRssMb: r.rssMb,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function skipped(name: string, label: string, why: string): RunResult {
  return { name, label, pages: 0, wallS: NaN, texts: [], outBytes: 0, peakRssMb: NaN, skipped: why };
}

function accuracy(r: RunResult, pages: BenchPage[], which: (p: BenchPage) => boolean) {
  let chars = 0;
  let cEd = 0;
  let words = 0;
  let wEd = 0;
  pages.forEach((p, i) => {
    if (!which(p)) return;
    const c = editCounts(p.text, r.texts[i] ?? '');
    chars += c.refChars;
    cEd += c.charEdits;
    words += c.refWords;
    wEd += c.wordEdits;
  });
  return { cer: chars ? cEd / chars : NaN, wer: words ? wEd / words : NaN };
}

const set = await ensureOcrPageSet({
  root: ROOT,
  seed: Number(values.seed),
  pages: Number(values.pages),
  rotatedShare: Number(values.rotated),
  onProgress: (d, t) => process.stderr.write(`\r  generating pages ${d}/${t}`),
});
process.stderr.write(
  `\npage set: ${set.dir} (${set.pages.length} pages, ${set.pages.filter((p) => p.rotated).length} turned)${set.reused ? ', reused' : ''}\n`,
);

const results: RunResult[] = [];
for (const [name, run] of [
  ['a-js', () => runFaldone(set.dir, set.pages, 'tesseract')],
  ['a-native', () => runFaldone(set.dir, set.pages, 'native')],
  ['b', () => runNative(set.dir, set.pages)],
  ['c', () => runOcrmypdf(set.pdf, set.pages)],
] as const) {
  if (!only.has(name)) continue;
  process.stderr.write(`run ${name}…\n`);
  results.push(await run());
}

const ppm = (r: RunResult) => (r.skipped ? NaN : (r.pages / r.wallS) * 60);
const b = results.find((r) => r.name === 'b' && !r.skipped);
const c = results.find((r) => r.name === 'c' && !r.skipped);
const headers = [
  'run',
  'pages/min',
  'CER',
  'CER upright',
  'CER turned',
  'WER',
  'KB/page',
  'peak RSS MB',
  '× (b)',
  '× (c)',
];
const rows: Cell[][] = results.map((r) => {
  if (r.skipped) return [r.label, `skipped: ${r.skipped}`, '', '', '', '', '', '', '', ''];
  const all = accuracy(r, set.pages, () => true);
  const up = accuracy(r, set.pages, (p) => p.rotated === 0);
  const turned = accuracy(r, set.pages, (p) => p.rotated !== 0);
  return [
    r.label,
    fmt(ppm(r), 1),
    `${fmt(all.cer * 100, 2)}%`,
    `${fmt(up.cer * 100, 2)}%`,
    `${fmt(turned.cer * 100, 2)}%`,
    `${fmt(all.wer * 100, 2)}%`,
    fmt(r.outBytes / r.pages / 1024, 0),
    fmt(r.peakRssMb, 0),
    b ? fmt(ppm(r) / ppm(b), 2) : '—',
    c ? fmt(ppm(r) / ppm(c), 2) : '—',
  ];
});
console.log(
  `\nOCR bench: ${set.pages.length} pages (seed ${values.seed}, ${set.pages.filter((p) => p.rotated).length} turned 90/180/270°)\n`,
);
console.log(textTable(headers, rows));

const goals: string[] = [];
for (const a of results.filter((r) => r.name.startsWith('a-') && !r.skipped)) {
  const acc = accuracy(a, set.pages, () => true).cer;
  if (b)
    goals.push(
      `${a.name}: throughput ${fmt(ppm(a) / ppm(b), 2)}× native (goal ≥ 0.8): ${ppm(a) / ppm(b) >= 0.8 ? 'met' : 'NOT met'}`,
    );
  if (c)
    goals.push(
      `${a.name}: throughput ${fmt(ppm(a) / ppm(c), 2)}× OCRmyPDF (goal ≥ 4): ${ppm(a) / ppm(c) >= 4 ? 'met' : 'NOT met'}`,
    );
  if (b) {
    const nb = accuracy(b, set.pages, () => true).cer;
    goals.push(
      `${a.name}: CER ${fmt(acc * 100, 2)}% vs native ${fmt(nb * 100, 2)}% (goal ≤): ${acc <= nb ? 'met' : 'NOT met'}`,
    );
  }
  goals.push(`${a.name}: peak RSS ${fmt(a.peakRssMb, 0)} MB over ${a.pages} pages (goal < 1536 MB over 1,000 pages)`);
}
console.log(`\n${goals.join('\n')}`);

await mkdir(path.join(ROOT, values.out), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const md = `# OCR bench ${stamp}\n\n${set.pages.length} pages, seed ${values.seed}\n\n${markdownTable(headers, rows)}\n\n${goals.map((g) => `- ${g}`).join('\n')}\n`;
await writeFile(path.join(ROOT, values.out, `ocr-${stamp}.md`), md);
await writeFile(
  path.join(ROOT, values.out, `ocr-${stamp}.json`),
  JSON.stringify(
    { pages: set.pages.map(({ text: _t, ...p }) => p), results: results.map(({ texts: _x, ...r }) => r) },
    null,
    1,
  ),
);
console.log(`\nreport: ${path.join(values.out, `ocr-${stamp}.md`)}`);
