// Soak / scale-out bench: a generated corpus through 1 then 2 worker processes (real engines: PostgreSQL metadata,
// Redis queues, S3 object store via s3rver in its own process), measuring throughput, scaling, RSS, Redis memory, and checking
// that every document was archived exactly once. See bench/README.md.
//
//   npx tsx bench/soak.ts [--pages 2000] [--seed 1] [--ocr-workers-per-process 1] [--out bench-results/]
//                         [--processes 1,2] [--interval 2] [--window 60] [--pin] [--timeout-min M]
//                         [--s3-cpus LIST] [--s3-nice N]
//
// Each phase: fresh PostgreSQL schema, S3 key prefix, Redis queue prefix and data folder (search index, spool); the
// bench process ingests the whole corpus as one batch (no workers in this process), then spawns N
// `npx tsx src/main.ts worker` processes and samples every --interval seconds until the batch is done, SIGTERMs the
// workers, checks the outcome, and removes everything it created (schema dropped, Redis keys deleted).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { createRedis } from '../src/core/redis.ts';
import { quoteIdent } from '../src/db/postgres.migrations.ts';
import { importFolder } from '../src/ingest/folder-import.ts';
import { STEPS, type StepName } from '../src/workers/job-catalogue.ts';
import { createServices, type AppServices } from '../src/workers/services.ts';
import { S3RVER_CREDENTIALS } from '../test/helpers/s3rver.ts';
import { ensureSoakCorpus, type SoakCorpus } from './lib/corpus.ts';
import { cpuByCommand, isAlive, machineCpu, sampleTree, selfCpuSec } from './lib/proc.ts';
import { startS3rverProcess, type S3rverProcess } from './lib/s3rver.process.ts';
import { deletePrefix, prefixMemory, usedMemory } from './lib/redis.ts';
import { lineChartSvg, PALETTE, type Series } from './lib/svg-chart.ts';
import { fmt, markdownTable, MB, textTable, type Cell } from './lib/table.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'src/main.ts';

// ---- options ----------------------------------------------------------------------------------------------------

const USAGE = `usage: npx tsx bench/soak.ts [options]
  --pages N                    pages in the corpus (about; documents of 1–2 pages)       [2000]
  --seed N                     corpus seed (the corpus is cached per seed+pages in .tmp/)  [1]
  --ocr-workers-per-process N  OCR_WORKERS of each worker process                        [1]
  --processes LIST             worker processes of each phase, e.g. 1,2 or 1,2,3          [1,2]
  --out DIR                    where the report files go                                 [bench-results]
  --interval S                 sampling period, seconds                                  [2]
  --window S                   rolling window of the throughput curve, seconds           [60]
  --pin                        pin worker process k to CPU k mod cores (taskset)
  --timeout-min M              give up a phase after M minutes             [10 + pages × 15 s]
  --s3-cpus LIST               pin the s3rver process to these CPUs (taskset -c LIST)     [not pinned]
  --s3-nice N                  run the s3rver process at this nice level                  [0]
environment: DATABASE_URL (postgres://postgres@127.0.0.1:5432/test), REDIS_URL (redis://127.0.0.1:6379)`;

