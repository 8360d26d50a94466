// Box scan split: time and peak memory of the split step (src/ingest/box-scan.job.ts) on a generated box scan of N
// pages, against a small baseline in the same run. Memory must stay flat: pages are read, described and written one
// at a time, and only the current part's pages are held.
//
//   nice -n 10 npx tsx bench/box-split.ts [--pages 50,500] [--dpi 150] [--every 10]
//
// The box is an image-only PDF of grey JPEG pages (as scanners write boxes): a practice separator every `every`
// pages, a document-type separator and a blank page inside each practice, generated content pages in between (a few
// distinct pages reused, so generation stays quick). Each size runs in its own process (peak RSS = that process's
// high-water mark, VmHWM) on the real stores and Redis, without workers: the parts are enqueued, not OCR'd.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { SeparatorPayload } from '../src/scan/separator.payload.ts';
import { fmt, textTable } from './lib/table.ts';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '..');

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '50,500' },
    dpi: { type: 'string', default: '150' },
    every: { type: 'string', default: '10' },
    child: { type: 'string' },
  },
});

interface ChildResult {
  pages: number;
  parts: number;
  seconds: number;
  peakRssMb: number;
  startRssMb: number;
  /** JS heap and buffers still held when the split returns (what the split itself keeps). */
  heapMb: number;
  buffersMb: number;
  fileMb: number;
}

if (values.child) {
  console.log(JSON.stringify(await runChild(values.child)));
  process.exit(0);
} else {
  await main();
}

async function main(): Promise<void> {
  const sizes = values.pages.split(',').map(Number);
  const dpi = Number(values.dpi);
  const every = Number(values.every);
  const dir = path.join(ROOT, '.tmp', 'bench-box-split');
  await mkdir(dir, { recursive: true });
  const rows: ChildResult[] = [];
  for (const n of sizes) {
    const file = path.join(dir, `box-${n}-${dpi}.pdf`);
    const t0 = performance.now();
    await writeFile(file, await generateBox(n, dpi, every));
    process.stderr.write(`generated ${n} pages in ${fmt((performance.now() - t0) / 1000)} s\n`);
    rows.push(await child(file));
  }
  const base = rows[0]!;
  console.log(
    textTable(
      [
        'pages',
        'parts',
        'file MB',
        's',
        'pages/s',
        'RSS at start MB',
        'peak RSS MB',
        'peak vs baseline',
        'heap at end MB',
        'buffers at end MB',
      ],
      rows.map((r) => [
        r.pages,
        r.parts,
        fmt(r.fileMb),
        fmt(r.seconds),
        fmt(r.pages / r.seconds),
        fmt(r.startRssMb, 0),
        fmt(r.peakRssMb, 0),
        r === base
          ? 'baseline'
          : `${fmt(r.peakRssMb - base.peakRssMb, 0)} MB (${fmt(r.peakRssMb / base.peakRssMb, 2)}x)`,
        fmt(r.heapMb, 0),
        fmt(r.buffersMb, 0),
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'right'],
    ),
  );
  await rm(dir, { recursive: true, force: true });
}

function child(file: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', HERE, '--child', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

/** The split of one box scan in this process, on a throw-away world (temp data dir, own Redis prefix). */
async function runChild(file: string): Promise<ChildResult> {
  const { createWorld } = await import('../test/helpers/pipeline-world.ts');
  const { splitBoxScanJob } = await import('../src/ingest/box-scan.job.ts');
  const world = await createWorld({}, { workers: false });
  try {
    const { db, ingest, logger } = world.services;
    const batch = await db.createBatch({ label: 'bench', source: 'bench' });
    const item = await ingest.ingest(batch.id, path.basename(file), createReadStream(file), 0, {
      split: 'separators+blank',
    });
    await db.updateDocument(item.documentId!, { status: 'preparing' });
    const startRssMb = process.memoryUsage().rss / 2 ** 20;
    const t0 = performance.now();
    const res = await splitBoxScanJob(
      { ...world.services, log: logger, jobId: 'bench', attempt: 1 },
      { documentId: item.documentId!, batchId: batch.id },
      (await db.getDocument(item.documentId!))!,
    );
    const seconds = (performance.now() - t0) / 1000;
    const mem = process.memoryUsage();
    return {
      heapMb: mem.heapUsed / 2 ** 20,
      buffersMb: mem.arrayBuffers / 2 ** 20,
      pages: res.pageCount,
      parts: res.parts,
      seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      startRssMb,
      fileMb: (await stat(file)).size / 2 ** 20,
    };
  } finally {
    await world.close();
  }
}

/** An image-only PDF of `n` A4 pages at `dpi`, written page by page (each page its own JPEG object). */
async function generateBox(n: number, dpi: number, every: number): Promise<Buffer> {
  const { contentPage, blankPage, separatorPages } = await import('../test/scan/box-scan.ts');
  type Raster = { data: Uint8Array; width: number; height: number };
  const jpeg = (p: Raster) =>
    sharp(p.data, { raw: { width: p.width, height: p.height, channels: 1 } })
      .jpeg({ quality: 75 })
      .toBuffer();
  const contents = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(async (s) => jpeg(await contentPage(500 + s, dpi))));
  const blank = await jpeg(await blankPage(600, dpi, { specks: 60 }));
  const practices = Math.ceil(n / every);
  const payloads: SeparatorPayload[] = Array.from({ length: practices }, (_, i) => ({
    kind: 'practice',
    comune: 'Siena',
    pratica: `PE ${i + 1}/1987`,
  }));
  const seps = await Promise.all((await separatorPages(payloads, dpi, { skewDeg: 1, seed: 7 })).map((p) => jpeg(p)));
  const typeSep = await jpeg((await separatorPages([{ kind: 'document-type', tipo: 'elaborato_grafico' }], dpi))[0]!);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const w = 595.28;
  const h = 841.89;
  for (let i = 0; i < n; i++) {
    const k = i % every;
    const bytes =
      k === 0
        ? seps[Math.floor(i / every)]!
        : k === Math.floor(every / 2)
          ? typeSep
          : k === every - 2
            ? blank
            : contents[(i * 3 + k) % contents.length]!;
    const image = await doc.embedJpg(bytes);
    doc.addPage([w, h]).drawImage(image, { x: 0, y: 0, width: w, height: h });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
