// Orientation bench: a corpus of generated pages (full A4 pages of prose and of the sample generator's documents with
// letterheads, stamps, holes and typewriter type; medium pages of 4–12 lines; short pages of 1–3 lines, some all
// capitals, one with a stamp), each turned 0/90/180/270, through the page clean-up planner of the working tree
// ("after") and of a git revision ("before", default HEAD), with the orientation probe off and with 'auto' (native
// tesseract OSD where installed). Prints a confusion table per page kind (rows: the correction the page needs,
// columns: the turn chosen), accuracy per true rotation, false turns of upright pages and time per page.
//   npx tsx bench/orientation.ts [--seed 1] [--docs 12] [--baseline HEAD] [--only before-none,before-auto,after-none,after-auto]
//                                [--out bench-results]
// The corpus is cached under .tmp/orientation-corpus-<seed>-<docs>/; the baseline's src/ under .tmp/orientation-base-<sha>/.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { markdownTable, textTable, type Cell } from '../src/cli/table.ts';
import { composeDocument, planCorpus, renderDocument } from '../src/samples/generate.ts';
import { Rng, hashSeed } from '../src/samples/random.ts';
import { ITALIAN_SAMPLE_TEXT, fontExists, renderTextPage } from '../test/helpers/render-text-page.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    docs: { type: 'string', default: '12' },
    short: { type: 'string', default: '48' },
    baseline: { type: 'string', default: 'HEAD' },
    only: { type: 'string', default: 'before-none,before-auto,after-none,after-auto' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const TURNS = [0, 90, 180, 270] as const;
type Turn = (typeof TURNS)[number];
type Kind = 'full' | 'medium' | 'short';

interface CorpusPage {
  name: string;
  kind: Kind;
  file: string;
  dpi: number;
}

// ---- corpus --------------------------------------------------------------------------------------------------

const SMALL_WORDS = ['pratica', 'edilizia', 'permesso', 'costruire', 'relazione', 'tecnica', 'sopralluogo'];
const MORE_WORDS = ['agibilità', 'variante', 'progetto'];
const paragraphs = ITALIAN_SAMPLE_TEXT.split('\n').filter(Boolean);

/** Short texts of one to three lines, as small scans, cover sheets and labels carry them. */
function shortTexts(): Array<{ name: string; text: string; font?: string; size?: number; widthMm?: number }> {
  const words = [...SMALL_WORDS, ...MORE_WORDS];
  const out: Array<{ name: string; text: string; font?: string; size?: number; widthMm?: number }> = [];
  // The template of test/helpers/small-scans.ts (the page that used to be turned upside down).
  for (const [i, id] of ['abc123', 'doc-0042', 'Z9', 'prova', 'f00d', 'rt-77'].entries()) {
    const n = i + 1;
    const line = Array.from({ length: 6 }, (_, k) => words[(n * 7 + k * 3) % words.length]).join(' ');
    const font = ['DejaVu Serif', 'DejaVu Sans', 'Liberation Serif', 'FreeMono', 'Liberation Sans', 'DejaVu Serif'][i];
    out.push({ name: `small-${id}`, text: `Documento ${id} pagina ${n}\n${line}`, font });
  }
  out.push({ name: 'tiny', text: 'Documento 4711 pagina 1\npratica edilizia permesso di costruire' });
  out.push({ name: 'one-comune', text: 'Comune di Modena', size: 16 });
  out.push({ name: 'one-protocollo', text: 'Protocollo n. 4711 del 12/03/2021', font: 'Liberation Sans' });
  out.push({ name: 'one-allegato', text: 'Allegato B - planimetria del piano terra', font: 'DejaVu Sans' });
  out.push({ name: 'one-ricevuta', text: 'Ricevuta del versamento dei diritti di segreteria', font: 'FreeMono' });
  out.push({
    name: 'address',
    text: 'Spett.le Comune di Castelfranco Emilia\nUfficio Tecnico - Edilizia Privata\nvia Garibaldi 14, 41013 Castelfranco Emilia (MO)',
    font: 'Liberation Serif',
  });
  out.push({ name: 'caps', text: 'COMUNE DI MODENA\nSETTORE EDILIZIA PRIVATA', font: 'DejaVu Sans', size: 14 });
  out.push({ name: 'oggetto', text: paragraphs[1]!.slice(0, 160), font: 'DejaVu Serif', size: 11, widthMm: 180 });
  out.push({ name: 'saluti', text: paragraphs[4]!, font: 'Liberation Serif', size: 12, widthMm: 180 });
  return out;
}

/** A round rubber stamp (ring, text along it, a number in the middle) as an SVG at 300 dpi. */
function stampSvg(sizePx: number): string {
  const r = sizePx / 2 - 6;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${sizePx}" height="${sizePx}">` +
    `<defs><path id="ring" d="M ${sizePx / 2 - r + 28},${sizePx / 2} a ${r - 28},${r - 28} 0 1,1 0,0.1"/></defs>` +
    `<g transform="rotate(-12 ${sizePx / 2} ${sizePx / 2})" fill="none" stroke="#556" stroke-width="7">` +
    `<circle cx="${sizePx / 2}" cy="${sizePx / 2}" r="${r}"/><circle cx="${sizePx / 2}" cy="${sizePx / 2}" r="${r - 50}"/>` +
    `<text font-family="DejaVu Sans" font-size="34" fill="#556" stroke="none"><textPath href="#ring">` +
    `COMUNE DI CASTELFRANCO EMILIA * PROTOCOLLO *</textPath></text>` +
    `<text x="${sizePx / 2}" y="${sizePx / 2 + 16}" text-anchor="middle" font-family="DejaVu Sans" font-size="46" ` +
    `fill="#556" stroke="none">4711</text></g></svg>`
  );
}