const { values: argv } = parseArgs({
  options: {
    pages: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    'ocr-workers-per-process': { type: 'string', default: '1' },
    processes: { type: 'string', default: '1,2' },
    out: { type: 'string', default: 'bench-results' },
    interval: { type: 'string', default: '2' },
    window: { type: 'string', default: '60' },
    pin: { type: 'boolean', default: false },
    'timeout-min': { type: 'string' },
    's3-cpus': { type: 'string' },
    's3-nice': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (argv.help) {
  console.log(USAGE);
  process.exit(0);
}
function posInt(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${v})\n${USAGE}`);
    process.exit(2);
  }
  return n;
}
const opts = {
  pages: posInt('pages', argv.pages),
  seed: posInt('seed', argv.seed),
  ocrWorkers: posInt('ocr-workers-per-process', argv['ocr-workers-per-process']),
  processes: (argv.processes ?? '1,2').split(',').map((s) => posInt('processes', s.trim())),
  out: path.resolve(argv.out ?? 'bench-results'),
  intervalMs: Math.round(Number(argv.interval) * 1000) || 2000,
  windowSec: Number(argv.window) || 60,
  pin: argv.pin ?? false,
  s3Cpus: argv['s3-cpus'],
  s3Nice: Number(argv['s3-nice']) || 0,
  timeoutMs: 0,
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};
opts.timeoutMs = argv['timeout-min'] ? posInt('timeout-min', argv['timeout-min']) * 60_000 : 600_000 + opts.pages * 15_000;

// ---- clean-up on every exit path ----------------------------------------------------------------------------------

/** Undo actions, run last-registered first: at the end of a phase (down to its mark) or on Ctrl-C (all). */
const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
function onCleanup(name: string, fn: () => Promise<unknown>): void {
  cleanups.push({ name, fn });
}
async function runCleanups(downTo = 0): Promise<void> {
  while (cleanups.length > downTo) {
    const c = cleanups.pop()!;
    try {
      await c.fn();
    } catch (err) {
      console.error(`clean-up "${c.name}" failed: ${(err as Error).message}`);
    }
  }
}
let interrupted: string | undefined;
let interruptCleanup: Promise<void> | undefined;
const children = new Set<WorkerProcess>();
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) {
    console.error(`\n${signal} again: killing the workers and exiting without further clean-up`);
    for (const w of children) w.kill('SIGKILL');
    process.exit(130);
  }
  interrupted = signal;
  console.error(`\n${signal}: stopping the workers and cleaning up (again to force)…`);
  interruptCleanup = runCleanups().finally(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
class Interrupted extends Error {}
const checkInterrupted = () => {
  if (interrupted) throw new Interrupted(interrupted);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- worker processes ---------------------------------------------------------------------------------------------

class WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  readonly exited: Promise<void>;

  constructor(readonly name: string, env: NodeJS.ProcessEnv, readonly logFile: string, cpu?: number) {
    const fd = openSync(logFile, 'a');
    const cmd = ['npx', 'tsx', ENTRY, 'worker'];
    const [file, ...args] = cpu === undefined ? cmd : ['taskset', '-c', String(cpu), ...cmd];
    // Own process group: a Ctrl-C in the terminal reaches the bench only, which then stops the workers in order.
    this.child = spawn(file!, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    if (!this.child.pid) throw new Error(`could not start ${name}`);
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
    children.add(this);
  }

  sample() {
    return sampleTree(this.pid, ENTRY);
  }

  kill(signal: NodeJS.Signals): void {
    for (const pid of this.sample().pids) {
      try {
        process.kill(pid, signal);
      } catch {
        /* gone */
      }
    }
  }

  /**
   * SIGTERM to the process running src/main.ts (the npx and tsx wrappers exit when it does), then wait for the whole
   * tree to be gone; SIGKILL whatever is left after `timeoutMs`. Returns the seconds it took.
   */
  async stop(timeoutMs: number): Promise<number> {
    const started = Date.now();
    const tree = this.sample();
    const target = tree.worker?.pid ?? this.pid;
    try {
      process.kill(target, 'SIGTERM');
    } catch {
      /* already gone */
    }
    while (tree.pids.some(isAlive) || !this.exit) {
      if (Date.now() - started > timeoutMs) {
        console.error(`${this.name}: still running ${timeoutMs / 1000} s after SIGTERM: SIGKILL`);
        for (const pid of tree.pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        await Promise.race([this.exited, sleep(5000)]);
        break;
      }
      await sleep(100);
    }
    children.delete(this);
    return (Date.now() - started) / 1000;
  }
}

// ---- one phase ------------------------------------------------------------------------------------------------------

interface ProcSample {
  rss?: number; // bytes, process running src/main.ts
  treeRss: number; // bytes, npx + tsx + worker
  cpuSec?: number; // worker process
}

interface Sample {
  t: number; // seconds since the workers were spawned
  archivedDocs: number;
  archivedPages: number;
  failedDocs: number;
  depth: Record<StepName, number>; // waiting + prioritized + delayed + active, per step
  totalDepth: number;
  procs: ProcSample[];
  redisUsed: number;
  redisRunBytes?: number; // MEMORY USAGE of this phase's keys (every 5th sample)
  /** Cores busy since the previous sample: the whole machine, and the worker processes. */
  machineCores: number;
  workerCores: number;
}

interface Checks {
  expectedDocs: number;
  expectedPages: number;
  pgDocuments: number;
  pgArchived: number;
  pgPages: number;
  searchDocuments: number;
  searchPages: number;
  packages: number;
  incompletePackages: number;
  lost: number;
  duplicates: number;
  failed: number;
  replayedSteps: number; // documents indexed more than once (a step ran twice; idempotent, so not a duplicate)
  leftovers: { work: number; originals: number; quarantine: number; staging: number };
  problems: string[];
}

interface PhaseResult {
  label: string;
  processes: number;
  ocrWorkersPerProcess: number;
  pinned: boolean;
  schema: string;
  queuePrefix: string;
  s3Prefix: string;
  docs: number;
  pages: number;
  ingestSec: number;
  startupSec: number; // spawn → every process registered its workers in Redis
  processingSec: number; // registered → last document terminal
  wallSec: number; // spawn → last document terminal
  pagesPerMin: number; // over processingSec
  pagesPerMinWall: number;
  peakRss: number[]; // bytes, per process (VmHWM of the process running src/main.ts)
  peakTreeRss: number[]; // bytes, per process tree (npx + tsx + worker), peak of the sampled sums
  rssGrowthPct: number[]; // per process: mean RSS over the last 10 % of the phase vs around its middle
  workerCpuSec: number[];
  benchCpuSec: number; // this process (sampling, checks) while the workers ran
  s3CpuSec: number; // the s3rver process while the workers ran
  serverCpuSec: number; // redis-server and postgres processes while the workers ran
  machineBusyPct: number;
  /** Cores busy on average while the workers ran: ours, the servers', and everything else on the machine. */
  cores: { workers: number; bench: number; s3: number; servers: number; others: number };
  redisBaseline: number;
  redisPeak: number;
  redisRunPeak: number;
  shutdownSec: number[];
  exitCodes: (number | null)[];
  workerLogWarnings: number[];
  checks: Checks;
  samples: Sample[];
}

interface Ctx {
  runId: string;
  stamp: string;
  corpus: SoakCorpus;
  srv: S3rverProcess;
  pgAdmin: pg.Pool;
  tmpRoot: string;
}

function depthOf(counts: Record<string, number>): number {
  return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0);
}

async function runPhase(ctx: Ctx, label: string, nProcs: number): Promise<PhaseResult> {
  const mark = cleanups.length;
  const id = `${ctx.runId}_${label.toLowerCase()}`;
  const schema = `soak_${id}`;
  const queuePrefix = `soak-${ctx.runId}-${label.toLowerCase()}`;
  const s3Prefix = `soak-${ctx.runId}-${label.toLowerCase()}/`;
  const dataDir = path.join(ctx.tmpRoot, `phase-${label}`);
  const log = (msg: string) => console.log(`[${label}] ${msg}`);
  const q = quoteIdent(schema);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FALDONE_DATA_DIR: dataDir, // spool and the SQLite search index, shared by the workers of the phase
    REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: queuePrefix,
    STORE_DRIVER: 's3',
    S3_ENDPOINT: ctx.srv.endpoint,
    S3_BUCKET: ctx.srv.bucket,
    S3_PREFIX: s3Prefix,
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    DB_DRIVER: 'postgres',
    DATABASE_URL: opts.databaseUrl,
    DB_SCHEMA: schema,
    OCR_WORKERS: String(opts.ocrWorkers),
    WORKER_QUEUES: '', // every step
    INBOX_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    npm_config_update_notifier: 'false',
  };
  const config = loadConfig({ env, cwd: REPO_ROOT });

  const redis = createRedis(opts.redisUrl);
  onCleanup('redis connection', () => redis.quit().catch(() => redis.disconnect()));
  onCleanup(`Redis keys ${queuePrefix}:*`, () => deletePrefix(redis, queuePrefix));
  onCleanup(`schema ${schema}`, () => ctx.pgAdmin.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`));
  onCleanup(`data ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  // s3rver keeps <bucket>/<key> as files: dropping the phase's folder frees the disk before the next phase.
  onCleanup(`objects ${s3Prefix}`, () => rm(path.join(ctx.srv.directory, ctx.srv.bucket, s3Prefix.slice(0, -1)), { recursive: true, force: true }));

  // The bench's own services: same config as the workers, no WorkerRunner here (ingest and observation only).
  const services: AppServices = await createServices(config, createLogger('warn'));
  onCleanup('bench services', () => services.close());
  checkInterrupted();

  // 1. Ingest the corpus as one batch while no worker runs: the queues start full.
  log(`ingesting ${ctx.corpus.files.length} files (${ctx.corpus.pages} pages) into schema ${schema}, S3 prefix ${s3Prefix}, queue prefix ${queuePrefix}`);
  const t0 = performance.now();
  const { batchId, items } = await importFolder(services, ctx.corpus.dir, { label: `soak ${label}`, source: 'bench' });
  const ingestSec = (performance.now() - t0) / 1000;
  const rejected = items.filter((i) => i.outcome === 'rejected');
  log(`ingested in ${fmt(ingestSec)} s: ${items.filter((i) => i.outcome === 'accepted').length} accepted, ${items.filter((i) => i.outcome === 'duplicate').length} duplicates, ${rejected.length} rejected`);
  checkInterrupted();

  // 2. Spawn the workers.
  const redisBaseline = await usedMemory(redis);
  const logs = Array.from({ length: nProcs }, (_, k) => path.join(opts.out, `soak-${ctx.stamp}-${label}${k + 1}.log`));
  const cores = os.cpus().length;
  const spawnAt = Date.now();
  const cpuAtSpawn = machineCpu();
  const benchCpuAtSpawn = selfCpuSec();
  const s3CpuAtSpawn = ctx.srv.sample().treeCpuSec;
  const serverCpu = () => Object.values(cpuByCommand(SERVER_COMMANDS)).reduce((a, b) => a + b, 0);
  const serverCpuAtSpawn = serverCpu();
  const procs = logs.map((file, k) => new WorkerProcess(`${label}${k + 1}`, env, file, opts.pin ? k % cores : undefined));
  onCleanup('worker processes', () => Promise.all(procs.filter((p) => children.has(p)).map((p) => p.stop(15_000))));
  log(`spawned ${nProcs} × \`npx tsx ${ENTRY} worker\` (OCR_WORKERS=${opts.ocrWorkers}${opts.pin ? ', pinned' : ''}), pids ${procs.map((p) => p.pid).join(', ')}; logs in ${path.relative(process.cwd(), opts.out)}/`);

  // 3. Sample until the batch is done.
  const samples: Sample[] = [];
  const peakRss = procs.map(() => 0);
  const peakTreeRss = procs.map(() => 0);
  let readyAt: number | undefined;
  let redisRunPeak = 0;
  let redisPeak = redisBaseline;
  let lastPrint = 0;
  const ocrQueue = services.pipeline.queue('ocr-page');
  let prevCpu = cpuAtSpawn;
  let prevWorkerCpu = 0;
  let prevAt = spawnAt;
  for (let i = 0; ; i++) {
    checkInterrupted();
    const tickStart = Date.now();
    // Asked first, so that the last sample taken already shows the finished batch.
    const done = (await services.db.batchSummary(batchId))?.done ?? false;
    if (readyAt === undefined && (await ocrQueue.getWorkersCount()) >= nProcs) readyAt = Date.now();
    const { rows } = await ctx.pgAdmin.query<{ docs: number; pages: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'archived')::int AS docs,
              coalesce(sum(page_count) FILTER (WHERE status = 'archived'), 0)::int AS pages,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM ${q}.documents`,
    );
    const counts = await services.pipeline.counts();
    const depth = Object.fromEntries(STEPS.map((s) => [s, depthOf(counts[s])])) as Record<StepName, number>;
    const procSamples = procs.map((p, k): ProcSample => {
      const s = p.sample();
      if (s.worker) peakRss[k] = Math.max(peakRss[k]!, s.worker.hwm, s.worker.rss);
      peakTreeRss[k] = Math.max(peakTreeRss[k]!, s.treeRss);
      return { rss: s.worker?.rss, treeRss: s.treeRss, cpuSec: s.worker?.cpuSec };
    });
    const redisUsed = await usedMemory(redis);
    redisPeak = Math.max(redisPeak, redisUsed);
    let redisRunBytes: number | undefined;
    if (i % 5 === 0) {
      redisRunBytes = (await prefixMemory(redis, queuePrefix)).bytes;
      redisRunPeak = Math.max(redisRunPeak, redisRunBytes);
    }
    const row = rows[0]!;
    const cpuNow = machineCpu();
    const workerCpuNow = sum(procSamples.map((p) => p.cpuSec ?? 0));
    const dt = Math.max(0.001, (Date.now() - prevAt) / 1000);
    const machineCores = ((cpuNow.busy - prevCpu.busy) / Math.max(1, cpuNow.total - prevCpu.total)) * cores;
    const workerCores = (workerCpuNow - prevWorkerCpu) / dt;
    prevCpu = cpuNow;
    prevWorkerCpu = workerCpuNow;
    prevAt = Date.now();
    const sample: Sample = {
      machineCores,
      workerCores,
      t: (tickStart - spawnAt) / 1000,
      archivedDocs: row.docs,
      archivedPages: row.pages,
      failedDocs: row.failed,
      depth,
      totalDepth: Object.values(depth).reduce((a, b) => a + b, 0),
      procs: procSamples,
      redisUsed,
      redisRunBytes,
    };
    samples.push(sample);
    if (tickStart - lastPrint >= 30_000) {
      lastPrint = tickStart;
      log(
        `t=${fmt(sample.t, 0)} s  archived ${row.docs}/${ctx.corpus.files.length} docs, ${row.pages}/${ctx.corpus.pages} pages, failed ${row.failed}` +
          `  queue ${sample.totalDepth} (ocr ${depth['ocr-page']})  RSS ${procSamples.map((p) => fmt(MB(p.rss), 0)).join('/')} MB`,
      );
    }
    if (done) break;
    const dead = procs.find((p) => p.exit);
    if (dead) throw new Error(`worker ${dead.name} exited during the phase (code ${dead.exit!.code}, signal ${dead.exit!.signal}); see ${dead.logFile}`);
    if (Date.now() - spawnAt > opts.timeoutMs) throw new Error(`phase ${label} not done after ${opts.timeoutMs / 60_000} min`);
    await sleep(Math.max(0, opts.intervalMs - (Date.now() - tickStart)));
  }
  // The last document's terminal write, from the database clock (same host): finer than the sampling period.
  const last = await ctx.pgAdmin.query<{ ms: string }>(`SELECT extract(epoch FROM max(updated_at)) * 1000 AS ms FROM ${q}.documents`);
  const doneAt = Math.min(Date.now(), Number(last.rows[0]!.ms));
  const cpuAtDone = machineCpu();
  const benchCpuSec = selfCpuSec() - benchCpuAtSpawn;
  const s3CpuSec = ctx.srv.sample().treeCpuSec - s3CpuAtSpawn;
  const serverCpuSec = serverCpu() - serverCpuAtSpawn;
  const workerCpuSec = samples.at(-1)!.procs.map((p) => p.cpuSec ?? NaN);
  readyAt ??= spawnAt;

  // 4. Stop the workers (SIGTERM, they close their BullMQ workers and connections) and wait for them.
  const shutdownSec = await Promise.all(procs.map((p) => p.stop(60_000)));
  const exitCodes = procs.map((p) => p.exit?.code ?? null);
  log(`workers stopped in ${shutdownSec.map((s) => fmt(s)).join(', ')} s, exit codes ${exitCodes.join(', ')}`);

  // 5. Check the outcome.
  const checks = await checkPhase(ctx, services, schema, s3Prefix);
  log(`checks: lost ${checks.lost}, duplicates ${checks.duplicates}, failed ${checks.failed}${checks.problems.length ? `; ${checks.problems.length} problem(s), first: ${checks.problems[0]}` : ''}`);

  // 6. Results.
  const pages = ctx.corpus.pages;
  const processingSec = (doneAt - readyAt) / 1000;
  const wallSec = (doneAt - spawnAt) / 1000;
  const machineBusyPct = (100 * (cpuAtDone.busy - cpuAtSpawn.busy)) / Math.max(1, cpuAtDone.total - cpuAtSpawn.total);
  const result: PhaseResult = {
    label,
    processes: nProcs,
    ocrWorkersPerProcess: opts.ocrWorkers,
    pinned: opts.pin,
    schema,
    queuePrefix,
    s3Prefix,
    docs: ctx.corpus.files.length,
    pages,
    ingestSec,
    startupSec: (readyAt - spawnAt) / 1000,
    processingSec,
    wallSec,
    pagesPerMin: pagesArchived(samples) / (processingSec / 60),
    pagesPerMinWall: pagesArchived(samples) / (wallSec / 60),
    peakRss,
    peakTreeRss,
    rssGrowthPct: procs.map((_, k) => rssGrowth(samples, k, (readyAt! - spawnAt) / 1000, wallSec)),
    workerCpuSec,
    benchCpuSec,
    s3CpuSec,
    machineBusyPct,
    cores: {
      workers: sum(workerCpuSec) / wallSec,
      bench: benchCpuSec / wallSec,
      s3: s3CpuSec / wallSec,
      servers: serverCpuSec / wallSec,
      others: Math.max(0, (machineBusyPct / 100) * cores - (sum(workerCpuSec) + benchCpuSec + s3CpuSec + serverCpuSec) / wallSec),
    },
    serverCpuSec,
    redisBaseline,
    redisPeak,
    redisRunPeak,
    shutdownSec,
    exitCodes,
    workerLogWarnings: logs.map(countLogWarnings),
    checks,
    samples,
  };
  await runCleanups(mark);
  return result;
}

const SERVER_COMMANDS = ['redis-server', 'postgres'] as const;
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const pagesArchived = (samples: Sample[]) => samples.at(-1)?.archivedPages ?? 0;

/** Mean RSS over the last 10 % of the processing time against the mean around its middle (45–55 %), in %. */
function rssGrowth(samples: Sample[], k: number, fromSec: number, toSec: number): number {
  const span = toSec - fromSec;
  const mean = (a: number, b: number) => {
    const v = samples.filter((s) => s.t >= fromSec + a * span && s.t <= fromSec + b * span).map((s) => s.procs[k]?.rss).filter((r): r is number => !!r);
    return v.length ? v.reduce((x, y) => x + y, 0) / v.length : NaN;
  };
  let mid = mean(0.45, 0.55);
  if (!Number.isFinite(mid)) mid = mean(0.3, 0.7);
  const end = mean(0.9, 1.0001);
  return ((end - mid) / mid) * 100;
}

function countLogWarnings(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /"level":(40|50|60)/.test(l)).length;
}

// ---- checks ---------------------------------------------------------------------------------------------------------

const PACKAGE_NAMES = new Set(['document.pdf', 'text.json', 'manifest.json']);

async function checkPhase(ctx: Ctx, services: AppServices, schema: string, s3Prefix: string): Promise<Checks> {
  const q = quoteIdent(schema);
  const problems: string[] = [];
  const expected = new Map<string, number>(); // sha256 → pages
  for (const f of ctx.corpus.files) expected.set(f.sha256, f.pages);
  const expectedPages = [...expected.values()].reduce((a, b) => a + b, 0);

  // PostgreSQL: one row per distinct file, archived, with its pages.
  const docs = (await ctx.pgAdmin.query<{ id: string; status: string; page_count: number | null; failed_step: string | null; error: string | null }>(
    `SELECT id, status, page_count, failed_step, error FROM ${q}.documents`,
  )).rows;
  const pgPagesByDoc = new Map(
    (await ctx.pgAdmin.query<{ document_id: string; n: number }>(`SELECT document_id, count(*)::int AS n FROM ${q}.pages GROUP BY document_id`)).rows.map((r) => [r.document_id, r.n]),
  );
  const replayed = (await ctx.pgAdmin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT document_id FROM ${q}.events WHERE type = 'indexed' GROUP BY document_id HAVING count(*) > 1) x`,
  )).rows[0]!.n;

  // Search index (SQLite file shared by the workers): pages per document.
  const sdb = new Database(services.config.search.path, { readonly: true, fileMustExist: true });
  let searchByDoc: Map<string, number>;
  try {
    searchByDoc = new Map(sdb.prepare('SELECT document_id AS id, count(*) AS n FROM search_pages GROUP BY document_id').all().map((r) => {
      const row = r as { id: string; n: number };
      return [row.id, row.n] as const;
    }));
  } finally {
    sdb.close();
  }

  // Object store: archive/<year>/<sha>/<file>, and nothing left in the work areas.
  const packages = new Map<string, string[]>(); // sha → package prefixes (one expected)
  const packageFiles = new Map<string, string[]>(); // package prefix → file names
  for await (const key of services.store.list('archive/')) {
    const m = /^archive\/(\d{4})\/([0-9a-f]{64})\/(.+)$/.exec(key);
    if (!m) {
      problems.push(`unexpected archive key ${key}`);
      continue;
    }
    const pkg = `archive/${m[1]}/${m[2]}`;
    if (!packageFiles.has(pkg)) {
      packageFiles.set(pkg, []);
      packages.set(m[2]!, [...(packages.get(m[2]!) ?? []), pkg]);
    }
    packageFiles.get(pkg)!.push(m[3]!);
  }
  const countKeys = async (prefix: string) => {
    let n = 0;
    for await (const _ of services.store.list(prefix)) n++;
    return n;
  };
  const stagingDir = path.join(ctx.srv.directory, ctx.srv.bucket, `${s3Prefix}.tmp`);
  const leftovers = {
    work: await countKeys('work/'),
    originals: await countKeys('originals/'),
    quarantine: await countKeys('quarantine/'),
    staging: existsSync(stagingDir) ? readdirSync(stagingDir, { recursive: true }).filter((f) => String(f).endsWith('._S3rver_object')).length : 0,
  };
  for (const [k, n] of Object.entries(leftovers)) if (n) problems.push(`${n} object(s) left under ${k}`);

  let lost = 0;
  let duplicates = 0;
  let incomplete = 0;
  const docIds = new Set(docs.map((d) => d.id));
  const docById = new Map(docs.map((d) => [d.id, d]));
  for (const [sha, pages] of expected) {
    const doc = docById.get(sha);
    const pkgs = packages.get(sha) ?? [];
    const files = pkgs.length === 1 ? packageFiles.get(pkgs[0]!)! : [];
    const complete = files.length === 4 && files.filter((f) => PACKAGE_NAMES.has(f)).length === 3 && files.some((f) => f.startsWith('original.'));
    const searchPages = searchByDoc.get(sha) ?? 0;
    const whyLost: string[] = [];
    if (!doc) whyLost.push('no document row');
    else if (doc.status !== 'archived') whyLost.push(`status ${doc.status}${doc.error ? ` (${doc.failed_step}: ${doc.error})` : ''}`);
    if (doc && (doc.page_count !== pages || (pgPagesByDoc.get(sha) ?? 0) !== pages)) whyLost.push(`pages ${doc.page_count}/${pgPagesByDoc.get(sha) ?? 0} in PG, expected ${pages}`);
    if (pkgs.length === 0) whyLost.push('no archive package');
    if (pkgs.length > 1) {
      duplicates += pkgs.length - 1;
      problems.push(`${sha.slice(0, 12)}: ${pkgs.length} archive packages`);
    }
    if (pkgs.length === 1 && !complete) {
      incomplete++;
      if (files.length > 4) {
        duplicates++;
        problems.push(`${sha.slice(0, 12)}: package has ${files.length} objects: ${files.join(', ')}`);
      } else whyLost.push(`package has ${files.length} objects: ${files.join(', ')}`);
    }
    if (searchPages < pages) whyLost.push(`${searchPages}/${pages} pages in the search index`);
    if (searchPages > pages) {
      duplicates++;
      problems.push(`${sha.slice(0, 12)}: ${searchPages} search pages, expected ${pages}`);
    }
    if (whyLost.length) {
      lost++;
      problems.push(`${sha.slice(0, 12)} lost: ${whyLost.join('; ')}`);
    }
  }
  // Anything stored that the corpus does not explain is a duplicate (or foreign data).
  for (const d of docs) {
    if (!expected.has(d.id)) {
      duplicates++;
      problems.push(`unexpected document row ${d.id.slice(0, 12)}`);
    }
  }
  for (const sha of packages.keys()) {
    if (!expected.has(sha)) {
      duplicates++;
      problems.push(`unexpected archive package for ${sha.slice(0, 12)}`);
    }
  }
  for (const id of searchByDoc.keys()) {
    if (!expected.has(id) && !docIds.has(id)) {
      duplicates++;
      problems.push(`unexpected search entries for ${id.slice(0, 12)}`);
    }
  }
  return {
    expectedDocs: expected.size,
    expectedPages,
    pgDocuments: docs.length,
    pgArchived: docs.filter((d) => d.status === 'archived').length,
    pgPages: [...pgPagesByDoc.values()].reduce((a, b) => a + b, 0),
    searchDocuments: searchByDoc.size,
    searchPages: [...searchByDoc.values()].reduce((a, b) => a + b, 0),
    packages: packageFiles.size,
    incompletePackages: incomplete,
    lost,
    duplicates,
    failed: docs.filter((d) => d.status === 'failed').length,
    replayedSteps: replayed,
    leftovers,
    problems,
  };
}

