// Italian-aware features of a document text, hashed into a fixed-size sparse vector.
//
// Groups (each L2-normalised on its own, then scaled by its weight, so a long text does not drown the entities):
//   w  stemmed word unigrams (stop words removed; digit runs become a shape such as "d4" so practice numbers do not
//      become features of their own while "445/2000"-like shapes still count)
//   b  bigrams of consecutive unigram terms
//   s  unigram terms of the "Oggetto:" line (the subject says what a letter is about)
//   c  character 3–5-grams of the folded words padded with '<' '>' — robust to OCR errors inside words
//   e  entity indicators (entities.indicators.ts): practice reference (and its procedure / prefix), protocol stamp,
//      cadastral data, address, codice fiscale, partita IVA, applicant, number of dates
// Counts are sublinear (1 + ln tf). Hashing is FNV-1a 32-bit with a final avalanche, masked to 2^bits buckets;
// collisions add up.
import { entityIndicators } from '../entities.indicators.ts';
import { stemFolded, tokenize, isStopWord } from '../../index/italian-text.ts';

export interface FeatureOptions {
  /** log2 of the hashed vector size (default 18 → 262,144 buckets). */
  bits: number;
  charNgrams: { min: number; max: number };
  weights: { w: number; b: number; s: number; c: number; e: number };
  /** Add the entity indicators (default true; false is faster and meant for experiments). */
  entities: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  bits: 18,
  charNgrams: { min: 3, max: 5 },
  weights: { w: 1, b: 0.6, s: 0.6, c: 1, e: 0.5 },
  entities: true,
};

/** Sparse vector: sorted distinct indices with their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/**
 * Where a feature came from (for explanations): the group, a readable name and the source words in the text (none
 * for entity indicators: an explanation names them by their indicator).
 */
