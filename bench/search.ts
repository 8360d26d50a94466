// Search bench: build rate, size on disk and query latency of the SQLite search index at archive scale, side by side
// with a plain FTS5 table (no stemming, typo tolerance, filters, facets or snippets) as the baseline.
//
//   npx tsx bench/search.ts [--pages 1000000] [--seed 1] [--per-kind 40] [--concurrency 1,8] [--dir .tmp/...]
//                           [--reuse] [--keep] [--no-baseline] [--max-candidates N] [--out bench-results/]
//
// --keep keeps the built index under --dir; --reuse measures an index kept by an earlier run (same --pages/--seed);
// --max-candidates 0 turns query planning off (every match ranked and counted); --index-module <file> measures
// another build of the engine (a module exporting createSqliteSearchIndex, e.g. the version before planning).
//
// Pages: a synthetic text model built from the sample generator. ~400 composed documents (ground-truth text of
// real templates: requests, reports, permits, letters) are the page templates; every synthetic page takes one and
// replaces its numbers, applicant, street and a few letters (OCR-like noise, which also gives the vocabulary its long
// tail of rare words). Metadata (year, practice, procedure, type, protocol, address, cadastral) is drawn per
// document (1–3 pages). Generation costs a few µs per page.
//
// Queries: a fixed mix drawn from the vocabulary of the first 20,000 pages by document frequency — rare word,
// medium word, common word (≥ 30 % of pages), phrase of common words, typo (a medium word with two letters
// swapped), common word + year range + procedure filter, and a practice number typed as in the search box
// (query understanding). Each query runs against our index (search() with facets, total and snippets, limit 20)
// and against the baseline (MATCH … ORDER BY rank LIMIT 20). Concurrency N = N worker threads, each with its own
// read-only connections, each running its share of the mix; latency is measured per query inside the worker.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { foldAccents, isStopWord } from '../src/index/italian-text.ts';
import { understandQuery } from '../src/index/query-understanding.ts';
import type { PageEntry, SearchFilters } from '../src/index/search-index.ts';
import { createSqliteSearchIndex } from '../src/index/sqlite.search-index.ts';
import { FEMALE_NAMES, MALE_NAMES, STREETS, SURNAMES } from '../src/samples/content.data.ts';
import { composeDocument, planCorpus } from '../src/samples/generate.ts';
import { fmt, markdownTable, MB, textTable } from './lib/table.ts';

interface BenchQuery {
  kind: string;
  q: string; // what the user types (our index)
  base: string; // FTS5 expression for the baseline
  filters?: SearchFilters;
}

interface WorkerInput {
  dbPath: string;
  basePath: string | null;
  maxCandidates: number | undefined;
  /** Another build of the engine to measure (e.g. an older version), exporting createSqliteSearchIndex. */
  indexModule: string | undefined;
  queries: BenchQuery[];
}
interface WorkerOutput {
  ours: { kind: string; ms: number; total: number; approximate: boolean }[];
  base: { kind: string; ms: number }[];
}

// ───────────────────────────────────────────────────────────────────────────── worker thread: run queries

async function workerMain(): Promise<void> {
  const input = workerData as WorkerInput;
  const create = input.indexModule
    ? ((await import(path.resolve(input.indexModule))) as { createSqliteSearchIndex: typeof createSqliteSearchIndex }).createSqliteSearchIndex
    : createSqliteSearchIndex;
  const index = create({ path: input.dbPath, readonly: true, maxCandidates: input.maxCandidates });
  const base = input.basePath ? new Database(input.basePath, { readonly: true }) : null;
  const baseStmt = base?.prepare('SELECT rowid, rank FROM base WHERE base MATCH ? ORDER BY rank LIMIT 20');
  const out: WorkerOutput = { ours: [], base: [] };
  const runOne = async (bq: BenchQuery, record: boolean): Promise<void> => {
    const t0 = performance.now();
    const u = understandQuery(bq.q);
    const r = await index.search({ q: u.text, filters: { ...u.filters, ...bq.filters }, limit: 20 });
    if (record) out.ours.push({ kind: bq.kind, ms: performance.now() - t0, total: r.total, approximate: r.approximate === true });
    if (baseStmt) {
      const t1 = performance.now();
      try {
        baseStmt.all(bq.base);
      } catch {
        /* a baseline expression FTS5 rejects counts as an instant miss */
      }
      if (record) out.base.push({ kind: bq.kind, ms: performance.now() - t1 });
    }
  };
  // Warm up (JIT, statement caches) with a different query of every kind, then wait until every worker is ready, so
  // that no worker's start-up (tsx compiling modules) competes with another's measured queries.
  const warm = new Map<string, BenchQuery>();
  for (const bq of [...input.queries].reverse()) warm.set(bq.kind, bq);
  for (const bq of warm.values()) await runOne(bq, false);
  await new Promise<void>((resolve) => {
    parentPort!.once('message', () => resolve());
    parentPort!.postMessage('ready');
  });
  for (const bq of input.queries) await runOne(bq, true);
  await index.close();
  base?.close();
  parentPort!.postMessage(out);
}