// ---- report ---------------------------------------------------------------------------------------------------------

/** Pages/min over the trailing window, at each sample. */
function rollingThroughput(samples: Sample[], windowSec: number): [number, number][] {
  return samples.map((s, i) => {
    let j = i;
    while (j > 0 && s.t - samples[j - 1]!.t <= windowSec) j--;
    const dt = s.t - samples[j]!.t;
    return [s.t, dt > 0 ? ((s.archivedPages - samples[j]!.archivedPages) / dt) * 60 : 0];
  });
}

function reportRows(results: PhaseResult[]): { headers: string[]; rows: Cell[][] } {
  const base = results[0]!;
  const list = (v: number[], d = 0) => v.map((x) => fmt(x, d)).join(' / ');
  const headers = ['metric', ...results.map((r) => `${r.label}: ${r.processes} process${r.processes > 1 ? 'es' : ''}`)];
  const row = (name: string, f: (r: PhaseResult) => Cell): Cell[] => [name, ...results.map(f)];
  const rows: Cell[][] = [
    row('worker processes × OCR_WORKERS', (r) => `${r.processes} × ${r.ocrWorkersPerProcess}${r.pinned ? ' (pinned)' : ''}`),
    row('pages / documents', (r) => `${r.pages} / ${r.docs}`),
    row('ingest, bench process (s)', (r) => fmt(r.ingestSec)),
    row('worker start-up (s)', (r) => fmt(r.startupSec)),
    row('processing time (s)', (r) => fmt(r.processingSec)),
    row('wall time from spawn (s)', (r) => fmt(r.wallSec)),
    row('throughput (pages/min)', (r) => fmt(r.pagesPerMin)),
    row('scaling ratio vs A', (r) => `${fmt(r.pagesPerMin / base.pagesPerMin, 2)}×`),
    row('peak RSS per process (MB)', (r) => list(r.peakRss.map((b) => MB(b)!))),
    row('peak RSS incl. npx+tsx (MB)', (r) => list(r.peakTreeRss.map((b) => MB(b)!))),
    row('RSS growth, 2nd half (%)', (r) => list(r.rssGrowthPct, 1)),
    row('worker CPU per page (s)', (r) => fmt(r.workerCpuSec.reduce((a, b) => a + b, 0) / r.pages, 2)),
    row('cores busy: workers / bench / s3rver', (r) => `${fmt(r.cores.workers, 2)} / ${fmt(r.cores.bench, 2)} / ${fmt(r.cores.s3, 2)}`),
    row('cores busy: Redis+PG / other processes', (r) => `${fmt(r.cores.servers, 2)} / ${fmt(r.cores.others, 2)}`),
    row('Redis used_memory peak (MB)', (r) => `${fmt(MB(r.redisPeak))} (base ${fmt(MB(r.redisBaseline))})`),
    row("Redis, this run's keys peak (MB)", (r) => fmt(MB(r.redisRunPeak), 2)),
    row('lost', (r) => r.checks.lost),
    row('duplicates', (r) => r.checks.duplicates),
    row('failed', (r) => r.checks.failed),
    row('steps replayed (idempotent)', (r) => r.checks.replayedSteps),
    row('PG docs / search pages / packages', (r) => `${r.checks.pgArchived} / ${r.checks.searchPages} / ${r.checks.packages}`),
    row('left in work/ originals/ quarantine/', (r) => `${r.checks.leftovers.work} / ${r.checks.leftovers.originals} / ${r.checks.leftovers.quarantine}`),
    row('worker warnings logged', (r) => r.workerLogWarnings.join(' / ')),
  ];
  return { headers, rows };
}

