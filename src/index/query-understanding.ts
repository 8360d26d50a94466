// Query understanding: references typed in the search box become filters, the rest stays full text.
//
//   "PE 123/1987", "SCIA 45/2019", "pratica edilizia n. 123/87"   → practice "PE 123/1987" (practiceKey format)
//   "prot. 1234/2020", "protocollo 1234 del 12/03/2020"           → protocol "1234/2020" (number/year)
//   "fg 12 mapp 345 sub 6", "foglio 12 particella 345"             → foglio 12, mappale 345 (, subalterno 6)
//   "via Roma 12", "piazza Garibaldi 3/A"                          → address "Via Roma 12" (matched case- and
//                                                                     accent-insensitively by the index)
//
// Recognition reuses the entity extractors of the classifier (src/classify/entities.ts), so a reference typed by a
// user is normalised exactly like the one the index stores for a document. Two query-specific relaxations: practice
// abbreviations typed in lower case ("pe 123/1987") are accepted when directly followed by number/year, and
// addresses are recognised whatever the case of the street name ("via roma 12"). A protocol number without a year
// is left to the full text (the index stores "number/year" keys; the bare number still matches the meta column).

import { extractEntities, formatAddress, formatCadastral, formatPracticeRef, formatProtocol } from '../classify/entities.ts';
import type { SearchFilters } from './search-index.ts';

export type RecognisedKind = 'practice' | 'protocol' | 'cadastral' | 'address';

export interface RecognisedReference {
  kind: RecognisedKind;
  /** The text of the query that was recognised. */
  raw: string;
  /** Normalised value: "PE 123/1987", "1234/2020", "F12 M345 S6", "Via Roma 12". */
  value: string;
}

export interface UnderstoodQuery {
  /** What is left for full-text search. */
  text: string;
  filters: SearchFilters;
  recognised: RecognisedReference[];
}

/** Practice abbreviations that the extractor only accepts in upper case. */
const LOWER_PRACTICE_PREFIX_RE =
  /(?<![\p{L}\p{N}])(p\.?\s?e\.?|p\.?\s?d\.?\s?c\.?|c\.?\s?e\.?|l\.?\s?e\.?|d\.?\s?i\.?\s?a\.?|cond\.?|agi\.?|a\.?\s?p\.?)(?=\s*(?:n(?:r|um)?\s*[.°º:]?\s*)?\d{1,6}\s*\/\s*\d{2,4}(?!\d))/giu;

/** Upper-case the first letter of every word; keeps the string length (offsets stay valid). */
function capitaliseWords(s: string): string {
  return s.replace(/(?<![\p{L}\p{N}'’])\p{Ll}/gu, (c) => {
    const u = c.toUpperCase();
    return u.length === c.length ? u : c;
  });
}

interface Span {
  start: number;
  end: number;
}

/** Turn a search-box query into filters and remaining full text. Never throws. */
export function understandQuery(input: string): UnderstoodQuery {
  const q = typeof input === 'string' ? input : '';
  const filters: SearchFilters = {};
  const recognised: Array<RecognisedReference & Span> = [];
  if (q.trim() === '') return { text: '', filters, recognised: [] };

  const taken: Span[] = [];
  const free = (s: Span): boolean => !taken.some((t) => s.start < t.end && t.start < s.end);
  const take = (kind: RecognisedKind, offset: number, raw: string, value: string): boolean => {
    const span = { start: offset, end: offset + raw.length };
    if (raw.trim() === '' || !free(span)) return false;
    taken.push(span);
    recognised.push({ kind, raw: q.slice(span.start, span.end).trim(), value, ...span });
    return true;
  };

  const upperPrefixes = q.replace(LOWER_PRACTICE_PREFIX_RE, (m) => m.toUpperCase());
  const entities = extractEntities([upperPrefixes]);

  // Cadastral first: "F. 12 mapp. 345" must not be read as anything else.
  for (const m of entities.cadastral) {
    if (filters.foglio !== undefined) break;
    if (take('cadastral', m.offset, m.raw, formatCadastral(m.value))) {
      filters.foglio = m.value.foglio;
      filters.mappale = m.value.mappale;
      if (m.value.subalterno !== undefined) filters.subalterno = m.value.subalterno;
    }
  }
  for (const m of entities.practiceRefs) {
    if (filters.practice !== undefined) break;
    const key = formatPracticeRef(m.value);
    if (take('practice', m.offset, m.raw, key)) filters.practice = key;
  }
  for (const m of entities.protocols) {
    if (filters.protocol !== undefined) break;
    if (m.value.year === undefined) continue;
    const key = formatProtocol(m.value);
    if (take('protocol', m.offset, m.raw, key)) filters.protocol = key;
  }
  for (const m of extractEntities([capitaliseWords(q)]).addresses) {
    if (filters.address !== undefined) break;
    const value = formatAddress(m.value);
    if (take('address', m.offset, m.raw, value)) filters.address = value;
  }

  taken.sort((a, b) => a.start - b.start);
  let text = '';
  let pos = 0;
  for (const t of taken) {
    text += `${q.slice(pos, t.start)} `;
    pos = t.end;
  }
  text += q.slice(pos);
  text = text.replace(/\s+/g, ' ').trim();
  recognised.sort((a, b) => a.start - b.start);
  return { text, filters, recognised: recognised.map(({ kind, raw, value }) => ({ kind, raw, value })) };
}

/** Merge understood filters under explicit ones (a filter set explicitly by the caller wins). */
export function mergeFilters(understood: SearchFilters, explicit: SearchFilters): SearchFilters {
  const out: SearchFilters = { ...understood };
  for (const [k, v] of Object.entries(explicit) as [keyof SearchFilters, unknown][]) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