async function buildCorpus(
  seed: number,
  docs: number,
  shortDrawn: number,
): Promise<{ dir: string; pages: CorpusPage[] }> {
  const dir = path.join(ROOT, '.tmp', `orientation-corpus-${seed}-${docs}-${shortDrawn}`);
  const list = path.join(dir, 'pages.json');
  if (existsSync(list)) return { dir, pages: JSON.parse(await readFile(list, 'utf8')) as CorpusPage[] };
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const pages: CorpusPage[] = [];
  const add = async (name: string, kind: Kind, png: Buffer, dpi = 300) => {
    const file = `${String(pages.length + 1).padStart(3, '0')}-${name}.png`;
    await writeFile(path.join(partial, file), png);
    pages.push({ name, kind, file, dpi });
    process.stderr.write(`\rcorpus: ${pages.length} pages`);
  };

  // Full A4 pages of prose: fonts, sizes, skews, noise.
  const fonts = ['DejaVu Serif', 'DejaVu Sans', 'Liberation Serif', 'Liberation Sans', 'FreeMono'].filter(fontExists);
  for (const [i, fontFamily] of fonts.entries()) {
    for (const fontSizePt of [10, 12]) {
      const skewDeg = [0, 1.5, -2, 0.7, -0.4][(i + fontSizePt) % 5]!;
      const page = await renderTextPage({
        text: ITALIAN_SAMPLE_TEXT,
        fontFamily,
        fontSizePt,
        lineSpacing: fontSizePt === 10 ? 1.2 : 1.5,
        skewDeg,
        noise: 0.002,
        seed: i * 31 + fontSizePt,
      });
      await add(`prose-${fontFamily.replaceAll(' ', '')}-${fontSizePt}pt`, 'full', page.image);
    }
  }
  // Full pages of the sample generator (letterheads, tables, stamps, signatures, holes, shadows; grey and bilevel),
  // with the documents the orientation test already knows as hard.
  const specs = [
    ...planCorpus({
      seed,
      practiceDocs: Math.ceil(docs * 0.6),
      protocolLetters: Math.floor(docs * 0.4),
      formats: ['png'],
    }),
    ...planCorpus({ seed: 7, practiceDocs: 8, protocolLetters: 2, formats: ['png'] }).filter((s) =>
      ['pe-0006', 'pr-0001'].includes(s.id),
    ),
    ...planCorpus({ seed: 11, practiceDocs: 8, protocolLetters: 2, formats: ['png'] }).filter(
      (s) => s.id === 'pe-0004',
    ),
  ];
  for (const spec of specs) {
    const doc = await renderDocument({ ...spec, pages: 1 });
    await add(`doc-${spec.seed}-${spec.id}-${doc.spec.mode}`, 'full', doc.data);
  }
  // Medium pages: a few paragraphs on a smaller sheet.
  for (const [i, [from, to]] of [
    [0, 3],
    [2, 3],
    [0, 5],
    [4, 5],
  ].entries()) {
    const text = ITALIAN_SAMPLE_TEXT.split('\n').slice(from, to).join('\n');
    const page = await renderTextPage({
      text,
      widthMm: 150,
      fitHeight: true,
      marginMm: 10,
      noise: 0.002,
      fontFamily: fonts[i % fonts.length],
      skewDeg: [0, 1, -1.2, 0.5][i],
    });
    await add(`medium-${i}`, 'medium', page.image);
  }
  // Short pages: one to three lines.
  for (const [i, t] of shortTexts().entries()) {
    const opts = {
      text: t.text,
      widthMm: t.widthMm ?? 110,
      heightMm: 35,
      marginMm: 8,
      fontSizePt: t.size ?? 12,
      fontFamily: t.font && fontExists(t.font) ? t.font : 'DejaVu Serif',
      skewDeg: [0, 0, 0.8, -0.6][i % 4],
    };
    // The small-scan size (110 × 35 mm) when the text fits in it, else the text's own height.
    const page = await renderTextPage(opts).catch(() => renderTextPage({ ...opts, fitHeight: true }));
    await add(`short-${t.name}`, 'short', page.image);
  }
  // Short pages cut from the sample generator's documents: one to three consecutive lines (headings in capitals,
  // protocol numbers, dates, prose), in a font and size drawn from the seed.
  const rng = new Rng(hashSeed(seed, 'orientation-short'));
  const lines = planCorpus({ seed: seed + 100, practiceDocs: 8, protocolLetters: 4, formats: ['png'] }).flatMap(
    (spec) =>
      composeDocument(spec)
        .groundTruth.pages[0]!.text.split('\n')
        .filter((l) => l.trim().length >= 6),
  );
  for (let i = 0; i < shortDrawn; i++) {
    const n = rng.int(1, 3);
    const from = rng.int(0, lines.length - n);
    const text = lines.slice(from, from + n).join('\n');
    const fontFamily = rng.pick(fonts);
    const page = await renderTextPage({
      text,
      widthMm: 190,
      fitHeight: true,
      marginMm: rng.int(6, 15),
      fontSizePt: rng.pick([10, 11, 12, 14]),
      fontFamily,
      skewDeg: Math.round(rng.float(-1.5, 1.5) * 10) / 10,
      noise: rng.chance(0.5) ? 0.002 : 0,
      seed: i,
    });
    await add(`short-drawn-${i}`, 'short', page.image);
  }
  // A short page with a stamp beside its two lines.
  const tiny = await renderTextPage({
    text: 'Documento 4711 pagina 1\npratica edilizia permesso di costruire',
    widthMm: 150,
    heightMm: 45,
    marginMm: 8,
  });
  const stamped = await sharp(tiny.image)
    .composite([{ input: Buffer.from(stampSvg(420)), left: tiny.widthPx - 460, top: 40 }])
    .png()
    .toBuffer();
  await add('short-stamped', 'short', stamped);
  process.stderr.write('\n');
  await writeFile(path.join(partial, 'pages.json'), JSON.stringify(pages, null, 1));
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return { dir, pages };
}

