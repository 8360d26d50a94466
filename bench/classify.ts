// Bench of the trainable classifier: training time on N generated rows and prediction latency per document.
//   npx tsx bench/classify.ts [--rows 50000] [--task titolarioClass] [--seed 1] [--predict 2000] [--threads N]
// --threads: feature extraction threads, main thread included (default: the cores, at most 8; 1 = serial).
// Rows are generated ground truth (no rendering) with 2 % OCR-like noise; generation time is reported apart and is
// not part of the training time. Training time = feature extraction + SGD epochs + calibration split.
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { predict, trainClassifier } from '../src/classify/model/classifier.ts';
import { explain } from '../src/classify/model/explain.ts';
import { isTask, syntheticRows } from '../src/classify/model/dataset.ts';
import { serializeModel } from '../src/classify/model/model.store.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000' },
    task: { type: 'string', default: 'titolarioClass' },
    seed: { type: 'string', default: '1' },
    predict: { type: 'string', default: '2000' },
    threads: { type: 'string' },
  },
});
const task = values.task;
if (!isTask(task)) throw new Error(`--task must be documentType, titolarioClass or office`);
const n = Number(values.rows);

let t0 = performance.now();
const rows = syntheticRows(task, { rows: n, seed: Number(values.seed) });
const genS = (performance.now() - t0) / 1000;
console.log(`generated ${rows.length} rows in ${genS.toFixed(1)} s`);

const heapBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
t0 = performance.now();
const threads = values.threads === undefined ? undefined : Number(values.threads);
const model = trainClassifier(rows, { task, seed: 1, threads, onProgress: (s) => console.log(`  ${s}`) });
const trainS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU time beside wall time: on a shared machine the wall time also counts the other processes' turns.
const trainCpuS = (cpu.user + cpu.system) / 1e6;
const rssMb = (process.memoryUsage().rss - heapBefore) / 1048576;
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
console.log(
  `trained ${task} on ${rows.length} rows in ${trainS.toFixed(1)} s wall, ${trainCpuS.toFixed(1)} s CPU (RSS change ${rssMb >= 0 ? '+' : ''}${rssMb.toFixed(0)} MB); calibration split accuracy ${model.metrics.accuracy.toFixed(4)}`,
);
// Same data, seed and options give the same weights whatever the threads: compare this line between runs.
const weightsHash = createHash('sha256')
  .update(new Uint8Array(model.linear.weights.buffer))
  .update(new Uint8Array(model.linear.bias.buffer))
  .update(String(model.temperature))
  .digest('hex');
console.log(`model weights sha256 ${weightsHash.slice(0, 16)}, temperature ${model.temperature}`);
const json = serializeModel(model);
console.log(`serialised model: ${(json.length / 1048576).toFixed(1)} MB`);

const probes = syntheticRows(task, { rows: Number(values.predict), seed: Number(values.seed) + 1000 });
for (const p of probes.slice(0, 50)) predict(model, p.text); // warm-up
const times: number[] = [];
const explainTimes: number[] = [];
for (const p of probes) {
  const a = performance.now();
  predict(model, p.text);
  times.push(performance.now() - a);
}
for (const p of probes.slice(0, 200)) {
  const a = performance.now();
  explain(model, p.text);
  explainTimes.push(performance.now() - a);
}
const q = (xs: number[], f: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))]!;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const avgChars = mean(probes.map((p) => p.text.length));
console.log(
  `predict (${probes.length} docs, avg ${avgChars.toFixed(0)} chars): mean ${mean(times).toFixed(2)} ms, p50 ${q(times, 0.5).toFixed(2)} ms, p95 ${q(times, 0.95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`,
);
console.log(
  `predict + explain (200 docs): mean ${mean(explainTimes).toFixed(2)} ms, p95 ${q(explainTimes, 0.95).toFixed(2)} ms`,
);
const ok = trainS < 120 && q(times, 0.95) < 20;
console.log(
  `goals: training < 120 s ${trainS < 120 ? 'met' : 'MISSED'}; prediction < 20 ms/doc (p95) ${q(times, 0.95) < 20 ? 'met' : 'MISSED'}`,
);
process.exitCode = ok ? 0 : 1;
