// Character and word error rates for OCR evaluation (tests and bench).
// CER = Levenshtein(normalise(expected), normalise(actual)) / length(normalise(expected)), on Unicode code points.

export interface NormaliseOptions {
  /** Map typographic quotes/apostrophes and dashes to ASCII (’ → ', “ → ", – → -). Default false. */
  foldPunctuation?: boolean;
  /** Compare case-insensitively. Default false. */
  ignoreCase?: boolean;
}

/** NFC, whitespace runs (including newlines) collapsed to one space, trimmed. */
export function normaliseText(s: string, opts: NormaliseOptions = {}): string {
  let t = s.normalize('NFC');
  if (opts.foldPunctuation) {
    t = t
      .replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'")
      .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
      .replace(/[\u2010-\u2015\u2212]/g, '-')
      .replace(/\uFB01/g, 'fi')
      .replace(/\uFB02/g, 'fl');
  }
  if (opts.ignoreCase) t = t.toLowerCase();
  return t.replace(/\s+/gu, ' ').trim();
}

/** Levenshtein distance over arrays (code points or words); O(n·m) time, O(min(n,m)) memory. */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  const m = b.length;
  if (m === 0) return a.length;
  let prev = new Uint32Array(m + 1);
  let cur = new Uint32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m]!;
}

/** Character error rate in [0, ∞): edits / expected length (1 when expected is empty and actual is not). */
export function cer(expected: string, actual: string, opts: NormaliseOptions = {}): number {
  const e = Array.from(normaliseText(expected, opts));
  const a = Array.from(normaliseText(actual, opts));
  if (e.length === 0) return a.length === 0 ? 0 : 1;
  return levenshtein(e, a) / e.length;
}

/** Word error rate: edits over whitespace-separated words / expected word count. */
export function wer(expected: string, actual: string, opts: NormaliseOptions = {}): number {
  const e = normaliseText(expected, opts).split(' ').filter(Boolean);
  const a = normaliseText(actual, opts).split(' ').filter(Boolean);
  if (e.length === 0) return a.length === 0 ? 0 : 1;
  return levenshtein(e, a) / e.length;
}
