// User query → FTS5 MATCH expression.
//
// Nothing the user types reaches FTS5 as syntax: the query is lexed here into words, quoted phrases, prefixes
// (trailing `*`), exclusions (leading `-` or NOT) and OR groups; every word is normalised and stemmed exactly like
// the indexed text (italian-text.ts) and emitted as a double-quoted FTS5 string. Characters such as `(`, `)`, `:`,
// `^`, `+`, `*` inside words and the FTS5 keywords AND / OR / NOT / NEAR are therefore either our own operators or
// plain text, never FTS5 syntax, and cannot cause an SQL error.
//
// Semantics:
//   permesso costruire      both terms (AND)
//   "permesso di costruire" phrase of the stems (stop words dropped on both sides, so "permesso per costruire"
//                           also matches); a quoted single word disables typo tolerance
//   ristruttur*             prefix (≥ 3 characters; shorter prefixes are searched as plain words)
//   -condono / NOT condono  exclusion
//   sanatoria OR condono    either (OR binds the two neighbouring items)
//   123/1987, dell'edificio a chunk that splits into several words becomes a phrase of its non-stop words
//
// Typo tolerance: a plain word of ≥ 5 letters whose term does not occur in the index is replaced by the index terms
// of vocabulary words within Damerau-Levenshtein distance 1 of it (2 from 9 letters), OR-ed (see typoCandidates).
// Words with digits (protocol numbers, cadastral references) and quoted words are never typo-expanded.

import { stemFolded, termOf, tokenize } from './italian-text.ts';

export type QueryAtom =
  | { kind: 'term'; word: string; term: string; exact: boolean }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'phrase'; terms: string[] };

export interface QueryClause {
  /** Alternatives (OR); a clause matches when any atom matches. */
  atoms: QueryAtom[];
  negated: boolean;
}

export interface ParsedQuery {
  /** Clauses AND-ed together (negated ones excluded). */
  clauses: QueryClause[];
  /** True when the query contained at least one word, even if every word was a stop word. */
  hadWords: boolean;
}

export const MAX_QUERY_CHARS = 1000;
export const MAX_ATOMS = 32;
export const MIN_PREFIX_CHARS = 3;
export const TYPO_MIN_LEN_1 = 5;
export const TYPO_MIN_LEN_2 = 9;
export const TYPO_MAX_LEN = 30; // longer "words" (OCR run-ons, pasted junk) get no tolerance: edits grow with length
export const MAX_TYPO_EXPANSIONS = 10;

const QUOTE_CHARS = new Set(['"', '“', '”', '„', '«', '»']);
const WHITESPACE_RE = /\s/u;
const DIGIT_RE = /\p{N}/u;

type LexItem =
  | { kind: 'chunk'; text: string; negated: boolean; prefix: boolean }
  | { kind: 'phrase'; text: string; negated: boolean }
  | { kind: 'or' }
  | { kind: 'not' };

function lex(q: string): LexItem[] {
  const items: LexItem[] = [];
  const n = q.length;
  let i = 0;
  while (i < n) {
    const c = q[i]!;
    if (WHITESPACE_RE.test(c)) {
      i++;
      continue;
    }
    const negatedQuote = c === '-' && i + 1 < n && QUOTE_CHARS.has(q[i + 1]!);
    if (QUOTE_CHARS.has(c) || negatedQuote) {
      const open = negatedQuote ? i + 1 : i;
      let close = open + 1;
      while (close < n && !QUOTE_CHARS.has(q[close]!)) close++;
      items.push({ kind: 'phrase', text: q.slice(open + 1, close), negated: negatedQuote });
      i = close + 1; // an unbalanced quote runs to the end of the query
      continue;
    }
    let j = i;
    while (j < n && !WHITESPACE_RE.test(q[j]!) && !QUOTE_CHARS.has(q[j]!)) j++;
    let chunk = q.slice(i, j);
    i = j;
    if (chunk === 'OR' || chunk === '|') {
      items.push({ kind: 'or' });
      continue;
    }
    if (chunk === 'AND' || chunk === '&&') continue;
    if (chunk === 'NOT') {
      items.push({ kind: 'not' });
      continue;
    }
    let negated = false;
    if (chunk.startsWith('-')) {
      negated = true;
      chunk = chunk.replace(/^-+/, '');
    }
    let prefix = false;
    if (chunk.endsWith('*')) {
      prefix = true;
      chunk = chunk.replace(/\*+$/, '');
    }
    items.push({ kind: 'chunk', text: chunk, negated, prefix });
  }
  return items;
}