function goals(results: PhaseResult[]): { goal: string; ok: boolean; detail: string }[] {
  const a = results[0]!;
  const out: { goal: string; ok: boolean; detail: string }[] = [];
  const two = results.find((r) => r.processes === 2 * a.processes);
  if (two) {
    const ratio = two.pagesPerMin / a.pagesPerMin;
    out.push({ goal: `${two.processes} processes ≥ 1.8× the throughput of ${a.processes}`, ok: ratio >= 1.8, detail: `${fmt(ratio, 2)}×` });
  }
  const growth = results.flatMap((r) => r.rssGrowthPct);
  const measured = growth.filter(Number.isFinite);
  out.push({
    goal: 'RSS flat after warm-up (growth ≤ 10 % over the second half)',
    ok: measured.every((g) => g <= 10),
    detail: measured.length ? `max ${fmt(Math.max(...measured), 1)} %` : 'too few samples to tell',
  });
  const lost = results.reduce((s, r) => s + r.checks.lost, 0);
  const dup = results.reduce((s, r) => s + r.checks.duplicates, 0);
  const failed = results.reduce((s, r) => s + r.checks.failed, 0);
  out.push({ goal: '0 lost, 0 duplicates, 0 failed', ok: lost === 0 && dup === 0 && failed === 0, detail: `${lost} lost, ${dup} duplicates, ${failed} failed` });
  return out;
}

