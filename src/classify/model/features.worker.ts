// Worker thread of features.parallel.ts: claims chunks of rows from the shared counter until none is left, extracts
// their features and posts each chunk to the main thread, which may already have done it itself (then drops it).
import { isMainThread, workerData } from 'node:worker_threads';
import { extractFeatures } from './features.ts';
import { chunkRange, packChunk, type FeatureWorkerData } from './features.protocol.ts';

if (isMainThread) throw new Error('features.worker.ts runs in a worker thread (see features.parallel.ts)');

const job = workerData as FeatureWorkerData;
const claims = new Int32Array(job.claims);
for (;;) {
  const chunk = Atomics.add(claims, 0, 1);
  if (chunk >= job.chunkCount) break;
  const { from, to } = chunkRange(chunk, job.chunkSize, job.texts.length);
  const vectors = [];
  for (let i = from; i < to; i++) vectors.push(extractFeatures(job.texts[i]!, job.opts));
  const message = packChunk(chunk, vectors);
  job.port.postMessage(message, [message.offsets.buffer, message.indices.buffer, message.values.buffer]);
}
job.port.close();
