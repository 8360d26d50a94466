// A feature worker that dies holding work (features.parallel.test.ts): it claims every chunk still unclaimed and
// throws before delivering any.
import { workerData } from 'node:worker_threads';
import type { FeatureWorkerData } from '../../src/classify/model/features.protocol.ts';

const job = workerData as FeatureWorkerData;
const claims = new Int32Array(job.claims);
let held = 0;
while (Atomics.add(claims, 0, 1) < job.chunkCount) held++;
throw new Error(`feature worker died holding ${held} chunks`);
