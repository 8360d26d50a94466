// Feature extraction of many rows on worker threads, for training (classifier.ts). Synchronous like extractFeatures:
// the main thread works too, claiming chunks of rows from a shared counter (Atomics) like the workers, and reads the
// workers' results without its event loop (receiveMessageOnPort). Once no chunk is left to claim it does itself every
// chunk whose result has not arrived, so a worker that dies, hangs or has not booted yet costs time, never rows, and
// nothing waits on a worker. Features are a pure function of the text: the vectors equal the serial ones bit for bit.
// Workers load TypeScript through tsx's API (a worker thread does not inherit the loader of a test runner).
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { extractFeatures, type FeatureOptions, type SparseVector } from './features.ts';
import { chunkRange, unpackChunk, type ChunkMessage, type FeatureWorkerData } from './features.protocol.ts';

/** Below this many rows the threads' start-up (~0.5 s each) is not worth it. */
export const PARALLEL_MIN_ROWS = 1000;
export const MAX_FEATURE_THREADS = 8;
const DEFAULT_CHUNK_SIZE = 64;

export interface ParallelFeatureOptions {
  /** Threads extracting features, the main thread included (default: cores, at most 8; 1 = serial). */
  threads?: number;
  /** Serial below this many rows (default PARALLEL_MIN_ROWS). */
  minRows?: number;
  /** Rows per claimed chunk (default 64). */
  chunkSize?: number;
  /** The worker module (default features.worker.ts; tests pass one that fails). */
  workerModule?: URL;
}

export interface ParallelFeatureStats {
  threads: number;
  chunks: number;
  /** Chunks the workers delivered. */
  byWorkers: number;
  /** Chunks the main thread claimed and did. */
  byMain: number;
  /** Chunks a worker claimed but had not delivered when the main thread ran out of work: done again by the main thread. */
  takenOver: number;
}

export function defaultFeatureThreads(): number {
  return Math.max(1, Math.min(MAX_FEATURE_THREADS, availableParallelism()));
}

export function extractFeaturesParallel(
  texts: readonly string[],
  opts: FeatureOptions,
  options: ParallelFeatureOptions = {},
): { vectors: SparseVector[]; stats: ParallelFeatureStats } {
  const requested = options.threads ?? defaultFeatureThreads();
  if (!Number.isInteger(requested) || requested < 1)
    throw new Error(`threads must be a positive integer (got ${requested})`);
  const threads = Math.min(MAX_FEATURE_THREADS, requested);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const chunkCount = Math.ceil(texts.length / chunkSize);
  const stats: ParallelFeatureStats = { threads: 1, chunks: chunkCount, byWorkers: 0, byMain: 0, takenOver: 0 };
  if (threads === 1 || texts.length < (options.minRows ?? PARALLEL_MIN_ROWS) || chunkCount < 2) {
    stats.byMain = chunkCount;
    return { vectors: texts.map((t) => extractFeatures(t, opts)), stats };
  }

  const claims = new Int32Array(new SharedArrayBuffer(4));
  const chunks: Array<SparseVector[] | undefined> = new Array(chunkCount);
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  for (let k = 1; k < threads; k++) {
    try {
      const { worker, port } = startFeatureWorker(
        { texts, opts, chunkSize, chunkCount, claims: claims.buffer },
        options.workerModule,
      );
      // A failed worker only loses time: the chunks it held are done again below.
      worker.on('error', () => {});
      worker.unref();
      workers.push(worker);
      ports.push(port);
    } catch {
      // no thread to be had: fewer threads
    }
  }
  stats.threads = 1 + workers.length;

  const compute = (chunk: number): void => {
    const { from, to } = chunkRange(chunk, chunkSize, texts.length);
    const vectors: SparseVector[] = [];
    for (let i = from; i < to; i++) vectors.push(extractFeatures(texts[i]!, opts));
    chunks[chunk] = vectors;
  };
  const receive = (): void => {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const message = m.message as ChunkMessage;
        if (chunks[message.chunk] !== undefined) continue;
        chunks[message.chunk] = unpackChunk(message);
        stats.byWorkers++;
      }
    }
  };
  try {
    for (let chunk = Atomics.add(claims, 0, 1); chunk < chunkCount; chunk = Atomics.add(claims, 0, 1)) {
      compute(chunk);
      stats.byMain++;
    }
    for (let chunk = 0; chunk < chunkCount; chunk++) {
      if (chunks[chunk] === undefined) receive();
      if (chunks[chunk] !== undefined) continue;
      compute(chunk);
      stats.takenOver++;
    }
  } finally {
    for (const port of ports) port.close();
    for (const worker of workers) void worker.terminate();
  }
  return { vectors: chunks.flatMap((c) => c!), stats };
}

/**
 * Starts a worker thread on a job; it posts its ChunkMessages to the returned port (the main thread reads them with
 * receiveMessageOnPort, or listens). The caller handles the worker's 'error' event and terminates it.
 */
export function startFeatureWorker(
  job: Omit<FeatureWorkerData, 'port'>,
  module: URL = new URL('./features.worker.ts', import.meta.url),
): { worker: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const workerData: FeatureWorkerData = { ...job, port: port2 };
  try {
    return { worker: new Worker(workerBoot(module), { eval: true, workerData, transferList: [port2] }), port: port1 };
  } catch (err) {
    port1.close();
    throw err;
  }
}

/** Boot code of a worker: register tsx's loader, then import the worker module. */
function workerBoot(module: URL): string {
  return `import(${JSON.stringify(tsxApiUrl())})
  .then((api) => { api.register(); return import(${JSON.stringify(module.href)}); })
  .catch((err) => { console.error(err); process.exit(1); });`;
}

function tsxApiUrl(): string {
  // import.meta.resolve is missing under some module runners (vitest): resolve the CommonJS entry instead.
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
}
