// SQL pieces of the embedded search index: WHERE clauses of the port's filters and of the tenant scope, and the
// orders of pages and groups (text matches are ordered in memory, pages and groups without text by SQL).
import { addressKey } from './address-key.ts';
import type { SearchFilters, SearchSort } from './search-index.ts';
import { comuneCodes } from './search-query.ts';

/** A text-query match with what ordering and grouping need. */
export interface Candidate {
  id: number;
  r: number; // bm25 rank: lower is better
  doc: string;
  page: number;
  practice: string | null;
  year: number | null;
  comune: string;
}

const byDocPage = (a: Candidate, b: Candidate): number => (a.doc < b.doc ? -1 : a.doc > b.doc ? 1 : a.page - b.page);

/** Order of text-query candidates: by rank, or by year (pages without a year last) then rank; document/page last. */
export function candidateOrder(sort: SearchSort): (a: Candidate, b: Candidate) => number {
  if (sort === 'relevance') return (a, b) => a.r - b.r || byDocPage(a, b);
  const dir = sort === 'year_desc' ? -1 : 1;
  return (a, b) => {
    if (a.year !== b.year) {
      if (a.year === null) return 1;
      if (b.year === null) return -1;
      return dir * (a.year - b.year);
    }
    return a.r - b.r || byDocPage(a, b);
  };
}

/** Page order without a text query (no rank): document/page, or by year first. */
export const PAGE_ORDER: Record<SearchSort, string> = {
  relevance: 'p.document_id, p.page',
  year_desc: 'p.year IS NULL, p.year DESC, p.document_id, p.page',
  year_asc: 'p.year IS NULL, p.year ASC, p.document_id, p.page',
};
/** Group order without a text query (over grouped rows: doc = first document, lo/hi = year range): where each
 *  group's first page falls in PAGE_ORDER. */
export const GROUP_ORDER: Record<SearchSort, string> = {
  relevance: 'doc',
  year_desc: 'hi IS NULL, hi DESC, doc',
  year_asc: 'lo IS NULL, lo ASC, doc',
};

export function filterSql(f: SearchFilters): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.yearFrom !== undefined && Number.isFinite(f.yearFrom)) {
    where.push('p.year >= ?');
    params.push(Math.trunc(f.yearFrom));
  }
  if (f.yearTo !== undefined && Number.isFinite(f.yearTo)) {
    where.push('p.year <= ?');
    params.push(Math.trunc(f.yearTo));
  }
  const exact: [keyof SearchFilters, string][] = [
    ['practice', 'practice'],
    ['procedureType', 'procedure_type'],
    ['documentType', 'document_type'],
    ['titolarioClass', 'titolario_class'],
    ['protocol', 'protocol'],
  ];
  for (const [key, col] of exact) {
    const v = f[key];
    if (v === undefined || v === null) continue;
    where.push(`p.${col} = ?`);
    params.push(String(v));
  }
  if (typeof f.address === 'string' && addressKey(f.address) !== '') {
    // The whole key, or a longer key that continues with a space: "via roma" matches "via roma 12" but not
    // "via romagna 3"; "via roma 12" does not match "via roma 12/a". Both branches walk the address_key index.
    const k = addressKey(f.address);
    where.push('(p.address_key = ? OR (p.address_key >= ? AND p.address_key < ?))');
    params.push(k, `${k} `, `${k}!`);
  }
  const int = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
  const foglio = int(f.foglio);
  const mappale = int(f.mappale);
  const sub = int(f.subalterno);
  if (foglio !== undefined) {
    // Stored as "F12 M345" or "F12 M345 S6": prefix ranges on the cadastral index.
    const base = mappale !== undefined ? `F${foglio} M${mappale}` : `F${foglio}`;
    if (mappale !== undefined && sub !== undefined) {
      where.push('p.cadastral IN (?, ?)');
      params.push(`${base} S${sub}`, base);
    } else {
      where.push('(p.cadastral = ? OR (p.cadastral >= ? AND p.cadastral < ?))');
      params.push(base, `${base} `, `${base}!`);
    }
  } else if (mappale !== undefined) {
    where.push(`(p.cadastral LIKE ? OR p.cadastral LIKE ?)`);
    params.push(`% M${mappale}`, sub !== undefined ? `% M${mappale} S${sub}` : `% M${mappale} S%`);
  }
  const comuni = comuneCodes(f.comuni);
  if (comuni !== null) {
    where.push(`p.comune IN (${marks(comuni.length)})`);
    params.push(...comuni);
  }
  return { where, params };
}

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * The tenant scope as conditions on a page `p`, for scopes that do not see everything (`full` = the Comuni whose
 * restricted pages they see): `hidden` holds for the pages the scope may not see (restricted, of another Comune; the
 * (restricted, comune) index can drive it), `visible` for the others. The latter's columns carry a unary `+` so that
 * it never drives the plan: it keeps most pages, the selective filters' indexes should drive.
 */