export interface FeatureTrace {
  index: number;
  group: keyof FeatureOptions['weights'];
  name: string;
  words: string[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

// Final avalanche so that masking the low bits spreads FNV's weakly mixed outputs.
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const GROUP_SEED = {
  w: fnvString(FNV_OFFSET, 'w:'),
  b: fnvString(FNV_OFFSET, 'b:'),
  s: fnvString(FNV_OFFSET, 's:'),
  c: fnvString(FNV_OFFSET, 'c:'),
  e: fnvString(FNV_OFFSET, 'e:'),
} as const;

const DIGIT_RE = /\d/;
const ALL_DIGITS_RE = /^\d+$/;

/** Unigram term of a folded word, or null for stop words and one-letter noise. */
function unigramTerm(word: string): string | null {
  if (isStopWord(word)) return null;
  if (ALL_DIGITS_RE.test(word)) return `d${word.length}`;
  if (DIGIT_RE.test(word)) return word.replace(/\d+/g, '#');
  if (word.length < 2) return null;
  return stemFolded(word);
}

type Group = keyof FeatureOptions['weights'];

// Counting scratch: a small open-addressing hash table (bucket → count) per group, reused across calls (feature
// extraction is synchronous, so no two calls interleave). A document has a few thousand features: the tables stay
// in cache, unlike a dense array of the whole hashed space, and no Map entries are allocated.
class GroupCounter {
  private keys = new Int32Array(4096).fill(-1);
  private vals = new Float64Array(4096);
  touched: number[] = [];
  /** Slot of each touched key, parallel to `touched`. */
  private slots: number[] = [];

  add(index: number, amount = 1): void {
    let mask = this.keys.length - 1;
    let slot = (Math.imul(index, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const k = this.keys[slot]!;
      if (k === index) {
        this.vals[slot] = this.vals[slot]! + amount;
        return;
      }
      if (k === -1) break;
      slot = (slot + 1) & mask;
    }
    if ((this.touched.length + 1) * 2 > this.keys.length) {
      this.grow();
      mask = this.keys.length - 1;
      slot = (Math.imul(index, 0x9e3779b1) >>> 0) & mask;
      while (this.keys[slot] !== -1) slot = (slot + 1) & mask;
    }
    this.keys[slot] = index;
    this.vals[slot] = amount;
    this.touched.push(index);
    this.slots.push(slot);
  }

  /** Value of a key (0 when absent). */
  get(index: number): number {
    const mask = this.keys.length - 1;
    let slot = (Math.imul(index, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const k = this.keys[slot]!;
      if (k === index) return this.vals[slot]!;
      if (k === -1) return 0;
      slot = (slot + 1) & mask;
    }
  }

  /** Value of the i-th touched key. */
  valueAt(i: number): number {
    return this.vals[this.slots[i]!]!;
  }

  reset(): void {
    for (const slot of this.slots) this.keys[slot] = -1;
    this.touched.length = 0;
    this.slots.length = 0;
  }

  private grow(): void {
    const oldTouched = this.touched.slice();
    const oldValues = oldTouched.map((_, i) => this.valueAt(i));
    this.keys = new Int32Array(this.keys.length * 2).fill(-1);
    this.vals = new Float64Array(this.vals.length * 2);
    this.touched = [];
    this.slots = [];
    oldTouched.forEach((k, i) => this.add(k, oldValues[i]!));
  }
}

const GROUPS: readonly Group[] = ['w', 'b', 's', 'c', 'e'];
const scratch = {
  groups: Object.fromEntries(GROUPS.map((g) => [g, new GroupCounter()])) as Record<Group, GroupCounter>,
  merged: new GroupCounter(),
};

/** Extracts features; pass `trace` to learn what each index stands for (explanations only: slower). */
export function extractFeatures(
  text: string,
  opts: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
  trace?: FeatureTrace[],
): SparseVector {
  const mask = (1 << opts.bits) - 1;
  const { groups, merged } = scratch;
  try {
    return extractInto(text, opts, mask, groups, merged, trace);
  } finally {
    for (const g of GROUPS) groups[g].reset();
    merged.reset();
  }
}

function extractInto(
  text: string,
  opts: FeatureOptions,
  mask: number,
  groups: Record<Group, GroupCounter>,
  merged: GroupCounter,
  trace: FeatureTrace[] | undefined,
): SparseVector {
  const note = (group: Group, index: number, name: string, words: string[]): void => {
    trace?.push({ index, group, name, words });
  };
  const addString = (group: Group, name: string, words: string[]): void => {
    const index = mix(fnvString(GROUP_SEED[group], name)) & mask;
    groups[group].add(index);
    if (trace) note(group, index, name, words);
  };

  const tokens = tokenize(text);
  let prev: { term: string; word: string } | null = null;
  let subjectUntil = -1;
  for (let ti = 0; ti < tokens.length; ti++) {
    const tok = tokens[ti]!;
    const word = tok.word;
    if (word === 'oggetto') {
      const nl = text.indexOf('\n', tok.end);
      subjectUntil = nl < 0 ? text.length : nl;
    }
    const term = unigramTerm(word);
    if (term !== null) {
      addString('w', term, [word]);
      if (tok.start < subjectUntil) addString('s', term, [word]);
      if (prev) addString('b', `${prev.term} ${term}`, [prev.word, word]);
      prev = { term, word };
    }
    if (word.length >= 2 && !DIGIT_RE.test(word)) charNgrams(word, opts, mask, groups.c, trace);
  }

  if (opts.entities) for (const name of entityIndicators(text)) addString('e', name, []);

  // Sublinear counts, per-group L2 normalisation and group weight; merge into one sorted vector.
  for (const g of GROUPS) {
    const counter = groups[g];
    const n = counter.touched.length;
    if (n === 0 || opts.weights[g] <= 0) continue;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const v = 1 + Math.log(counter.valueAt(i));
      norm += v * v;
    }
    const scale = opts.weights[g] / Math.sqrt(norm);
    for (let i = 0; i < n; i++) merged.add(counter.touched[i]!, (1 + Math.log(counter.valueAt(i))) * scale);
  }
  const indices = Int32Array.from(merged.touched).sort();
  const values = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) values[k] = merged.get(indices[k]!);
  return { indices, values };
}

// Character n-grams hashed straight from char codes (no substring allocation: this is the hot loop).
function charNgrams(
  word: string,
  opts: FeatureOptions,
  mask: number,
  counter: GroupCounter,
  trace?: FeatureTrace[],
): void {
  const padded = `<${word}>`;
  const { min, max } = opts.charNgrams;
  for (let i = 0; i + min <= padded.length; i++) {
    let h = GROUP_SEED.c;
    for (let j = i; j < padded.length && j - i < max; j++) {
      h ^= padded.charCodeAt(j);
      h = Math.imul(h, FNV_PRIME);
      if (j - i + 1 >= min) {
        const index = mix(h >>> 0) & mask;
        counter.add(index);
        if (trace) trace.push({ index, group: 'c', name: padded.slice(i, j + 1), words: [word] });
      }
    }
  }
}
