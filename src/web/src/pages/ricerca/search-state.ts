// The search as it lives in the URL hash (`#/ricerca?q=…&yearFrom=…&documentType=…&comune=E730,A547&pagina=2`), so
// that back/forward and shared links reproduce it, and the GET /api/search parameters derived from it.
import type { QueryParams } from '../../api.ts';
import { href } from '../../router.ts';

export const PAGE_SIZE = 20;

/** Facets the engine returns that map one-to-one onto a filter parameter of GET /api/search. */
export const FACET_FILTERS = ['documentType', 'procedureType', 'titolarioClass'] as const;
export type FacetFilter = (typeof FACET_FILTERS)[number];

export interface SearchState {
  q: string;
  yearFrom?: number;
  yearTo?: number;
  documentType?: string;
  procedureType?: string;
  titolarioClass?: string;
  /** Comuni to search (codes); empty = the whole union. */
  comuni: string[];
  /** 1-based page of results. */
  pagina: number;
}

const year = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n < 10000 ? n : undefined;
};
const text = (v: string | null): string | undefined => (v !== null && v.trim() !== '' ? v.trim() : undefined);
/** "E730,A547" → ['E730', 'A547'] (upper case, no repeats, at most 50). */
const comuniOf = (v: string | null): string[] =>
  [
    ...new Set(
      (v ?? '')
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter((c) => /^[A-Z0-9_-]{1,16}$/.test(c)),
    ),
  ].slice(0, 50);

export function readState(params: URLSearchParams): SearchState {
  const pagina = Math.floor(Number(params.get('pagina')));
  return {
    q: params.get('q') ?? '',
    yearFrom: year(params.get('yearFrom')),
    yearTo: year(params.get('yearTo')),
    documentType: text(params.get('documentType')),
    procedureType: text(params.get('procedureType')),
    titolarioClass: text(params.get('titolarioClass')),
    comuni: comuniOf(params.get('comune')),
    pagina: Number.isFinite(pagina) && pagina >= 1 ? pagina : 1,
  };
}

/** The hash of a search; page 1 is left out so that a new search and its first page share one URL. */
export function stateHref(s: SearchState): string {
  return href('ricerca', [], {
    q: s.q.trim() || undefined,
    yearFrom: s.yearFrom,
    yearTo: s.yearTo,
    documentType: s.documentType,
    procedureType: s.procedureType,
    titolarioClass: s.titolarioClass,
    comune: s.comuni.length ? s.comuni.join(',') : undefined,
    pagina: s.pagina > 1 ? s.pagina : undefined,
  });
}

/** True when there is something to search for (text or at least one filter). */
export function hasQuery(s: SearchState): boolean {
  return (
    s.q.trim() !== '' ||
    s.yearFrom !== undefined ||
    s.yearTo !== undefined ||
    s.comuni.length > 0 ||
    FACET_FILTERS.some((f) => s[f] !== undefined)
  );
}

export function apiParams(s: SearchState): QueryParams {
  return {
    q: s.q.trim(),
    yearFrom: s.yearFrom,
    yearTo: s.yearTo,
    documentType: s.documentType,
    procedureType: s.procedureType,
    titolarioClass: s.titolarioClass,
    comune: s.comuni.length ? s.comuni.join(',') : undefined,
    limit: PAGE_SIZE,
    offset: (s.pagina - 1) * PAGE_SIZE,
  };
}