// ───────────────────────────────────────────────────────────────────────────── main thread

function args(): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const k = a[i]!.replace(/^--/, '');
    if (a[i + 1] !== undefined && !a[i + 1]!.startsWith('--')) out[k] = a[++i]!;
    else out[k] = true;
  }
  return out;
}

/** xorshift32: fast enough to draw several numbers per page for a million pages. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const PROCEDURES = ['licenza edilizia', 'concessione edilizia', 'permesso di costruire', 'dia', 'scia', 'cila', 'condono', 'agibilita', 'autorizzazione paesaggistica'];
const PREFIX: Record<string, string> = {
  'licenza edilizia': 'LE', 'concessione edilizia': 'CE', 'permesso di costruire': 'PDC', dia: 'DIA', scia: 'SCIA',
  cila: 'CILA', condono: 'COND', agibilita: 'AGI', 'autorizzazione paesaggistica': 'AP',
};
const DOC_TYPES = ['domanda', 'relazione tecnica', 'titolo rilasciato', 'comunicazione', 'corrispondenza', 'certificato agibilita', 'elaborato grafico', 'parere'];
const TITOLARIO = ['VI.1', 'VI.2', 'VI.3', 'VI.4', 'VI.5', 'X.4'];

interface Template {
  text: string;
  applicant?: string;
  street?: string;
}

function templates(seed: number): Template[] {
  const specs = planCorpus({ seed, practiceDocs: 320, protocolLetters: 80 });
  const out: Template[] = [];
  for (const s of specs) {
    const gt = composeDocument(s).groundTruth;
    for (const p of gt.pages) out.push({ text: p.text, applicant: gt.applicant, street: gt.address?.street });
  }
  return out;
}

class PageModel {
  private readonly r: () => number;
  private readonly names = [...MALE_NAMES, ...FEMALE_NAMES];
  constructor(
    private readonly tpl: Template[],
    seed: number,
  ) {
    this.r = rng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  page(): string {
    const t = this.pick(this.tpl);
    let text = t.text.replace(/\d+/g, (d) => String(this.int(d.length > 1 ? 10 ** (d.length - 1) : 0, 10 ** d.length - 1)));
    if (t.applicant) text = text.split(t.applicant).join(`${this.pick(this.names)} ${this.pick(SURNAMES)}`);
    if (t.street) text = text.split(t.street).join(this.pick(STREETS));
    // OCR-like noise: a few letters replaced (the long tail of rare words an archive's vocabulary has).
    const chars = text.split('');
    for (let k = this.int(2, 8); k > 0; k--) {
      const i = this.int(0, chars.length - 1);
      if (/[a-z]/.test(chars[i]!)) chars[i] = String.fromCharCode(97 + this.int(0, 25));
    }
    return chars.join('');
  }
  document(id: string, pages: number): PageEntry[] {
    const proc = this.pick(PROCEDURES);
    const year = this.int(1950, 2025);
    const practice = `${this.r() < 0.3 ? 'PE' : PREFIX[proc]} ${this.int(1, 1500)}/${year}`;
    const documentType = this.pick(DOC_TYPES);
    const meta = {
      title: `${documentType} — ${practice}`,
      filename: `${id}.pdf`,
      year,
      practice,
      procedureType: proc,
      documentType,
      titolarioClass: this.pick(TITOLARIO),
      protocol: `${this.int(1, 20000)}/${year}`,
      address: `${this.pick(STREETS)} ${this.int(1, 200)}`,
      cadastral: `F${this.int(1, 60)} M${this.int(1, 2000)}${this.r() < 0.4 ? ` S${this.int(1, 30)}` : ''}`,
      comune: 'C000',
    };
    return Array.from({ length: pages }, (_, i) => ({ documentId: id, page: i + 1, text: this.page(), ...meta }));
  }
}

function dirSize(dir: string, prefix: string): number {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Worker threads do not inherit tsx's loader: register it, then load this file. */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}); })
  .catch((err) => { console.error(err); process.exit(1); });`;

async function runWorkers(conc: number, input: Omit<WorkerInput, 'queries'>, queries: BenchQuery[]): Promise<{ out: WorkerOutput; wallMs: number }> {
  const shares: BenchQuery[][] = Array.from({ length: conc }, () => []);
  // Interleave kinds so every worker runs the whole mix.
  queries.forEach((q, i) => shares[i % conc]!.push(q));
  const workers = shares.map((share) => new Worker(WORKER_BOOT, { eval: true, workerData: { ...input, queries: share } satisfies WorkerInput }));
  const message = (w: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await Promise.all(workers.map(message));
  const done = workers.map(message) as Promise<WorkerOutput>[];
  const t0 = performance.now();
  for (const w of workers) w.postMessage('go');
  const results = await Promise.all(done);
  const wallMs = performance.now() - t0;
  return { out: { ours: results.flatMap((r) => r.ours), base: results.flatMap((r) => r.base) }, wallMs };
}

async function main(): Promise<void> {
  const a = args();
  const pages = Number(a.pages ?? 1_000_000);
  const seed = Number(a.seed ?? 1);
  const perKind = Number(a['per-kind'] ?? 40);
  const concurrencies = String(a.concurrency ?? '1,8').split(',').map(Number);
  const dir = String(a.dir ?? path.join('.tmp', `bench-search-${seed}-${pages}`));
  const outDir = String(a.out ?? 'bench-results');
  const withBaseline = a['no-baseline'] !== true;
  /** Query planning cap (SqliteSearchIndexOptions.maxCandidates); 0 = always exact, as before planning. */
  const maxCandidates = a['max-candidates'] === undefined ? undefined : Number(a['max-candidates']);
  const indexModule = typeof a['index-module'] === 'string' ? a['index-module'] : undefined;
  const dbPath = path.join(dir, 'search.sqlite');
  const basePath = path.join(dir, 'baseline.sqlite');
  const reuse = a.reuse === true && existsSync(dbPath);
  mkdirSync(dir, { recursive: true });
  mkdirSync(outDir, { recursive: true });

  const tTpl = performance.now();
  const tpl = templates(seed);
  console.log(`text model: ${tpl.length} template pages in ${((performance.now() - tTpl) / 1000).toFixed(1)} s`);

  // Vocabulary statistics (document frequency of folded words) over the first 20,000 pages: the query mix.
  const SAMPLE = Math.min(pages, 20_000);
  const df = new Map<string, number>();
  const bigrams = new Map<string, number>();
  const sampleModel = new PageModel(tpl, seed);
  for (let i = 0; i < SAMPLE; i++) {
    const words = (sampleModel.page().match(/\p{L}+/gu) ?? []).map(foldAccents);
    const seen = new Set<string>();
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      if (!seen.has(w)) {
        seen.add(w);
        df.set(w, (df.get(w) ?? 0) + 1);
      }
      const n = words[k + 1];
      if (k % 7 === 0 && n !== undefined && !isStopWord(w) && !isStopWord(n) && w.length > 3 && n.length > 3) {
        const b = `${w} ${n}`;
        bigrams.set(b, (bigrams.get(b) ?? 0) + 1);
      }
    }
  }

  let buildStats: { seconds: number; optimizeSeconds: number; baseSeconds: number } = { seconds: NaN, optimizeSeconds: NaN, baseSeconds: NaN };
  if (!reuse) {
    for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { force: true });
    // Build ours.
    const index = createSqliteSearchIndex({ path: dbPath });
    const model = new PageModel(tpl, seed);
    const base = withBaseline ? new Database(basePath) : null;
    base?.pragma('journal_mode = WAL');
    base?.pragma('synchronous = NORMAL');
    base?.exec(`CREATE VIRTUAL TABLE base USING fts5 (body, tokenize = "unicode61 remove_diacritics 2")`);
    const baseInsert = base?.prepare('INSERT INTO base (rowid, body) VALUES (?, ?)');
    const baseBatch: [number, string][] = [];
    let baseMs = 0;
    const flushBase = (): void => {
      if (!base || baseBatch.length === 0) return;
      const t = performance.now();
      base.transaction(() => {
        for (const [id, body] of baseBatch) baseInsert!.run(id, body);
      })();
      baseMs += performance.now() - t;
      baseBatch.length = 0;
    };
    let ourMs = 0;
    let done = 0;
    let doc = 0;
    let lastLog = performance.now();
    // Bulk load: documents in batches of ~2,000 pages per transaction (upsertDocuments).
    const batch: { documentId: string; pages: PageEntry[] }[] = [];
    let batchPages = 0;
    const flushOurs = async (): Promise<void> => {
      const t = performance.now();
      await index.upsertDocuments(batch);
      ourMs += performance.now() - t;
      batch.length = 0;
      batchPages = 0;
    };
    while (done < pages) {
      const n = Math.min(pages - done, model.int(1, 3));
      const entries = model.document(`d${++doc}`, n);
      batch.push({ documentId: `d${doc}`, pages: entries });
      batchPages += n;
      if (batchPages >= 2000) await flushOurs();
      for (const e of entries) baseBatch.push([done + e.page, e.text]);
      if (baseBatch.length >= 5000) flushBase();
      done += n;
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        console.log(`  built ${done.toLocaleString()} pages, ours ${Math.round(done / (ourMs / 1000))} pages/s`);
      }
    }
    await flushOurs();
    flushBase();
    const tOpt = performance.now();
    index.optimize();
    index.db.pragma('wal_checkpoint(TRUNCATE)');
    const optimizeMs = performance.now() - tOpt;
    await index.close();
    if (base) {
      const t = performance.now();
      base.exec(`INSERT INTO base (base) VALUES ('optimize')`);
      base.pragma('wal_checkpoint(TRUNCATE)');
      baseMs += performance.now() - t;
      base.close();
    }
    buildStats = { seconds: ourMs / 1000, optimizeSeconds: optimizeMs / 1000, baseSeconds: baseMs / 1000 };
  }
  const size = dirSize(dir, 'search.sqlite');
  const baseSize = withBaseline ? dirSize(dir, 'baseline.sqlite') : NaN;

  // The query mix. Practice numbers that exist: replay the first documents of the build (same seed, same draws).
  const replay = new PageModel(tpl, seed);
  const indexedPractices: string[] = [];
  for (let done = 0, doc = 0; done < Math.min(pages, 20_000); ) {
    const n = Math.min(pages - done, replay.int(1, 3));
    indexedPractices.push(replay.document(`d${++doc}`, n)[0]!.practice!);
    done += n;
  }
  const r = rng(seed * 7919 + 1);
  const pickN = <T>(xs: T[], n: number): T[] => Array.from({ length: n }, () => xs[Math.floor(r() * xs.length)]!).filter((x) => x !== undefined);
  // Real words only (those of the templates), not OCR noise nobody searches for.
  const real = new Set(tpl.flatMap((t) => (t.text.match(/\p{L}+/gu) ?? []).map(foldAccents)));
  const words = [...df].filter(([w]) => /^[a-z]{5,}$/.test(w) && !isStopWord(w) && real.has(w));
  const frac = (c: number) => c / SAMPLE;
  const rare = words.filter(([, c]) => frac(c) <= 2e-3).map(([w]) => w);
  const medium = words.filter(([, c]) => frac(c) >= 0.01 && frac(c) <= 0.1).map(([w]) => w);
  const common = words.filter(([, c]) => frac(c) >= 0.3).map(([w]) => w);
  const phrases = [...bigrams].filter(([, c]) => frac(c) >= 0.02).map(([b]) => b);
  const swap = (w: string): string => {
    const i = 2 + Math.floor(r() * (w.length - 4));
    return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  };
  const queries: BenchQuery[] = [
    ...pickN(rare, perKind).map((w) => ({ kind: 'rare word', q: w, base: `"${w}"` })),
    ...pickN(medium, perKind).map((w) => ({ kind: 'medium word', q: w, base: `"${w}"` })),
    ...pickN(common, perKind).map((w) => ({ kind: 'common word', q: w, base: `"${w}"` })),
    ...pickN(phrases, perKind).map((p) => ({ kind: 'phrase', q: `"${p}"`, base: `"${p}"` })),
    ...pickN(medium.filter((w) => w.length >= 7), perKind)
      .map(swap)
      .filter((w) => !df.has(w))
      .map((w) => ({ kind: 'typo', q: w, base: `"${w}"` })),
    ...pickN(common, perKind).map((w) => {
      const from = 1950 + Math.floor(r() * 65);
      return {
        kind: 'common + filter',
        q: w,
        base: `"${w}"`,
        filters: { yearFrom: from, yearTo: from + 10, procedureType: PROCEDURES[Math.floor(r() * PROCEDURES.length)]! },
      };
    }),
    ...pickN(indexedPractices, perKind).map((key) => ({ kind: 'practice no.', q: key, base: `"${key.split(' ')[1]!.replace('/', ' ')}"` })),
  ];
  const kinds = [...new Set(queries.map((q) => q.kind))];
  console.log(
    `query mix: ${queries.length} queries (${kinds.map((k) => `${k} ${queries.filter((q) => q.kind === k).length}`).join(', ')}); ` +
      `vocabulary sample: rare ${rare.length}, medium ${medium.length}, common ${common.length}, phrases ${phrases.length}`,
  );

  const runs: { conc: number; out: WorkerOutput; wallMs: number }[] = [];
  for (const conc of concurrencies) {
    const { out, wallMs } = await runWorkers(conc, { dbPath, basePath: withBaseline ? basePath : null, maxCandidates, indexModule }, queries);
    runs.push({ conc, out, wallMs });
  }

  // Report.
  const headers = ['kind', 'conc', 'p50 ms', 'p95 ms', 'p99 ms', 'base p50', 'base p95', 'base p99', 'p95 ratio', 'avg total', 'approx'];
  const rows: (string | number)[][] = [];
  for (const { conc, out } of runs) {
    for (const k of kinds) {
      const ours = out.ours.filter((x) => x.kind === k);
      const ms = ours.map((x) => x.ms);
      const bms = out.base.filter((x) => x.kind === k).map((x) => x.ms);
      rows.push([
        k,
        conc,
        fmt(pct(ms, 50), 2),
        fmt(pct(ms, 95), 2),
        fmt(pct(ms, 99), 2),
        fmt(pct(bms, 50), 2),
        fmt(pct(bms, 95), 2),
        fmt(pct(bms, 99), 2),
        bms.length ? `${fmt(pct(ms, 95) / pct(bms, 95), 1)}×` : '—',
        Math.round(ours.reduce((s, x) => s + x.total, 0) / Math.max(1, ours.length)),
        `${ours.filter((x) => x.approximate).length}/${ours.length}`,
      ]);
    }
  }
  const cores = (await import('node:os')).cpus().length;
  const summary = [
    `pages ${pages.toLocaleString()}, seed ${seed}, engine ${indexModule ?? 'src/index/sqlite.search-index.ts'}, maxCandidates ${maxCandidates ?? 'default (5000)'}, ${cores} CPU cores, SQLite ${(new Database(':memory:').prepare('SELECT sqlite_version() v').get() as { v: string }).v}`,
    reuse
      ? `index reused from ${dir}`
      : `build (ours): ${fmt(buildStats.seconds, 1)} s = ${Math.round(pages / buildStats.seconds).toLocaleString()} pages/s, optimize ${fmt(buildStats.optimizeSeconds, 1)} s; ` +
        `baseline build: ${fmt(buildStats.baseSeconds, 1)} s = ${Math.round(pages / buildStats.baseSeconds).toLocaleString()} pages/s`,
    `size on disk: ours ${fmt(MB(size), 0)} MB (${fmt(size / pages, 0)} B/page), baseline ${fmt(MB(baseSize), 0)} MB`,
    ...runs.map(({ conc, out, wallMs }) => `concurrency ${conc}: ${out.ours.length} queries in ${fmt(wallMs / 1000, 1)} s wall (both engines) = ${fmt((out.ours.length / wallMs) * 1000, 1)} query pairs/s`),
  ];
  console.log(`\n${summary.join('\n')}\n\n${textTable(headers, rows)}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = path.join(outDir, `search-${pages}-${stamp}`);
  writeFileSync(`${base}.md`, `# bench/search.ts\n\n${summary.map((s) => `- ${s}`).join('\n')}\n\n${markdownTable(headers, rows)}\n`);
  writeFileSync(`${base}.json`, JSON.stringify({ pages, seed, buildStats, size, baseSize, runs: runs.map(({ conc, wallMs, out }) => ({ conc, wallMs, out })) }));
  console.log(`written ${base}.md / .json`);
  if (a.keep !== true && a.reuse !== true) rmSync(dir, { recursive: true, force: true });
}

if (isMainThread) await main();
else await workerMain();
