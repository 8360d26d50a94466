// Plain-text reports of an evaluation: summary, per-class table, confusion matrix, precision/coverage by threshold.
import type { Evaluation, ThresholdPoint } from './metrics.ts';

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const f3 = (n: number): string => (Number.isFinite(n) ? n.toFixed(3) : '—');
const pct = (n: number): string => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '—');

export function formatEvaluation(
  ev: Evaluation,
  opts: { thresholds?: boolean; defaultThreshold?: number } = {},
): string {
  const out: string[] = [];
  out.push(`rows ${ev.rows}   accuracy ${f3(ev.accuracy)}   macro-F1 ${f3(ev.macroF1)}`);
  out.push('');
  out.push(
    table(
      ['class', 'support', 'predicted', 'precision', 'recall', 'F1'],
      ev.perClass.map((c) => [c.label, c.support, c.predicted, f3(c.precision), f3(c.recall), f3(c.f1)]),
    ),
  );
  out.push('');
  out.push('confusion matrix (rows: truth, columns: predicted)');
  const { labels, matrix } = ev.confusion;
  out.push(
    table(
      ['', ...labels.map((_, i) => `#${i + 1}`)],
      matrix.map((row, i) => [`#${i + 1} ${labels[i]}`, ...row.map((n) => (n === 0 ? '.' : n))]),
    ),
  );
  if (opts.thresholds) {
    out.push('');
    out.push(formatThresholds(ev.thresholds, opts.defaultThreshold));
  }
  return out.join('\n');
}

export function formatThresholds(
  points: readonly ThresholdPoint[],
  defaultThreshold?: number,
  title = 'auto-routing by confidence threshold',
): string {
  return `${title}\n${table(
    ['threshold', 'auto-routed', 'share', 'precision'],
    points.map((p) => [
      `${p.threshold}${p.threshold === defaultThreshold ? ' (default)' : ''}`,
      p.routed,
      pct(p.coverage),
      f3(p.precision),
    ]),
  )}`;
}
