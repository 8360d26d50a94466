// The trainable classifier: features + softmax regression + temperature, trained from labelled rows for one task
// (documentType, titolarioClass, office or any CSV label). Training keeps a stratified calibration split aside
// (default 10 %) to fit the temperature and to record held-out metrics in the model.
import { fitTemperature, nllAt, expectedCalibrationError } from './calibration.ts';
import { DEFAULT_FEATURE_OPTIONS, extractFeatures, type FeatureOptions, type SparseVector } from './features.ts';
import { extractFeaturesParallel } from './features.parallel.ts';
import { DEFAULT_TRAIN_OPTIONS, scores, softmaxInPlace, trainSoftmax, type LinearModel } from './linear.model.ts';
import { evaluate, type Evaluation } from './metrics.ts';
import { stratifiedSplit, trainingDataHash, type TrainingRow } from './dataset.ts';

export const MODEL_FORMAT = 'faldone-linear-classifier';
export const MODEL_FORMAT_VERSION = 1;
/** Probability at or above which a decision may be applied without review (routing may configure its own). */
export const DEFAULT_THRESHOLD = 0.9;

export interface TrainingInfo {
  rows: number;
  dataHash: string;
  classCounts: Record<string, number>;
  source: string;
  params: {
    epochs: number;
    learningRate: number;
    l2: number;
    stopLoss: number;
    seed: number;
    calibrationShare: number;
    balance: number;
  };
  trainMs: number;
}

export interface ClassifierModel {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  task: string;
  /** Set by the model store when saved. */
  version?: string;
  createdAt: string;
  features: FeatureOptions;
  linear: LinearModel;
  temperature: number;
  threshold: number;
  training: TrainingInfo;
  /** Held-out metrics on the calibration split, after temperature scaling. */
  metrics: {
    rows: number;
    accuracy: number;
    macroF1: number;
    nllBeforeCalibration: number;
    nllAfterCalibration: number;
    ece: number;
  };
  /** Set by a retrain (learning/retrain.ts): the comparison on the shared held-out set that decided promotion. */
  gate?: ModelGate;
}

export interface ModelGate {
  decision: 'promoted' | 'rejected';
  reason: string;
  heldOutRows: number;
  accuracy: number;
  macroF1: number;
  /** What the candidate was compared with: the current model, the keyword rules, or nothing (first model). */
  against?:
    | { kind: 'model'; version: string; accuracy: number; macroF1: number }
    | { kind: 'rules'; accuracy: number; macroF1: number };
}

export interface TrainClassifierOptions {
  task: string;
  source?: string;
  seed?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Early stop once an epoch's mean training loss is below this (default 1e-4). */
  stopLoss?: number;
  /** Share of rows held out for calibration (default 0.1; 0 disables calibration: T = 1). */
  calibrationShare?: number;
  /**
   * Class re-weighting exponent: weight ∝ (n_max / n_c)^balance, 0 = none (default 0.5, which lifts the rare
   * protocol-letter classes against the dominant VI.3 without overshooting).
   */
  balance?: number;
  features?: Partial<FeatureOptions>;
  threshold?: number;
  /**
   * Threads for feature extraction, the calling thread included (default: cores, at most 8; used from 1,000 rows).
   * The model does not depend on it.
   */
  threads?: number;
  onProgress?: (message: string) => void;
}

export interface Prediction {
  label: string;
  probability: number;
  /** Every label with its calibrated probability, best first (sums to 1). */
  probabilities: Array<{ label: string; probability: number }>;
}

export function featurize(rows: readonly { text: string }[], opts: FeatureOptions): SparseVector[] {
  return rows.map((r) => extractFeatures(r.text, opts));
}

