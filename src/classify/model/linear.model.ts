// Multinomial logistic regression (softmax) over hashed sparse features, trained with AdaGrad and L2.
//
// Weights are stored feature-major (w[j*K + c]) so one sparse example touches contiguous memory. L2 is applied
// lazily: only on the coordinates an example touches, a standard approximation for sparse SGD. Classes whose
// gradient is negligible for an example (|p - y| < 1e-4) are skipped, which makes later epochs much cheaper once
// the easy examples are learnt, and training stops early when an epoch's mean loss falls below `stopLoss`. Weights are Float32 both in training and after loading, so a saved model predicts
// exactly what the trained one did.
import { Rng } from '../../samples/random.ts';
import type { SparseVector } from './features.ts';

export interface LinearModel {
  dim: number;
  labels: string[];
  /** dim × K, feature-major. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Weight of each class in the loss (default 1). Used to lift rare classes. */
  classWeights?: Float32Array;
  /** Weight of each example in the loss, multiplied with its class weight (default 1). */
  sampleWeights?: Float32Array;
  /** Stop early once the mean training loss of an epoch falls below this (default 0: never). */
  stopLoss?: number;
  onEpoch?: (epoch: number, meanLoss: number) => void;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'seed'> = {
  epochs: 6,
  learningRate: 0.5,
  l2: 1e-6,
  stopLoss: 1e-4,
};

const SKIP_GRADIENT = 1e-4;
const EPS = 1e-8;

export function trainSoftmax(
  xs: readonly SparseVector[],
  ys: Int32Array,
  labels: string[],
  dim: number,
  opts: TrainOptions,
): LinearModel {
  const K = labels.length;
  const w = new Float32Array(dim * K);
  const gw = new Float32Array(dim * K); // AdaGrad accumulators
  const b = new Float32Array(K);
  const gb = new Float32Array(K);
  const z = new Float64Array(K);
  const g = new Float64Array(K);
  const active = new Int32Array(K);
  const rng = new Rng(opts.seed);
  const order = Array.from({ length: xs.length }, (_, i) => i);
  const { learningRate: lr, l2 } = opts;

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const shuffled = rng.shuffle(order);
    let loss = 0;
    for (const n of shuffled) {
      const x = xs[n]!;
      const y = ys[n]!;
      scoresInto(w, b, K, x, z);
      softmaxInPlace(z, 1);
      const cw = (opts.classWeights ? opts.classWeights[y]! : 1) * (opts.sampleWeights ? opts.sampleWeights[n]! : 1);
      loss -= cw * Math.log(Math.max(z[y]!, 1e-12));
      // Only the classes with a non-negligible gradient are updated (once learnt, usually none).
      let nActive = 0;
      for (let c = 0; c < K; c++) {
        const gc = cw * (z[c]! - (c === y ? 1 : 0));
        if (gc >= SKIP_GRADIENT || gc <= -SKIP_GRADIENT) {
          g[nActive] = gc;
          active[nActive++] = c;
          gb[c] = gb[c]! + gc * gc;
          b[c] = b[c]! - (lr * gc) / Math.sqrt(gb[c]! + EPS);
        }
      }
      if (nActive === 0) continue;
      const { indices, values } = x;
      for (let k = 0; k < indices.length; k++) {
        const base = indices[k]! * K;
        const v = values[k]!;
        for (let a = 0; a < nActive; a++) {
          const at = base + active[a]!;
          const grad = g[a]! * v + l2 * w[at]!;
          const acc = gw[at]! + grad * grad;
          gw[at] = acc;
          w[at] = w[at]! - (lr * grad) / Math.sqrt(acc + EPS);
        }
      }
    }
    const meanLoss = loss / Math.max(1, xs.length);
    opts.onEpoch?.(epoch + 1, meanLoss);
    if (meanLoss < (opts.stopLoss ?? 0)) break; // converged: every example is fitted
  }
  return { dim, labels: [...labels], weights: w, bias: b };
}

/** Raw class scores (logits) of one example. */
export function scores(model: LinearModel, x: SparseVector): Float64Array {
  const out = new Float64Array(model.labels.length);
  scoresInto(model.weights, model.bias, model.labels.length, x, out);
  return out;
}

function scoresInto(w: Float32Array, b: Float32Array, K: number, x: SparseVector, out: Float64Array): void {
  for (let c = 0; c < K; c++) out[c] = b[c]!;
  const { indices, values } = x;
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k]! * K;
    const v = values[k]!;
    for (let c = 0; c < K; c++) out[c] = out[c]! + v * w[base + c]!;
  }
}

/** Softmax of z / temperature, in place; returns z. */
export function softmaxInPlace(z: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) max = Math.max(max, z[c]!);
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    const e = Math.exp((z[c]! - max) / temperature);
    z[c] = e;
    sum += e;
  }
  for (let c = 0; c < z.length; c++) z[c] = z[c]! / sum;
  return z;
}