function chart(results: PhaseResult[], subtitle: string): string {
  const series = (f: (r: PhaseResult) => [number, number][], dashedFrom?: number): Series[] =>
    results.map((r, i) => ({ name: `${r.label}: ${r.processes} proc`, color: PALETTE[i % PALETTE.length]!, points: f(r), dashed: dashedFrom !== undefined && i >= dashedFrom }));
  const rss: Series[] = results.flatMap((r, i) =>
    r.peakRss.map((_, k) => ({
      name: `${r.label}${k + 1} RSS`,
      color: PALETTE[i % PALETTE.length]!,
      dashed: k > 0,
      points: r.samples.filter((s) => s.procs[k]?.rss).map((s) => [s.t, MB(s.procs[k]!.rss)!] as [number, number]),
    })),
  );
  return lineChartSvg({
    title: `Faldone soak: ${results[0]!.pages} pages, ${results.map((r) => r.processes).join(' then ')} worker processes`,
    subtitle,
    xLabel: 'seconds since the workers were spawned',
    panels: [
      { title: `Throughput (pages/min, rolling ${opts.windowSec} s)`, yLabel: 'pages/min', series: series((r) => rollingThroughput(r.samples, opts.windowSec)) },
      { title: 'Queue depth (waiting + active + delayed jobs, all steps)', yLabel: 'jobs', series: series((r) => r.samples.map((s) => [s.t, s.totalDepth])) },
      { title: 'RSS of each worker process (the node process running src/main.ts)', yLabel: 'MB', series: rss },
      {
        title: `CPU: cores used by the workers (solid) and by everything else on the machine (dashed), of ${os.cpus().length}`,
        yLabel: 'cores',
        series: results.flatMap((r, i) => [
          { name: `${r.label} workers`, color: PALETTE[i % PALETTE.length]!, points: r.samples.slice(1).map((s) => [s.t, s.workerCores] as [number, number]) },
          { name: `${r.label} rest`, color: PALETTE[i % PALETTE.length]!, dashed: true, points: r.samples.slice(1).map((s) => [s.t, Math.max(0, s.machineCores - s.workerCores)] as [number, number]) },
        ]),
      },
    ],
  });
}

