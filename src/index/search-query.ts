// What every SearchIndex adapter does the same way with a SearchQuery: defaults and bounds of paging, sort and
// grouping, and the key that groups pages by practice.
import type { PageEntry, SearchFilters, SearchQuery, SearchSort } from './search-index.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
export const DEFAULT_HITS_PER_GROUP = 3;
export const MAX_HITS_PER_GROUP = 20;
const SORTS: readonly SearchSort[] = ['relevance', 'year_desc', 'year_asc'];

export interface NormalisedQuery {
  q: string;
  filters: SearchFilters;
  limit: number;
  offset: number;
  sort: SearchSort;
  group: boolean;
  hitsPerGroup: number;
}

export function clampInt(v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined || typeof v !== 'number' || !Number.isFinite(v)) return dflt;
  return Math.min(max, Math.max(min, Math.trunc(v)));
}

/** Bounds and defaults; unknown sort or group values fall back to relevance / no grouping. */
export function normaliseQuery(query: SearchQuery): NormalisedQuery {
  return {
    q: typeof query.q === 'string' ? query.q : '',
    filters: query.filters ?? {},
    limit: clampInt(query.limit, DEFAULT_LIMIT, 0, MAX_LIMIT),
    offset: clampInt(query.offset, 0, 0, Number.MAX_SAFE_INTEGER),
    sort: SORTS.includes(query.sort as SearchSort) ? (query.sort as SearchSort) : 'relevance',
    group: query.group === 'practice',
    hitsPerGroup: clampInt(query.hitsPerGroup, DEFAULT_HITS_PER_GROUP, 1, MAX_HITS_PER_GROUP),
  };
}

/**
 * The group of a page: its practice, or its document when it belongs to no practice (unrelated documents without a
 * practice are not lumped into one group that would always rank first). The prefixes keep the two kinds apart.
 */
export function groupKey(practice: string | null | undefined, documentId: string): string {
  return practice !== null && practice !== undefined && practice !== '' ? `p:${practice}` : `d:${documentId}`;
}

/** The checks every adapter makes before writing a document's pages (nothing is written when one fails). */
export function assertPages(documentId: string, pages: readonly PageEntry[]): void {
  if (typeof documentId !== 'string' || documentId === '') throw new Error('documentId must be a non-empty string');
  const seen = new Set<number>();
  for (const p of pages) {
    if (p.documentId !== documentId) {
      throw new Error(`page ${p.page} belongs to document ${p.documentId}, not ${documentId}`);
    }
    if (!Number.isInteger(p.page) || p.page < 1) throw new Error(`invalid page number ${p.page} in ${documentId}`);
    if (seen.has(p.page)) throw new Error(`page ${p.page} appears twice in ${documentId}`);
    seen.add(p.page);
  }
}