// ---- planners ------------------------------------------------------------------------------------------------

type Grey = { data: Buffer; width: number; height: number };
interface PlanResult {
  turn: number;
  record: { orientation: { method: string; confidence: number; probe?: { name: string } } };
  ms: number;
}
interface Planner {
  planCleanup(grey: Grey, dpi: number, opts: Record<string, unknown>, median: number): Promise<PlanResult>;
  orientationProbeFor(kind: string): Promise<{ name: string; close?(): Promise<void> } | undefined>;
}

/** The planner of a git revision: its src/ tree extracted (git archive, read-only) under .tmp/. */
async function baselinePlanner(ref: string): Promise<{ planner: Planner; sha: string }> {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(ROOT, '.tmp', `orientation-base-${sha}`);
  if (!existsSync(path.join(dir, 'src', 'ocr', 'cleanup.ts'))) {
    await mkdir(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} src | tar -x -C '${dir}'`], { cwd: ROOT });
  }
  const cleanup = (await import(path.join(dir, 'src', 'ocr', 'cleanup.ts'))) as Planner;
  const orientation = (await import(path.join(dir, 'src', 'ocr', 'orientation.ts'))) as Planner;
  return { planner: { planCleanup: cleanup.planCleanup, orientationProbeFor: orientation.orientationProbeFor }, sha };
}

async function currentPlanner(): Promise<Planner> {
  const cleanup = (await import('../src/ocr/cleanup.ts')) as unknown as Planner;
  const orientation = (await import('../src/ocr/orientation.ts')) as unknown as Planner;
  return { planCleanup: cleanup.planCleanup, orientationProbeFor: orientation.orientationProbeFor };
}

// ---- run -----------------------------------------------------------------------------------------------------

interface Outcome {
  page: string;
  kind: Kind;
  turned: Turn;
  want: Turn;
  got: number;
  method: string;
  confidence: number;
  probed: boolean;
  ms: number;
}

const correction = (turn: Turn): Turn => ((360 - turn) % 360) as Turn;

async function run(planner: Planner, probeKind: 'none' | 'auto', pages: CorpusPage[], dir: string) {
  const probe = await planner.orientationProbeFor(probeKind);
  const outcomes: Outcome[] = [];
  try {
    for (const p of pages) {
      const png = await readFile(path.join(dir, p.file));
      for (const turned of TURNS) {
        const g = await sharp(png)
          .rotate(turned)
          .greyscale()
          .toColourspace('b-w')
          .raw()
          .toBuffer({ resolveWithObject: true });
        const grey = { data: g.data, width: g.info.width, height: g.info.height };
        // The "before" planner needs orientation asked for; "after" has it on by default, asked the same way here.
        const plan = await planner.planCleanup(grey, p.dpi, { orientation: true, orientationProbe: probe }, 3);
        outcomes.push({
          page: p.name,
          kind: p.kind,
          turned,
          want: correction(turned),
          got: plan.turn,
          method: plan.record.orientation.method,
          confidence: plan.record.orientation.confidence,
          probed: plan.record.orientation.probe !== undefined,
          ms: plan.ms,
        });
      }
    }
  } finally {
    await probe?.close?.();
  }
  return { probe: probe?.name ?? 'none', outcomes };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
}

/** Confusion rows for one kind of page: the correction needed vs the turn chosen, accuracy and time. */
function confusion(outcomes: Outcome[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const want of TURNS) {
    const os = outcomes.filter((o) => o.want === want);
    if (os.length === 0) continue;
    const count = (got: number) => os.filter((o) => o.got === got).length;
    const right = count(want);
    rows.push([
      `needs ${want}`,
      ...TURNS.map((t) => count(t)),
      `${((100 * right) / os.length).toFixed(0)}%`,
      os.filter((o) => o.got !== want && o.got === 0).length, // left as it was
      os.filter((o) => o.got !== want && o.got !== 0).length, // turned the wrong way
    ]);
  }
  return rows;
}

const HEAD = ['true rotation', '→0', '→90', '→180', '→270', 'accuracy', 'left as is', 'wrong turn'];

async function main() {
  const seed = Number(values.seed);
  const docs = Number(values.docs);
  const only = new Set(values.only.split(','));
  const { dir, pages } = await buildCorpus(seed, docs, Number(values.short));
  const counts = (['full', 'medium', 'short'] as const).map((k) => `${pages.filter((p) => p.kind === k).length} ${k}`);
  console.log(`corpus: ${pages.length} pages (${counts.join(', ')}) × 4 turns, ${dir}`);

  const configs: Array<{ name: string; planner: () => Promise<Planner>; probe: 'none' | 'auto' }> = [];
  let baseSha = '';
  const base = async () => {
    const b = await baselinePlanner(values.baseline);
    baseSha = b.sha;
    return b.planner;
  };
  if (only.has('before-none')) configs.push({ name: 'before-none', planner: base, probe: 'none' });
  if (only.has('before-auto')) configs.push({ name: 'before-auto', planner: base, probe: 'auto' });
  if (only.has('after-none')) configs.push({ name: 'after-none', planner: currentPlanner, probe: 'none' });
  if (only.has('after-auto')) configs.push({ name: 'after-auto', planner: currentPlanner, probe: 'auto' });

  const report: string[] = [`# Orientation bench, seed ${seed}, ${pages.length} pages × 4 turns`, ''];
  const all: Record<string, Outcome[]> = {};
  const summary: Cell[][] = [];
  for (const c of configs) {
    const planner = await c.planner();
    const started = performance.now();
    const { probe, outcomes } = await run(planner, c.probe, pages, dir);
    const wall = (performance.now() - started) / 1000;
    all[c.name] = outcomes;
    const label = `${c.name.startsWith('before') ? `before (${baseSha})` : 'after (working tree)'}, probe ${probe}`;
    console.log(`\n=== ${label}: ${wall.toFixed(1)} s`);
    report.push(`## ${label}`, '');
    for (const kind of ['full', 'medium', 'short'] as const) {
      const os = outcomes.filter((o) => o.kind === kind);
      const rows = confusion(os);
      const ms = os.map((o) => o.ms);
      const timing = `median ${quantile(ms, 0.5)} ms, p95 ${quantile(ms, 0.95)} ms, max ${Math.max(...ms)} ms per page`;
      console.log(`\n${kind} pages (${os.length / 4}): ${timing}, probe asked on ${os.filter((o) => o.probed).length}`);
      console.log(textTable(HEAD, rows));
      report.push(`### ${kind} pages (${os.length / 4}): ${timing}`, '', markdownTable(HEAD, rows), '');
    }
    const wrong = outcomes.filter((o) => o.got !== o.want);
    const falseTurns = outcomes.filter((o) => o.want === 0 && o.got !== 0);
    for (const o of wrong) {
      console.log(`  miss: ${o.page} turned ${o.turned} → ${o.got} (${o.method}, confidence ${o.confidence})`);
    }
    const acc = (k: Kind) => {
      const os = outcomes.filter((o) => o.kind === k);
      return `${((100 * os.filter((o) => o.got === o.want).length) / os.length).toFixed(1)}%`;
    };
    const ms = outcomes.map((o) => o.ms);
    summary.push([
      label,
      acc('full'),
      acc('medium'),
      acc('short'),
      falseTurns.length,
      outcomes.filter((o) => o.want !== 0 && o.got !== 0 && o.got !== o.want).length,
      quantile(ms, 0.5),
      (ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(0),
      quantile(ms, 0.95),
    ]);
  }
  const SUM = [
    'planner',
    'full',
    'medium',
    'short',
    'false turns of upright',
    'wrong turns',
    'median ms',
    'mean ms',
    'p95 ms',
  ];
  console.log(`\n${textTable(SUM, summary)}`);
  report.splice(2, 0, markdownTable(SUM, summary), '');
  const out = path.resolve(ROOT, values.out);
  await mkdir(out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await writeFile(path.join(out, `orientation-${stamp}.md`), `${report.join('\n')}\n`);
  await writeFile(path.join(out, `orientation-${stamp}.json`), JSON.stringify(all, null, 1));
  console.log(`\nwrote ${path.join(out, `orientation-${stamp}.md`)}`);
}

await main();
