// What every SearchIndex adapter does the same way with a SearchQuery: defaults and bounds of paging, sort and
// grouping, the tenant scope and Comuni filter, and the key that groups pages by (Comune, practice).
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
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
  /** Comuni whose restricted pages the query sees; null = every Comune (no scope, or scope '*'). */
  fullComuni: string[] | null;
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
    fullComuni: query.scope === undefined ? null : scopeComuni(query.scope),
  };
}

/** Distinct non-empty Comune codes of a list (sorted, so equal lists build equal statements), or null when none. */
export function comuneCodes(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  const codes = [
    ...new Set(v.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim())),
  ];
  return codes.length > 0 ? codes.sort() : null;
}

/** The scope's full Comuni; a malformed scope (from untyped callers) sees no restricted page: it fails closed. */
function scopeComuni(scope: unknown): string[] | null {
  const full = (scope as { full?: unknown } | null)?.full;
  if (full === '*') return null;
  return comuneCodes(full) ?? [];
}

/** The Comune a page is stored under: its own, or DEFAULT_COMUNE_CODE when a caller left it empty. */
export function pageComune(p: Pick<PageEntry, 'comune'>): string {
  return typeof p.comune === 'string' && p.comune.trim() !== '' ? p.comune.trim() : DEFAULT_COMUNE_CODE;
}

/**
 * The group of a page: its practice within its Comune (practice keys are unique per Comune only), or its document
 * when it belongs to no practice (unrelated documents without a practice are not lumped into one group that would
 * always rank first). The prefixes keep the two kinds apart; a Comune code holds no ':'.
 */
export function groupKey(practice: string | null | undefined, documentId: string, comune: string): string {
  return practice !== null && practice !== undefined && practice !== '' ? `p:${comune}:${practice}` : `d:${documentId}`;
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