// ---- main -----------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const runId = randomBytes(3).toString('hex');
  await mkdir(opts.out, { recursive: true });
  const cores = os.cpus().length;
  const machine = `${cores} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`;
  console.log(`Faldone soak ${runId}: ${opts.pages} pages, seed ${opts.seed}, phases ${opts.processes.join(' then ')} worker process(es), OCR_WORKERS=${opts.ocrWorkers} each`);
  console.log(`machine: ${machine}`);
  if (opts.ocrWorkers === 1) console.log('OCR_WORKERS=1 per process: one worker process ≈ one core of OCR, two processes ≈ two cores.');

  // Services first, so a missing one fails in seconds rather than after the corpus.
  const pgAdmin = new pg.Pool({ connectionString: opts.databaseUrl, max: 3 });
  onCleanup('PostgreSQL pool', () => pgAdmin.end());
  await pgAdmin.query('SELECT 1');
  const probe = createRedis(opts.redisUrl);
  await probe.ping();
  await probe.quit();

  const gen0 = performance.now();
  let lastShown = 0;
  const corpus = await ensureSoakCorpus({
    seed: opts.seed,
    pages: opts.pages,
    root: REPO_ROOT,
    onProgress: (done, total) => {
      if (performance.now() - lastShown > 10_000 || done === total) {
        lastShown = performance.now();
        console.log(`generating corpus: ${done}/${total} documents (${fmt((performance.now() - gen0) / 1000, 0)} s)`);
      }
    },
  });
  checkInterrupted();
  const formats = Object.entries(corpus.files.reduce<Record<string, number>>((m, f) => ((m[f.format] = (m[f.format] ?? 0) + 1), m), {})).map(([k, v]) => `${v} ${k}`).join(', ');
  const twoPage = corpus.files.filter((f) => f.pages > 1).length;
  const distinct = new Set(corpus.files.map((f) => f.sha256)).size;
  console.log(
    `corpus ${path.relative(REPO_ROOT, corpus.dir)}: ${corpus.files.length} documents (${distinct} distinct), ${corpus.pages} pages; ${formats}; ${twoPage} multi-page` +
      (corpus.reused ? ' (reused)' : ` (generated in ${fmt(corpus.generatedMs / 1000, 0)} s)`),
  );

  const srv = await startS3rverProcess('faldone-soak', { cwd: REPO_ROOT, cpus: opts.s3Cpus, nice: opts.s3Nice });
  onCleanup('s3rver', () => srv.cleanup());
  const tmpRoot = path.join(REPO_ROOT, '.tmp', `soak-run-${runId}`);
  await mkdir(tmpRoot, { recursive: true });
  onCleanup(`run folder ${tmpRoot}`, () => rm(tmpRoot, { recursive: true, force: true }));
  console.log(`s3rver on ${srv.endpoint} (bucket ${srv.bucket}), PostgreSQL ${opts.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}, Redis ${opts.redisUrl}`);

  const ctx: Ctx = { runId, stamp, corpus, srv, pgAdmin, tmpRoot };
  const results: PhaseResult[] = [];
  for (const [i, n] of opts.processes.entries()) {
    results.push(await runPhase(ctx, String.fromCharCode(65 + i), n));
  }
  await runCleanups();

  // Report.
  const { headers, rows } = reportRows(results);
  const verdicts = goals(results);
  const subtitle = `${corpus.files.length} docs / ${corpus.pages} pages (seed ${opts.seed}); OCR_WORKERS=${opts.ocrWorkers} per process; ${machine}`;
  const base = path.join(opts.out, `soak-${stamp}`);
  console.log(`\n${textTable(headers, rows)}\n`);
  for (const v of verdicts) console.log(`${v.ok ? 'PASS' : 'FAIL'}  ${v.goal}: ${v.detail}`);
  const notes = results
    .filter((r) => r.cores.others > 0.25)
    .map((r) => `phase ${r.label}: other processes kept ${fmt(r.cores.others, 2)} of ${os.cpus().length} cores busy on average — the machine was shared, so throughput and scaling are understated`);
  const a = results[0]!;
  if (!a.pinned && a.processes === 1 && a.cores.others <= 0.25 && a.cores.workers > 1.02) {
    const ceiling = (os.cpus().length - a.cores.bench - a.cores.s3 - a.cores.servers) / a.cores.workers;
    notes.push(
      `phase A's single worker process already used ${fmt(a.cores.workers, 2)} cores (the non-OCR steps run on its main thread beside the OCR thread), ` +
        `so on ${os.cpus().length} cores the ratio cannot exceed about ${fmt(ceiling, 2)}× (use --pin to compare per core)`,
    );
  }
  for (const n of notes) console.log(`note  ${n}`);
  const problems = results.flatMap((r) => r.checks.problems.map((p) => `${r.label}: ${p}`));
  if (problems.length) console.log(`\nproblems (${problems.length}):\n${problems.slice(0, 30).map((p) => `  ${p}`).join('\n')}`);

  const md = [
    `# Faldone soak ${stamp}`,
    '',
    `\`npx tsx bench/soak.ts --pages ${opts.pages} --seed ${opts.seed} --ocr-workers-per-process ${opts.ocrWorkers} --processes ${opts.processes.join(',')}${opts.pin ? ' --pin' : ''}\``,
    '',
    `- Machine: ${machine}`,
    `- Corpus: ${corpus.files.length} documents (${distinct} distinct), ${corpus.pages} pages; ${formats}; ${twoPage} multi-page; seed ${opts.seed}`,
    `- Engines: PostgreSQL (fresh schema per phase), Redis (fresh queue prefix per phase), S3 = s3rver in a process of its own${opts.s3Cpus ? ` (CPUs ${opts.s3Cpus})` : ''}${opts.s3Nice ? ` (nice ${opts.s3Nice})` : ''}, search = SQLite FTS5 file shared by the workers`,
    `- Each worker process: \`npx tsx src/main.ts worker\`, OCR_WORKERS=${opts.ocrWorkers}${opts.ocrWorkers === 1 ? ' (one process ≈ one core of OCR, two processes ≈ two cores)' : ''}`,
    `- The bench ingests the whole corpus before spawning the workers; throughput = pages / processing time (all workers registered → last document terminal).`,
    `- RSS = VmRSS of the node process running src/main.ts (tesseract.js runs in its worker_threads); "incl. npx+tsx" adds the wrapper processes (npm, sh, tsx CLI).`,
    `- Cores busy = CPU seconds ÷ wall time; "other processes" = machine busy time not used by the workers, the bench, s3rver or redis-server/postgres. Worker CPU includes the processes a worker starts (native tesseract).`,
    '',
    markdownTable(headers, rows),
    '',
    ...verdicts.map((v) => `- ${v.ok ? '**PASS**' : '**FAIL**'} ${v.goal}: ${v.detail}`),
    ...notes.map((n) => `- Note: ${n}.`),
    '',
    `![throughput, queue depth and RSS over time](${path.basename(base)}.svg)`,
    '',
    ...(problems.length ? ['## Problems', '', ...problems.map((p) => `- ${p}`), ''] : []),
  ].join('\n');
  await writeFile(`${base}.md`, `${md}\n`);
  await writeFile(
    `${base}.json`,
    `${JSON.stringify({ stamp, runId, options: { ...opts, databaseUrl: undefined }, machine, corpus: { dir: corpus.dir, seed: corpus.seed, documents: corpus.files.length, pages: corpus.pages, formats, files: corpus.files }, goals: verdicts, results }, null, 1)}\n`,
  );
  await writeFile(`${base}.svg`, chart(results, subtitle));
  console.log(`\nwrote ${[`${base}.md`, `${base}.json`, `${base}.svg`].map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  return verdicts.every((v) => v.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    if (interrupted) {
      await interruptCleanup;
      process.exit(130);
    }
    console.error(err instanceof Error ? err.stack : err);
    await runCleanups();
    process.exit(2);
  },
);
