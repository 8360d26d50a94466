// Evaluation of a classifier: accuracy, macro-F1, per-class precision/recall/F1, confusion matrix and the
// precision/coverage trade-off of auto-routing above a confidence threshold.

export interface ClassMetrics {
  label: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ThresholdPoint {
  threshold: number;
  /** Share of documents at or above the threshold (auto-routed). */
  coverage: number;
  /** Accuracy among the auto-routed ones. */
  precision: number;
  routed: number;
}

export interface Evaluation {
  rows: number;
  accuracy: number;
  /** Mean F1 over the labels present in the truth. */
  macroF1: number;
  perClass: ClassMetrics[];
  /** labels[i] are the rows and columns; matrix[truth][predicted]. */
  confusion: { labels: string[]; matrix: number[][] };
  thresholds: ThresholdPoint[];
}

export const REPORT_THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99];

export function evaluate(
  truth: readonly string[],
  predicted: readonly string[],
  confidence: readonly number[],
  thresholds = REPORT_THRESHOLDS,
): Evaluation {
  const labels = [...new Set([...truth, ...predicted])].sort();
  const idx = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  let correct = 0;
  for (let n = 0; n < truth.length; n++) {
    matrix[idx.get(truth[n]!)!]![idx.get(predicted[n]!)!]!++;
    if (truth[n] === predicted[n]) correct++;
  }
  const truthLabels = new Set(truth);
  const perClass: ClassMetrics[] = labels.map((label, i) => {
    const tp = matrix[i]![i]!;
    const support = matrix[i]!.reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((a, row) => a + row[i]!, 0);
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, support, predicted: predictedCount, precision, recall, f1 };
  });
  const scored = perClass.filter((c) => truthLabels.has(c.label));
  const macroF1 = scored.reduce((a, c) => a + c.f1, 0) / Math.max(1, scored.length);
  return {
    rows: truth.length,
    accuracy: truth.length > 0 ? correct / truth.length : NaN,
    macroF1,
    perClass,
    confusion: { labels, matrix },
    thresholds: thresholds.map((t) => thresholdPoint(truth, predicted, confidence, t)),
  };
}

export function thresholdPoint(
  truth: readonly string[],
  predicted: readonly string[],
  confidence: readonly number[],
  threshold: number,
): ThresholdPoint {
  let routed = 0;
  let right = 0;
  for (let n = 0; n < truth.length; n++) {
    if (confidence[n]! >= threshold) {
      routed++;
      if (truth[n] === predicted[n]) right++;
    }
  }
  return {
    threshold,
    routed,
    coverage: truth.length > 0 ? routed / truth.length : 0,
    precision: routed > 0 ? right / routed : NaN,
  };
}

/** Merges evaluations of k folds into one (pooled predictions). */
export function pooled(
  parts: ReadonlyArray<{ truth: string[]; predicted: string[]; confidence: number[] }>,
  thresholds = REPORT_THRESHOLDS,
): Evaluation {
  return evaluate(
    parts.flatMap((p) => p.truth),
    parts.flatMap((p) => p.predicted),
    parts.flatMap((p) => p.confidence),
    thresholds,
  );
}