/** Parse a user query. Never throws. */
export function parseQuery(input: string): ParsedQuery {
  const q = (input ?? '').slice(0, MAX_QUERY_CHARS);
  const clauses: QueryClause[] = [];
  let hadWords = false;
  let pendingOr = false;
  let pendingNot = false;
  let atomCount = 0;

  for (const item of lex(q)) {
    if (item.kind === 'or') {
      pendingOr = clauses.length > 0;
      continue;
    }
    if (item.kind === 'not') {
      pendingNot = true;
      continue;
    }
    const words = tokenize(item.text);
    if (words.length > 0) hadWords = true;
    let atom: QueryAtom | null = null;
    const contentWords = words.filter((w) => termOf(w.word) !== null);
    if (item.kind === 'phrase') {
      const ts = contentWords.map((w) => termOf(w.word)!);
      if (ts.length === 1) atom = { kind: 'term', word: contentWords[0]!.word, term: ts[0]!, exact: true };
      else if (ts.length > 1) atom = { kind: 'phrase', terms: ts };
    } else {
      const last = words[words.length - 1];
      const othersAreStopWords = words.slice(0, -1).every((w) => termOf(w.word) === null);
      if (item.prefix && last !== undefined && othersAreStopWords && last.word.length >= MIN_PREFIX_CHARS) {
        atom = { kind: 'prefix', prefix: last.word };
      } else if (contentWords.length === 1) {
        const w = contentWords[0]!;
        atom = { kind: 'term', word: w.word, term: termOf(w.word)!, exact: false };
      } else if (contentWords.length > 1) {
        atom = { kind: 'phrase', terms: contentWords.map((w) => termOf(w.word)!) };
      }
    }
    if (atom === null) continue;
    if (atomCount >= MAX_ATOMS) break;
    atomCount++;
    const negated = (item.negated || pendingNot) && !pendingOr;
    pendingNot = false;
    const previous = clauses[clauses.length - 1];
    if (pendingOr && previous !== undefined) {
      previous.atoms.push(atom);
      previous.negated = false; // "a OR -b" makes no sense as an exclusion: treat the group as alternatives
    } else {
      clauses.push({ atoms: [atom], negated });
    }
    pendingOr = false;
  }
  return { clauses, hadWords };
}

/** A folded surface word seen in the index and its index term. */
export interface VocabWord {
  word: string;
  term: string;
}

/** Read access to the index vocabulary, used for typo tolerance and prefix stems. */
export interface Vocabulary {
  /** True when at least one indexed page contains the term. */
  hasTerm(term: string): boolean;
  /** The subset of `candidates` that are known index terms. */
  existingTerms(candidates: readonly string[]): string[];
  /** The subset of `candidates` that are known (folded) words, with their terms. */
  knownWords(candidates: readonly string[]): VocabWord[];
  /** Known words starting with `prefix` whose length is within [minLen, maxLen], at most `limit`. */
  wordsWithPrefix(prefix: string, minLen: number, maxLen: number, limit: number): VocabWord[];
}

/** What a snippet should highlight: exact terms and term/word prefixes. */
export interface Highlight {
  terms: Set<string>;
  prefixes: string[];
}

export interface CompiledQuery {
  /** FTS5 expression of the positive clauses (with NOT for exclusions), or null when there is none. */
  match: string | null;
  /** FTS5 expression of the excluded clauses when there are no positive clauses (caller does NOT IN), else null. */
  exclude: string | null;
  highlight: Highlight;
  /** Typo expansions applied, word → terms (for debugging and tests). */
  expansions: Record<string, string[]>;
}

export function ftsString(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

const EDIT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Every string at Damerau (adjacent transposition) edit distance exactly ≤ 1 of `s`, excluding `s`. */
export function edits1(s: string, alphabet: string = EDIT_ALPHABET): string[] {
  const letters = new Set(alphabet + s);
  const out = new Set<string>();
  for (let i = 0; i <= s.length; i++) {
    const head = s.slice(0, i);
    const tail = s.slice(i);
    if (tail.length > 0) out.add(head + tail.slice(1)); // deletion
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2)); // transposition
    for (const ch of letters) {
      if (tail.length > 0) out.add(head + ch + tail.slice(1)); // substitution
      out.add(head + ch + tail); // insertion
    }
  }
  out.delete(s);
  return [...out];
}

const bagCounts = new Int32Array(65536);

/**
 * Bag distance (the larger of the two multiset differences of the letters): a lower bound of the edit distance (an
 * insertion, deletion or substitution changes it by at most 1, a transposition not at all), in one pass and without
 * allocating, so that most candidates of a typo scan are rejected before the quadratic alignment.
 */
function bagDistance(a: string, b: string): number {
  for (let i = 0; i < a.length; i++) bagCounts[a.charCodeAt(i)]!++;
  for (let i = 0; i < b.length; i++) bagCounts[b.charCodeAt(i)]!--;
  let plus = 0;
  let minus = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    const v = bagCounts[c]!;
    if (v > 0) plus += v;
    bagCounts[c] = 0;
  }
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    const v = bagCounts[c]!;
    if (v < 0) minus -= v;
    bagCounts[c] = 0;
  }
  return Math.max(plus, minus);
}

