// Generates the synthetic sample corpus (scans + ground truth), or rewrites the committed fixture set.
//   tsx scripts/make-samples.ts --seed 42 --out samples/ --practice 20 --protocol 20
//   tsx scripts/make-samples.ts --fixtures
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/core/logger.ts';
import type { GroundTruth } from '../src/domain/ground-truth.ts';
import { missingFonts } from '../src/samples/fonts.ts';
import { FIXTURE_DIR_RELATIVE, writeFixtures } from '../src/samples/fixtures.ts';
import { generateCorpus, SAMPLE_FORMATS, type RenderedDocument, type SampleFormat } from '../src/samples/generate.ts';

const USAGE = `Usage: tsx scripts/make-samples.ts [options]
  --seed N            seed (default 42); the same seed gives byte-identical files
  --out DIR           output folder (default samples/)
  --practice N        building-practice documents (default 20)
  --protocol N        incoming protocol letters (default 20)
  --formats LIST      comma-separated subset of ${SAMPLE_FORMATS.join(',')} (default all)
  --municipality NAME municipality of every document (default drawn from the seed)
  --concurrency N     documents rendered at once (default 2)
  --fixtures          rewrite the committed fixture set in ${FIXTURE_DIR_RELATIVE}/ (ignores the options above)
  --quiet             no per-document progress`;

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'samples' },
    practice: { type: 'string', default: '20' },
    protocol: { type: 'string', default: '20' },
    formats: { type: 'string' },
    municipality: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    fixtures: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function int(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${raw}"\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const formats = values.formats
  ?.split(',')
  .map((f) => f.trim().toLowerCase())
  .filter(Boolean)
  .map((f) => (f === 'tif' ? 'tiff' : f === 'jpg' ? 'jpeg' : f));
if (formats?.some((f) => !(SAMPLE_FORMATS as readonly string[]).includes(f))) {
  console.error(`--formats: unknown format in "${values.formats}"\n\n${USAGE}`);
  process.exit(2);
}

const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'make-samples');
const missing = missingFonts();
if (missing.length > 0) {
  console.warn(
    `Font mancanti: ${missing.join(', ')} — si userà DejaVu (apt-get install -y fonts-freefont-ttf fonts-liberation).`,
  );
}

const t0 = performance.now();
const kb = (bytes: number): string => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const onProgress = ({ done, total, doc }: { done: number; total: number; doc: RenderedDocument }): void => {
  if (values.quiet) return;
  const gt = doc.groundTruth;
  const what = gt.kind === 'practice' ? `${gt.documentType} ${gt.procedureType ?? ''}` : `${gt.documentType} ${gt.titolarioClass} → ${gt.office}`;
  const width = String(total).length;
  console.log(
    `[${String(done).padStart(width)}/${total}] ${gt.id}  ${what.padEnd(44)} ${gt.pages.length} p.  ` +
      `${`${gt.format}/${doc.spec.mode}`.padEnd(12)} ${kb(doc.data.length).padStart(7)}  ${(doc.renderMs / 1000).toFixed(1)} s`,
  );
};

let outDir: string;
let truths: GroundTruth[];
if (values.fixtures) {
  outDir = path.resolve(FIXTURE_DIR_RELATIVE);
  truths = await writeFixtures(outDir, { logger, onProgress });
} else {
  outDir = path.resolve(values.out);
  truths = await generateCorpus({
    seed: int('seed', values.seed, 0),
    outDir,
    practiceDocs: int('practice', values.practice, 0),
    protocolLetters: int('protocol', values.protocol, 0),
    formats: formats as SampleFormat[] | undefined,
    municipality: values.municipality,
    concurrency: int('concurrency', values.concurrency, 1),
    logger,
    onProgress,
  });
}

// summary
const seconds = (performance.now() - t0) / 1000;
const count = <K extends string>(key: (g: GroundTruth) => K): string => {
  const m = new Map<K, number>();
  for (const g of truths) m.set(key(g), (m.get(key(g)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
};
let bytes = 0;
for (const g of truths) bytes += (await stat(path.join(outDir, g.file))).size;
const pages = truths.reduce((n, g) => n + g.pages.length, 0);
console.log(`\n${truths.length} documenti, ${pages} pagine, ${kb(bytes)} in ${outDir}`);
console.log(`  formati:   ${count((g) => g.format)}`);
console.log(`  tipi:      ${count((g) => g.kind)}`);
console.log(`  documenti: ${count((g) => g.documentType)}`);
console.log(`  uffici:    ${count((g) => g.office)}`);
console.log(`  tempo:     ${seconds.toFixed(1)} s (${pages > 0 ? ((seconds / pages) * 1000).toFixed(0) : 0} ms/pagina)`);
