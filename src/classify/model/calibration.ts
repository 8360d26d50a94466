// Temperature scaling (Guo et al., 2017): one scalar T divides the logits so that the softmax probabilities of a
// held-out split match how often the model is right. It does not change the arg-max, only the confidence, which is
// what the routing threshold reads.
import { softmaxInPlace } from './linear.model.ts';

export const MIN_TEMPERATURE = 0.5;

/** Mean negative log-likelihood of the true labels at temperature T. */
export function nllAt(logits: readonly Float64Array[], ys: ArrayLike<number>, temperature: number): number {
  let total = 0;
  for (let n = 0; n < logits.length; n++) {
    const p = softmaxInPlace(Float64Array.from(logits[n]!), temperature);
    total -= Math.log(Math.max(p[ys[n]!]!, 1e-12));
  }
  return total / Math.max(1, logits.length);
}

/**
 * The temperature minimising held-out NLL (golden-section search on ln T over [0.5, 20]). The lower bound stops
 * a held-out split the model gets entirely right from sharpening every probability to 1 (unbounded NLL would
 * drive T towards 0), which would hide tomorrow's errors behind a confidence of 1.
 */
export function fitTemperature(logits: readonly Float64Array[], ys: ArrayLike<number>): number {
  if (logits.length === 0) return 1;
  const f = (lnT: number): number => nllAt(logits, ys, Math.exp(lnT));
  let lo = Math.log(MIN_TEMPERATURE);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 60 && hi - lo > 1e-4; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Expected calibration error over equal-width confidence bins (report only). */
export function expectedCalibrationError(
  confidences: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): number {
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const acc = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidences.length; i++) {
    const c = confidences[i]!;
    const bin = Math.min(bins - 1, Math.floor(c * bins));
    count[bin]!++;
    conf[bin]! += c;
    if (correct[i]) acc[bin]!++;
  }
  let ece = 0;
  for (let k = 0; k < bins; k++) {
    if (count[k]! > 0) ece += Math.abs(acc[k]! - conf[k]!) / confidences.length;
  }
  return ece;
}
