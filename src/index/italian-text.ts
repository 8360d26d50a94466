// Italian text normalisation shared by indexing, querying and snippet highlighting.
//
// Pipeline for every word: lower-case → accent folding (à→a, é→e, …) → stop-word check → Snowball Italian stem.
// Folding happens BEFORE stemming on purpose: the Snowball Italian stemmer treats accented and unaccented forms
// differently ("abitabilità" → "abit" but "abitabilita" → "abitabil"), while OCR output and users type both.
// Folding first makes "città", "citta" and the typewriter form "citta'" all produce the same term.
//
// Apostrophes are separators: elided articles/prepositions ("dell'", "l'", "un'") become separate tokens that the
// stop-word list removes, so "dell'edificio" indexes as "edificio". End-of-line hyphenation ("ristruttu-\nrazione")
// is joined into one word.

import snowball from 'snowball-stemmers';

export interface WordToken {
  /** Offset of the first character in the source string. */
  start: number;
  /** Offset after the last character in the source string. */
  end: number;
  /** Lower-cased, accent-folded, de-hyphenated word. */
  word: string;
}

export interface AnalyzedToken extends WordToken {
  /** Index term (stem of `word`), or null when `word` is a stop word. */
  term: string | null;
}

// A word: letters, digits and combining marks (NFD input), optionally continued across an end-of-line hyphen.
const WORD_RE = /[\p{L}\p{N}\p{M}]+(?:-[ \t]*\r?\n[ \t]*[\p{L}\p{N}\p{M}]+)*/gu;
const HYPHEN_BREAK_RE = /-[ \t]*\r?\n[ \t]*/g;
const COMBINING_MARK_RE = /\p{M}+/gu;
const NON_ASCII_RE = /[^\x00-\x7f]/;
const HAS_DIGIT_RE = /\p{N}/u;

// Letters that do not decompose under NFD.
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_FOLD_RE = new RegExp(`[${Object.keys(SPECIAL_FOLDS).join('')}]`, 'g');

/** Lower-case and remove diacritics: "Città" → "citta", "PERCHÉ" → "perche". */
export function foldAccents(input: string): string {
  const lower = input.toLowerCase();
  if (!NON_ASCII_RE.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(COMBINING_MARK_RE, '')
    .replace(SPECIAL_FOLD_RE, (c) => SPECIAL_FOLDS[c] ?? c)
    .normalize('NFC');
}

/**
 * Conservative Italian stop words (folded forms): articles, prepositions (simple and articulated), elided forms,
 * conjunctions and a few pronouns / forms of "essere" and "avere". Deliberately NOT the full Snowball list: words
 * such as "stato" ("stato legittimo", "stato di fatto"), "fatto", "sopra", "sotto", "fine" carry meaning in
 * building-practice records.
 */
export const ITALIAN_STOP_WORDS: ReadonlySet<string> = new Set([
  // articles
  'il', 'lo', 'la', 'i', 'gli', 'le', 'un', 'uno', 'una',
  // simple prepositions
  'di', 'a', 'da', 'in', 'con', 'su', 'per', 'tra', 'fra',
  // articulated prepositions
  'del', 'dello', 'della', 'dei', 'degli', 'delle', 'dell',
  'al', 'allo', 'alla', 'ai', 'agli', 'alle', 'all',
  'dal', 'dallo', 'dalla', 'dai', 'dagli', 'dalle', 'dall',
  'nel', 'nello', 'nella', 'nei', 'negli', 'nelle', 'nell',
  'sul', 'sullo', 'sulla', 'sui', 'sugli', 'sulle', 'sull',
  'col', 'coi', 'coll',
  // elision remnants ("l'", "d'", "c'è", "s'", "m'", "t'", "v'", "quest'", "quell'")
  'l', 'd', 'c', 's', 'm', 't', 'v', 'quest', 'quell',
  // conjunctions and frequent function words
  'e', 'ed', 'o', 'od', 'ma', 'che', 'se', 'ne', 'ci', 'vi', 'si', 'come', 'anche', 'perche', 'quindi',
  'oppure', 'ovvero', 'nonche', 'cui', 'quale', 'quali', 'questo', 'questa', 'questi', 'queste', 'quello',
  'quella', 'quelli', 'quelle', 'gia', 'piu', 'mi', 'ti', 'lui', 'lei', 'loro', 'suo', 'sua', 'suoi', 'sue',
  // essere / avere, most frequent forms
  // ("è" folds to "e", listed above; "ai" is listed with the prepositions)
  'sono', 'era', 'erano', 'essere', 'ha', 'hanno', 'ho', 'abbia', 'avere',
]);

export function isStopWord(foldedWord: string): boolean {
  return ITALIAN_STOP_WORDS.has(foldedWord);
}

const stemmer = snowball.newStemmer('italian');
const STEM_CACHE_MAX = 200_000;
let stemCache = new Map<string, string>();

/**
 * Index term of a folded word (no stop-word check): Snowball Italian stem for alphabetic words, the word itself for
 * anything containing a digit ("1987", "f12", "345bis").
 */
export function stemFolded(foldedWord: string): string {
  if (HAS_DIGIT_RE.test(foldedWord)) return foldedWord;
  const cached = stemCache.get(foldedWord);
  if (cached !== undefined) return cached;
  let stem = stemmer.stem(foldedWord);
  if (stem.length === 0) stem = foldedWord;
  if (stemCache.size >= STEM_CACHE_MAX) stemCache = new Map();
  stemCache.set(foldedWord, stem);
  return stem;
}

/** Term for a folded word, or null for a stop word. */
export function termOf(foldedWord: string): string | null {
  if (foldedWord.length === 0 || ITALIAN_STOP_WORDS.has(foldedWord)) return null;
  return stemFolded(foldedWord);
}

/** Words of a text with their source offsets (folded, de-hyphenated); stop words included. */
export function tokenize(text: string): WordToken[] {
  const out: WordToken[] = [];
  WORD_RE.lastIndex = 0;
  for (let m = WORD_RE.exec(text); m !== null; m = WORD_RE.exec(text)) {
    const raw = m[0];
    const joined = raw.includes('\n') ? raw.replace(HYPHEN_BREAK_RE, '') : raw;
    const word = foldAccents(joined);
    if (word.length === 0) continue;
    out.push({ start: m.index, end: m.index + raw.length, word });
  }
  return out;
}

/** Words with their index term (null for stop words). */
export function analyze(text: string): AnalyzedToken[] {
  // Explicit object literals: an object spread here made analysis 3× slower.
  return tokenize(text).map((t) => ({ start: t.start, end: t.end, word: t.word, term: termOf(t.word) }));
}

/** Index terms of a text in order, stop words removed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    const term = termOf(t.word);
    if (term !== null) out.push(term);
  }
  return out;
}

/** The space-separated term stream stored in the full-text index for a text. */
export function indexStream(text: string): string {
  return terms(text).join(' ');
}
