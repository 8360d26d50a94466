// Why the model decided what it did: the words of the text that pushed most towards the chosen label.
// A feature's contribution is value × (weight for the label − mean weight over labels), so a word common to every
// class counts for nothing; hashed features are traced back to the words that produced them, and a feature shared
// by several words (a character n-gram) splits its contribution among them.
import { extractFeatures, type FeatureTrace } from './features.ts';
import type { ClassifierModel, Prediction } from './classifier.ts';
import { predictVector } from './classifier.ts';

export interface TermContribution {
  /** The word as it appears in the text (folded), or an entity indicator such as "[protocol]". */
  term: string;
  contribution: number;
  /** Which feature groups contributed: w word, b bigram, s subject line, c character n-grams, e entity. */
  groups: string[];
}

export interface Explanation extends Prediction {
  topTerms: TermContribution[];
}

export function explain(
  model: ClassifierModel,
  text: string,
  opts: { top?: number; label?: string } = {},
): Explanation {
  const trace: FeatureTrace[] = [];
  const x = extractFeatures(text, model.features, trace);
  const prediction = predictVector(model, x);
  const labels = model.linear.labels;
  const K = labels.length;
  const c = labels.indexOf(opts.label ?? prediction.label);
  const w = model.linear.weights;

  const valueOf = new Map<number, number>();
  for (let k = 0; k < x.indices.length; k++) valueOf.set(x.indices[k]!, x.values[k]!);
  // How many (trace entry, word) sources each index has, to split its contribution.
  const sources = new Map<number, number>();
  for (const t of trace) sources.set(t.index, (sources.get(t.index) ?? 0) + Math.max(1, t.words.length));

  const byTerm = new Map<string, TermContribution>();
  for (const t of trace) {
    const base = t.index * K;
    let mean = 0;
    for (let k = 0; k < K; k++) mean += w[base + k]!;
    mean /= K;
    const total = (valueOf.get(t.index) ?? 0) * (w[base + c]! - mean);
    const words = t.words.length > 0 ? t.words : [`[${t.name}]`];
    const share = total / sources.get(t.index)!;
    for (const word of t.group === 'e' ? [`[${t.name}]`] : words) {
      const entry = byTerm.get(word) ?? { term: word, contribution: 0, groups: [] };
      entry.contribution += share;
      if (!entry.groups.includes(t.group)) entry.groups.push(t.group);
      byTerm.set(word, entry);
    }
  }
  const topTerms = [...byTerm.values()]
    .filter((t) => t.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, opts.top ?? 10);
  return { ...prediction, topTerms };
}
