import { createHash } from 'node:crypto';
import { receiveMessageOnPort } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainClassifier, type ClassifierModel } from '../../src/classify/model/classifier.ts';
import { syntheticRows, type TrainingRow } from '../../src/classify/model/dataset.ts';
import { DEFAULT_FEATURE_OPTIONS, extractFeatures, type SparseVector } from '../../src/classify/model/features.ts';
import { extractFeaturesParallel, startFeatureWorker } from '../../src/classify/model/features.parallel.ts';
import { unpackChunk, type ChunkMessage } from '../../src/classify/model/features.protocol.ts';

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const vectorHash = (xs: readonly SparseVector[]): string => {
  const h = createHash('sha256');
  for (const x of xs) h.update(bytes(x.indices)).update(bytes(x.values)).update('|');
  return h.digest('hex');
};
const modelHash = (m: ClassifierModel): string =>
  createHash('sha256')
    .update(bytes(m.linear.weights))
    .update(bytes(m.linear.bias))
    .update(JSON.stringify([m.linear.labels, m.temperature, m.metrics]))
    .digest('hex');

let rows: TrainingRow[];
let texts: string[];
let serial: SparseVector[];
beforeAll(() => {
  rows = syntheticRows('titolarioClass', { rows: 1600, seed: 23 });
  texts = rows.map((r) => r.text);
  serial = texts.map((t) => extractFeatures(t));
});

describe('feature extraction on worker threads', () => {
  it('a worker thread alone extracts every chunk, bit for bit as the main thread does', async () => {
    const chunkSize = 100;
    const chunkCount = Math.ceil(texts.length / chunkSize);
    const claims = new SharedArrayBuffer(4);
    const { worker, port } = startFeatureWorker({
      texts,
      opts: DEFAULT_FEATURE_OPTIONS,
      chunkSize,
      chunkCount,
      claims,
    });
    const exit = new Promise<number>((resolve, reject) => {
      worker.once('exit', resolve);
      worker.once('error', reject);
    });
    expect(await exit).toBe(0);
    const chunks: SparseVector[][] = [];
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const message = m.message as ChunkMessage;
      chunks[message.chunk] = unpackChunk(message);
    }
    port.close();
    expect(chunks.filter(Boolean)).toHaveLength(chunkCount);
    expect(vectorHash(chunks.flat())).toBe(vectorHash(serial));
  });

  it('vectors from two threads equal the serial ones, whoever did each chunk', () => {
    const { vectors, stats } = extractFeaturesParallel(texts, DEFAULT_FEATURE_OPTIONS, { threads: 2 });
    expect(stats.threads).toBe(2);
    expect(stats.byWorkers + stats.byMain + stats.takenOver).toBe(stats.chunks);
    expect(vectors).toHaveLength(texts.length);
    expect(vectorHash(vectors)).toBe(vectorHash(serial));
  });

  it('stays serial below 1,000 rows or with one thread', () => {
    expect(extractFeaturesParallel(texts.slice(0, 999), DEFAULT_FEATURE_OPTIONS, { threads: 4 }).stats.threads).toBe(1);
    const one = extractFeaturesParallel(texts, DEFAULT_FEATURE_OPTIONS, { threads: 1 });
    expect(one.stats.threads).toBe(1);
    expect(vectorHash(one.vectors)).toBe(vectorHash(serial));
    expect(() => extractFeaturesParallel(texts, DEFAULT_FEATURE_OPTIONS, { threads: 0 })).toThrow(/threads/);
  });

  it('a worker that dies holding chunks costs no row: the main thread does them', () => {
    const { vectors, stats } = extractFeaturesParallel(texts, DEFAULT_FEATURE_OPTIONS, {
      threads: 2,
      chunkSize: 16,
      workerModule: new URL('../helpers/features.dying-worker.ts', import.meta.url),
    });
    expect(stats.byWorkers).toBe(0);
    // the dying worker boots while the main thread works through 100 chunks: it takes the rest
    expect(stats.takenOver).toBeGreaterThan(0);
    expect(stats.byMain + stats.takenOver).toBe(stats.chunks);
    expect(vectorHash(vectors)).toBe(vectorHash(serial));
  });

  it('trains the same model, bit for bit, on one thread and on two', () => {
    const opts = { task: 'titolarioClass', seed: 3, epochs: 2 };
    const one = trainClassifier(rows, { ...opts, threads: 1 });
    const two = trainClassifier(rows, { ...opts, threads: 2 });
    expect(modelHash(two)).toBe(modelHash(one));
    expect(two.metrics.accuracy).toBeGreaterThan(0.8);
  });
});