/** Optimal-string-alignment distance between a and b, or max+1 when it exceeds max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  if (bagDistance(a, b) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]! <= max ? prev[m]! : max + 1;
}

/**
 * Index terms within the typo budget of a word, best first; empty when the word gets no tolerance.
 *
 * Distances are measured on the typed (folded) word against the surface words seen at indexing time, because a
 * typo near the end of a word changes what the stemmer removes ("consolidamnto" stems to "consolidamnt", far from
 * "consolid", though the word is one edit from "consolidamento"). Stem-to-stem distance is added for a typo in
 * another inflection ("permesi" → stem "permes", one edit from "permess" of "permesso").
 */
export function typoCandidates(word: string, term: string, vocab: Vocabulary): string[] {
  if (DIGIT_RE.test(word) || word.length < TYPO_MIN_LEN_1 || word.length > TYPO_MAX_LEN) return [];
  const maxDist = word.length >= TYPO_MIN_LEN_2 ? 2 : 1;
  const best = new Map<string, number>();
  const consider = (t: string, d: number): void => {
    if (t === term || d > maxDist) return;
    const prev = best.get(t);
    if (prev === undefined || d < prev) best.set(t, d);
  };
  for (const w of vocab.knownWords(edits1(word))) consider(w.term, editDistance(word, w.word, maxDist));
  if (maxDist === 2) {
    // Two edits: words sharing the first three letters (two typos that touch the first three letters are missed).
    for (const w of vocab.wordsWithPrefix(word.slice(0, 3), word.length - 2, word.length + 2, 20_000)) {
      if (best.get(w.term) === 1) continue;
      consider(w.term, editDistance(word, w.word, 2));
    }
  }
  if (term.length >= 4) for (const t of vocab.existingTerms(edits1(term))) consider(t, editDistance(term, t, 1));
  return [...best.entries()]
    .sort(
      (a, b) =>
        a[1] - b[1] ||
        Math.abs(a[0].length - term.length) - Math.abs(b[0].length - term.length) ||
        (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    )
    .slice(0, MAX_TYPO_EXPANSIONS)
    .map(([t]) => t);
}

function compileAtom(atom: QueryAtom, vocab: Vocabulary, hl: Highlight, expansions: Record<string, string[]>, positive: boolean): string {
  switch (atom.kind) {
    case 'phrase':
      if (positive) for (const t of atom.terms) hl.terms.add(t);
      return ftsString(atom.terms.join(' '));
    case 'term': {
      if (!atom.exact && !vocab.hasTerm(atom.term)) {
        const cands = typoCandidates(atom.word, atom.term, vocab);
        if (cands.length > 0) {
          expansions[atom.word] = cands;
          if (positive) for (const t of cands) hl.terms.add(t);
          return cands.length === 1 ? ftsString(cands[0]!) : `(${cands.map(ftsString).join(' OR ')})`;
        }
      }
      if (positive) hl.terms.add(atom.term);
      return ftsString(atom.term);
    }
    case 'prefix': {
      // The index holds stems, which can be shorter than the typed prefix ("ristrutturazio*" must find the stem
      // "ristruttur"): also search the stem of the prefix as a prefix, and known terms that are short truncations
      // of it (at most 4 letters shorter).
      const p = atom.prefix;
      const parts = [`${ftsString(p)}*`];
      const prefixes = [p];
      if (!DIGIT_RE.test(p)) {
        const sp = stemFolded(p);
        if (sp !== p && sp.length >= MIN_PREFIX_CHARS) {
          parts.push(`${ftsString(sp)}*`);
          prefixes.push(sp);
        }
        const truncations: string[] = [];
        for (let len = Math.min(sp.length, p.length) - 1; len >= Math.max(4, p.length - 4); len--) truncations.push(p.slice(0, len));
        for (const t of vocab.existingTerms(truncations)) {
          parts.push(ftsString(t));
          if (positive) hl.terms.add(t);
        }
      }
      if (positive) hl.prefixes.push(...prefixes);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    }
  }
}

function compileClause(clause: QueryClause, vocab: Vocabulary, hl: Highlight, expansions: Record<string, string[]>): string {
  const positive = !clause.negated;
  const parts = clause.atoms.map((a) => compileAtom(a, vocab, hl, expansions, positive));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** Turn a parsed query into FTS5 expressions, resolving typos and prefixes against the vocabulary. */
export function compileQuery(parsed: ParsedQuery, vocab: Vocabulary): CompiledQuery {
  const highlight: Highlight = { terms: new Set(), prefixes: [] };
  const expansions: Record<string, string[]> = {};
  const pos = parsed.clauses.filter((c) => !c.negated).map((c) => compileClause(c, vocab, highlight, expansions));
  const neg = parsed.clauses.filter((c) => c.negated).map((c) => compileClause(c, vocab, highlight, expansions));
  if (pos.length === 0) {
    return { match: null, exclude: neg.length === 0 ? null : neg.join(' OR '), highlight, expansions };
  }
  let match = pos.length === 1 ? pos[0]! : pos.map((p) => `(${p})`).join(' AND ');
  for (const n of neg) match = `(${match}) NOT (${n})`;
  return { match, exclude: null, highlight, expansions };
}

