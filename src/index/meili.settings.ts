// Index settings of the Meilisearch adapter, and the part of them that differs from what an index already has (so
// that opening an index re-applies nothing when nothing changed: a settings update re-indexes every document).
import { ITALIAN_STOP_WORDS } from './italian-text.ts';
import { TYPO_MIN_LEN_1, TYPO_MIN_LEN_2 } from './query-parser.ts';

export interface MeiliSettings {
  searchableAttributes: string[];
  displayedAttributes: string[];
  filterableAttributes: string[];
  sortableAttributes: string[];
  rankingRules: string[];
  stopWords: string[];
  typoTolerance: { enabled: boolean; minWordSizeForTypos: { oneTypo: number; twoTypos: number } };
  pagination: { maxTotalHits: number };
  faceting: { maxValuesPerFacet: number; sortFacetValuesBy: Record<string, 'count' | 'alpha'> };
}

/** Settings whose order carries no meaning (Meilisearch may return them sorted). */
const UNORDERED = new Set<keyof MeiliSettings>([
  'filterableAttributes',
  'sortableAttributes',
  'stopWords',
  'displayedAttributes',
]);

export function meiliSettings(opts: { maxTotalHits: number; maxFacetValues: number }): MeiliSettings {
  return {
    // Order is rank: a match in the title beats one in the subject, which beats the body text; `meta` (address,
    // cadastral reference, protocol, practice, file name) last, as the embedded engine weights it below the title.
    searchableAttributes: ['title', 'subject', 'text', 'meta'],
    displayedAttributes: ['*'],
    // prettier-ignore
    filterableAttributes: [
      'documentId', 'page', 'year', 'practice', 'groupKey', 'procedureType', 'documentType', 'titolarioClass',
      'protocol', 'addressPrefixes', 'foglio', 'mappale', 'subalterno', 'rev', 'docHead', 'comune', 'restricted',
    ],
    sortableAttributes: ['year', 'documentId', 'page'],
    // `sort` first: a year sort orders strictly by year, relevance breaking ties; without a sort parameter the rule
    // does nothing and the others rank as by default.
    rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
    stopWords: [...ITALIAN_STOP_WORDS].sort(),
    // The embedded engine's bounds (query-parser.ts): one typo from 5 letters, two from 9.
    typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: TYPO_MIN_LEN_1, twoTypos: TYPO_MIN_LEN_2 } },
    pagination: { maxTotalHits: opts.maxTotalHits },
    faceting: { maxValuesPerFacet: opts.maxFacetValues, sortFacetValuesBy: { '*': 'count' } },
  };
}

/** Does `current` already hold every value of `wanted` (extra keys in `current`, e.g. newer defaults, are ignored)? */
function holds(current: unknown, wanted: unknown, unordered: boolean): boolean {
  if (Array.isArray(wanted)) {
    if (!Array.isArray(current) || current.length !== wanted.length) return false;
    if (unordered) {
      const a = [...current].map(String).sort();
      const b = [...wanted].map(String).sort();
      return a.every((v, i) => v === b[i]);
    }
    return wanted.every((v, i) => holds(current[i], v, false));
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (current === null || typeof current !== 'object') return false;
    return Object.entries(wanted).every(([k, v]) => holds((current as Record<string, unknown>)[k], v, false));
  }
  return current === wanted;
}

/** The settings to PATCH so that the index holds `wanted`, or null when it already does. */
export function settingsPatch(
  current: Partial<Record<string, unknown>>,
  wanted: MeiliSettings,
): Partial<MeiliSettings> | null {
  const patch: Partial<MeiliSettings> = {};
  for (const key of Object.keys(wanted) as (keyof MeiliSettings)[]) {
    if (!holds(current[key], wanted[key], UNORDERED.has(key))) (patch as Record<string, unknown>)[key] = wanted[key];
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