export function trainClassifier(rows: readonly TrainingRow[], opts: TrainClassifierOptions): ClassifierModel {
  if (rows.length === 0) throw new Error('no training rows');
  for (const r of rows) {
    if (r.weight !== undefined && !(Number.isFinite(r.weight) && r.weight > 0))
      throw new Error(`invalid row weight ${r.weight}`);
  }
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const features: FeatureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...opts.features };
  const calibrationShare = opts.calibrationShare ?? 0.1;
  const balance = opts.balance ?? 0.5;
  const params = {
    epochs: opts.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs,
    learningRate: opts.learningRate ?? DEFAULT_TRAIN_OPTIONS.learningRate,
    l2: opts.l2 ?? DEFAULT_TRAIN_OPTIONS.l2,
    stopLoss: opts.stopLoss ?? DEFAULT_TRAIN_OPTIONS.stopLoss ?? 0,
    seed,
    calibrationShare,
    balance,
  };
  const { kept, held } =
    calibrationShare > 0 ? stratifiedSplit(rows, calibrationShare, seed) : { kept: [...rows], held: [] };
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const classCounts: Record<string, number> = {};
  for (const r of rows) classCounts[r.label] = (classCounts[r.label] ?? 0) + 1;

  const tf = performance.now();
  // The calibration rows' features too, in the same pass (one start-up of the threads).
  const { vectors, stats } = extractFeaturesParallel(
    [...kept, ...held].map((r) => r.text),
    features,
    { threads: opts.threads },
  );
  const xs = vectors.slice(0, kept.length);
  const heldXs = vectors.slice(kept.length);
  const ys = Int32Array.from(kept.map((r) => labelIndex.get(r.label)!));
  opts.onProgress?.(
    `features: ${vectors.length} rows in ${((performance.now() - tf) / 1000).toFixed(1)} s on ${stats.threads} thread(s)` +
      (stats.threads > 1 ? ` (chunks: ${stats.byWorkers} by workers, ${stats.byMain + stats.takenOver} here)` : ''),
  );

  const keptCounts = new Array<number>(labels.length).fill(0);
  for (const y of ys) keptCounts[y]!++;
  const maxCount = Math.max(...keptCounts);
  const classWeights = Float32Array.from(keptCounts.map((n) => (n > 0 ? Math.pow(maxCount / n, balance) : 1)));

  const weighted = kept.some((r) => r.weight !== undefined && r.weight !== 1);
  const linear = trainSoftmax(xs, ys, labels, 1 << features.bits, {
    ...params,
    classWeights,
    sampleWeights: weighted ? Float32Array.from(kept.map((r) => r.weight ?? 1)) : undefined,
    onEpoch: (e, loss) => opts.onProgress?.(`epoch ${e}/${params.epochs}: loss ${loss.toFixed(4)}`),
  });

  let temperature = 1;
  let metrics: ClassifierModel['metrics'] = {
    rows: 0,
    accuracy: NaN,
    macroF1: NaN,
    nllBeforeCalibration: NaN,
    nllAfterCalibration: NaN,
    ece: NaN,
  };
  if (held.length > 0) {
    const heldLogits = heldXs.map((x) => scores(linear, x));
    const heldYs = held.map((r) => labelIndex.get(r.label)!);
    temperature = fitTemperature(heldLogits, heldYs);
    const predicted = heldLogits.map((z) => softmaxInPlace(Float64Array.from(z), temperature));
    const top = predicted.map((p) => argmax(p));
    const ev = evaluate(
      held.map((r) => r.label),
      top.map((i) => labels[i]!),
      predicted.map((p, n) => p[top[n]!]!),
    );
    metrics = {
      rows: held.length,
      accuracy: ev.accuracy,
      macroF1: ev.macroF1,
      nllBeforeCalibration: nllAt(heldLogits, heldYs, 1),
      nllAfterCalibration: nllAt(heldLogits, heldYs, temperature),
      ece: expectedCalibrationError(
        predicted.map((p, n) => p[top[n]!]!),
        top.map((i, n) => i === heldYs[n]),
      ),
    };
  }
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    task: opts.task,
    createdAt: new Date().toISOString(),
    features,
    linear,
    temperature,
    threshold: opts.threshold ?? DEFAULT_THRESHOLD,
    training: {
      rows: rows.length,
      dataHash: trainingDataHash(rows),
      classCounts,
      source: opts.source ?? 'rows',
      params,
      trainMs: Math.round(performance.now() - t0),
    },
    metrics,
  };
}

/** Calibrated prediction for a text. */
export function predict(model: ClassifierModel, text: string): Prediction {
  return predictVector(model, extractFeatures(text, model.features));
}

export function predictVector(model: ClassifierModel, x: SparseVector): Prediction {
  const p = softmaxInPlace(scores(model.linear, x), model.temperature);
  const probabilities = model.linear.labels
    .map((label, i) => ({ label, probability: p[i]! }))
    .sort((a, b) => b.probability - a.probability);
  const best = probabilities[0]!;
  return { label: best.label, probability: best.probability, probabilities };
}

/** Predictions for many rows, plus the evaluation against their labels. */
export function evaluateModel(
  model: ClassifierModel,
  rows: readonly TrainingRow[],
): { predictions: Prediction[]; evaluation: Evaluation } {
  const predictions = rows.map((r) => predict(model, r.text));
  const evaluation = evaluate(
    rows.map((r) => r.label),
    predictions.map((p) => p.label),
    predictions.map((p) => p.probability),
  );
  return { predictions, evaluation };
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}
