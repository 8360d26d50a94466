// What the main thread and the feature-extraction worker threads exchange (features.parallel.ts, features.worker.ts):
// the job every worker gets at start, and one message per chunk of rows with its vectors packed into three buffers
// (transferred, not copied).
import type { MessagePort } from 'node:worker_threads';
import type { FeatureOptions, SparseVector } from './features.ts';

export interface FeatureWorkerData {
  texts: readonly string[];
  opts: FeatureOptions;
  chunkSize: number;
  chunkCount: number;
  /** Int32Array[1] over a SharedArrayBuffer: the next chunk to claim (Atomics.add), shared by every thread. */
  claims: SharedArrayBuffer;
  /** Where the worker posts its ChunkMessages; the main thread reads them synchronously (receiveMessageOnPort). */
  port: MessagePort;
}

export interface ChunkMessage {
  chunk: number;
  /** offsets[i]..offsets[i+1] is row i's slice of indices and values (length rows + 1). */
  offsets: Int32Array<ArrayBuffer>;
  indices: Int32Array<ArrayBuffer>;
  values: Float32Array<ArrayBuffer>;
}

/** Rows [from, to) of a job: the chunk's range. */
export function chunkRange(chunk: number, chunkSize: number, rows: number): { from: number; to: number } {
  const from = chunk * chunkSize;
  return { from, to: Math.min(rows, from + chunkSize) };
}

export function packChunk(chunk: number, vectors: readonly SparseVector[]): ChunkMessage {
  const offsets = new Int32Array(vectors.length + 1);
  for (let i = 0; i < vectors.length; i++) offsets[i + 1] = offsets[i]! + vectors[i]!.indices.length;
  const total = offsets[vectors.length]!;
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  vectors.forEach((v, i) => {
    indices.set(v.indices, offsets[i]);
    values.set(v.values, offsets[i]);
  });
  return { chunk, offsets, indices, values };
}

/** The chunk's vectors as views on the message's buffers. */
export function unpackChunk(message: ChunkMessage): SparseVector[] {
  const { offsets, indices, values } = message;
  const out: SparseVector[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    out.push({
      indices: indices.subarray(offsets[i], offsets[i + 1]),
      values: values.subarray(offsets[i], offsets[i + 1]),
    });
  }
  return out;
}
