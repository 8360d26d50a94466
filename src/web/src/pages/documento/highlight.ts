// Highlighting of search terms in the viewer's text layer: the query typed in Ricerca (plus the words the server
// marked in the snippets) becomes one regular expression matched case- and accent-insensitively, and every match
// inside a text-layer span is wrapped in <mark class="highlight">.

const STOP_WORDS = new Set(
  (
    'a ad al ai agli alla alle allo anche che chi con col da dal dai dagli dalla dalle dallo de dei degli del della ' +
    'delle dello di e ed gli i il in la le lo ma ne negli nei nel nella nelle nello non o od per se si su sul sui ' +
    'sugli sulla sulle sullo tra fra un una uno and or not'
  ).split(' '),
);
const OPERATORS = new Set(['and', 'or', 'not', 'near']);
const QUOTES = /["“”„«»]/g;
const WORD_CHAR = '[\\p{L}\\p{N}]';

/** Lower case without diacritics ("Agibilità" → "agibilita"). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The folded text with, for each of its UTF-16 units, the start and end offset of the original character. */
export function foldWithMap(s: string): { folded: string; starts: number[]; ends: number[] } {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of s) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + ch.length);
    }
    folded += f;
    i += ch.length;
  }
  return { folded, starts, ends };
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One alternative of the pattern for a query word (already folded). */
function wordPattern(word: string): string {
  if (word.endsWith('*')) return `${escapeRe(word.slice(0, -1))}${WORD_CHAR}*`;
  // Numbers and references ("123/1987") match exactly.
  if (!/^\p{L}+$/u.test(word)) return escapeRe(word);
  // A rough Italian stem: "ristrutturazioni" also finds "ristrutturazione", "permesso" finds "permessi".
  if (word.length >= 5) return `${escapeRe(word.replace(/[aeiou]$/, ''))}\\p{L}{0,3}`;
  return escapeRe(word);
}

/** Words of a query worth highlighting: operators, exclusions and stop words dropped, folded, de-duplicated. */
export function queryWords(query: string | string[] | undefined): string[] {
  const text = Array.isArray(query) ? query.join(' ') : (query ?? '');
  const out = new Set<string>();
  let negateNext = false;
  for (const raw of text.replace(QUOTES, ' ').split(/\s+/)) {
    if (!raw) continue;
    if (raw === 'NOT') {
      negateNext = true;
      continue;
    }
    const negated = negateNext || raw.startsWith('-');
    negateNext = false;
    if (negated) continue;
    const prefix = raw.endsWith('*');
    // Keep inner punctuation of references ("123/1987", "3/a"); trim the rest.
    const core = fold(raw).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (!core || OPERATORS.has(core) || STOP_WORDS.has(core)) continue;
    if (core.length < 2 && !/\p{N}/u.test(core)) continue;
    out.add(prefix && core.length >= 3 ? `${core}*` : core);
  }
  return [...out];
}

/** The pattern matching any of the words on folded text, or null when there is nothing to highlight. */
export function termsPattern(words: string[]): RegExp | null {
  if (words.length === 0) return null;
  // Longest first, so "costruire" wins over a shorter alternative starting at the same place.
  const alternatives = [...words].sort((a, b) => b.length - a.length).map(wordPattern);
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join('|')})(?!${WORD_CHAR})`, 'gu');
}

/** Ranges [start, end) of the original text that match the pattern. */
export function findMatches(text: string, pattern: RegExp): Array<[number, number]> {
  const { folded, starts, ends } = foldWithMap(text);
  const out: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  for (const m of folded.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    const a = m.index;
    const b = a + m[0].length;
    out.push([starts[a]!, ends[b - 1]!]);
  }
  return out;
}

/** Wraps matches inside each element's text in <mark class="highlight">; returns how many were marked. */
export function highlightElements(elements: Iterable<HTMLElement>, pattern: RegExp | null): number {
  if (!pattern) return 0;
  let count = 0;
  for (const el of elements) {
    const text = el.textContent ?? '';
    const matches = findMatches(text, pattern);
    if (matches.length === 0) continue;
    const doc = el.ownerDocument;
    const frag = doc.createDocumentFragment();
    let pos = 0;
    for (const [a, b] of matches) {
      if (a > pos) frag.append(text.slice(pos, a));
      const mark = doc.createElement('mark');
      mark.className = 'highlight';
      mark.textContent = text.slice(a, b);
      frag.append(mark);
      pos = b;
      count++;
    }
    if (pos < text.length) frag.append(text.slice(pos));
    el.replaceChildren(frag);
  }
  return count;
}