export function scopeSql(full: readonly string[]): { hidden: string; visible: string; params: unknown[] } {
  if (full.length === 0) return { hidden: 'p.restricted = 1', visible: '+p.restricted = 0', params: [] };
  return {
    hidden: `p.restricted = 1 AND p.comune NOT IN (${marks(full.length)})`,
    visible: `(+p.restricted = 0 OR +p.comune IN (${marks(full.length)}))`,
    params: [...full],
  };
}

/** Order of text-query candidates in SQL (over the columns of candidateSummarySql's rows), as candidateOrder. */
const CANDIDATE_ORDER: Record<SearchSort, string> = {
  relevance: 'r, document_id, page',
  year_desc: 'year IS NULL, year DESC, r, document_id, page',
  year_asc: 'year IS NULL, year ASC, r, document_id, page',
};

/**
 * One statement that summarises the candidates of a text query in SQL, so that only the page of hits crosses into
 * JS instead of every candidate (turning thousands of rows into JS values, counting them and sorting them in JS was
 * most of a query's CPU). `candidates` is a SELECT of (id, r) newest first with `LIMIT ?` (cap + 1); the first
 * `cap` of them are joined to search_facets. Parameters: those of `candidates`, then cap, limit, offset. Rows are
 * [kind, a, b, c]: kind i < facetCols.length = facet value a counted b times; kind 'n' = count of all candidates
 * (up to cap + 1) a, of the joined ones b, their smallest id c; kind 'h' = a hit: id a, rank b, in order.
 */
export function candidateSummarySql(candidates: string, facetCols: readonly string[], sort: SearchSort): string {
  const facets = facetCols.map(
    (col, i) => `SELECT ${i}, ${col}, count(*), NULL FROM j WHERE ${col} IS NOT NULL GROUP BY ${col}`,
  );
  return `WITH c AS MATERIALIZED (${candidates}),
    j AS MATERIALIZED (SELECT c.id, c.r, s.document_id, s.page, ${facetCols.map((col) => `s.${col}`).join(', ')}
      FROM (SELECT id, r FROM c ORDER BY id DESC LIMIT ?) c CROSS JOIN search_facets s ON s.id = c.id)
    ${facets.join('\n    UNION ALL ')}
    UNION ALL SELECT 'n', (SELECT count(*) FROM c), count(*), min(id) FROM j
    UNION ALL SELECT * FROM (SELECT 'h', id, r, NULL FROM j ORDER BY ${CANDIDATE_ORDER[sort]} LIMIT ? OFFSET ?)`;
}

/** Category filters, each with a (category, year) index of its own (SCHEMA_V2_INDEXES). */
const CATEGORIES: [keyof SearchFilters, string][] = [
  ['procedureType', 'procedure_type'],
  ['documentType', 'document_type'],
  ['titolarioClass', 'titolario_class'],
];

/**
 * The pages of a filter with two or more category filters (procedure, document type, titolario class), as an
 * INTERSECT of one index range per category, or null for fewer. No index serves two categories together, so a plain
 * AND walks one category's index and looks each of its pages up in search_pages to check the other (at 200k pages,
 * "domanda" + "VI.2": 98 ms to count 4,179 pages; the INTERSECT of the two ranges, 2.8 ms). Each arm keeps the year
 * range, which its (category, year) index also serves; the first arm takes every other condition, and `extra` (the
 * scope), for the planner to serve from any index.
 */
export function categorySetSql(
  f: SearchFilters,
  extra: string[],
  extraParams: unknown[],
): { sql: string; params: unknown[] } | null {
  const cats = CATEGORIES.filter(([key]) => f[key] !== undefined && f[key] !== null);
  if (cats.length < 2) return null;
  const years = filterSql({ yearFrom: f.yearFrom, yearTo: f.yearTo });
  const rest: SearchFilters = { ...f, yearFrom: undefined, yearTo: undefined };
  for (const [key] of cats) delete rest[key];
  const others = filterSql(rest);
  const params: unknown[] = [];
  const arms = cats.map(([key, col], i) => {
    const where = [`p.${col} = ?`, ...years.where];
    params.push(String(f[key]), ...years.params);
    if (i === 0) {
      where.push(...others.where, ...extra);
      params.push(...others.params, ...extraParams);
    }
    return `SELECT p.id FROM search_pages p WHERE ${where.join(' AND ')}`;
  });
  return { sql: arms.join(' INTERSECT '), params };
}
