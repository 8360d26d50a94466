// SearchIndex port: one entry per page, full text plus the document's metadata for filters and facets. Each page
// carries its document's Comune and whether it is restricted to that Comune's staff; a query with a TenantScope sees
// the shared pages of every Comune and the restricted pages of the Comuni the scope acts on (tenant-scope.ts).
import type { TenantScope } from '../tenancy/tenant-scope.ts';

export interface PageEntry {
  documentId: string;
  page: number; // 1-based
  text: string;
  title: string; // short human title of the document (type + practice), boosted over body text
  /** The document's subject ("oggetto"), ranked between the title and the body text. */
  subject?: string;
  filename: string;
  year?: number; // year of the practice, else of the protocol, else of the document date
  practice?: string; // normalised practice key, e.g. "PE 123/1987"
  procedureType?: string;
  documentType?: string;
  titolarioClass?: string;
  protocol?: string; // "1234/2020"
  address?: string; // "Via Roma 12"
  cadastral?: string; // "F12 M345 S6"
  /** Code of the Comune holding the document (an empty value is stored as DEFAULT_COMUNE_CODE). */
  comune: string;
  /** Visible only to scopes acting on `comune` (default false: shared with the whole union). */
  restricted?: boolean;
}

export interface SearchFilters {
  yearFrom?: number;
  yearTo?: number;
  practice?: string;
  procedureType?: string;
  documentType?: string;
  titolarioClass?: string;
  protocol?: string; // exact "1234/2020"
  /** Street with or without civic ("Via Roma 12", "piazza garibaldi"), case- and accent-insensitive; without a civic
   *  every civic of the street matches. */
  address?: string;
  /** Cadastral reference: foglio (and mappale); with a subalterno, pages of that unit and of the whole parcel
   *  (no subalterno recorded) match. */
  foglio?: number;
  mappale?: number;
  subalterno?: number;
  /** Pages of any of these Comuni (codes); absent or empty = every Comune. */
  comuni?: string[];
}

export type SearchSort = 'relevance' | 'year_desc' | 'year_asc';

export interface SearchQuery {
  q: string;
  filters?: SearchFilters;
  /** Pages per result, or groups per result when grouping (default 20). */
  limit?: number;
  /** Pages to skip, or groups to skip when grouping. */
  offset?: number;
  /** 'relevance' (default; documents/pages in order when there is no text), or by year (pages without a year last),
   *  relevance breaking ties. */
  sort?: SearchSort;
  /** Group pages by practice; pages of documents in no practice form one group per document. */
  group?: 'practice';
  /** Best pages returned per group (default 3, at most 20). */
  hitsPerGroup?: number;
  /** Who asks: a restricted page is matched, counted and faceted only when the scope acts on its Comune. Without a
   *  scope every page is visible (internal use only; the API always passes the user's scope). */
  scope?: TenantScope;
}

export interface SearchHit {
  documentId: string;
  page: number;
  title: string;
  filename: string;
  practice?: string;
  year?: number;
  documentType?: string;
  procedureType?: string;
  address?: string;
  comune: string;
  snippet: string; // text around the match, matches wrapped in <mark>…</mark>, everything else HTML-escaped
  score: number; // higher is better
}

export interface SearchGroup {
  /** Practice key, or null for the pages of one document that belongs to no practice. */
  practice: string | null;
  /** The group's Comune: practice keys are unique per Comune, so one key in two Comuni makes two groups. */
  comune: string;
  /** Set when practice is null: the document the group stands for. */
  documentId?: string;
  /** The group's best pages, in the order of the query's sort. */
  hits: SearchHit[];
  /** Matching pages in the group. */
  total: number;
}

export type FacetCounts = Record<string, Record<string, number>>; // facet name → value → count

export interface SearchResult {
  total: number; // matching pages
  /** The page of hits; when grouping, the hits of the returned groups in group order. */
  hits: SearchHit[];
  /** Only when grouping: the page of groups, ordered by their best hit. */
  groups?: SearchGroup[];
  /** Only when grouping: matching groups. */
  totalGroups?: number;
  facets: FacetCounts; // year, procedureType, documentType, titolarioClass, comune
  tookMs: number;
  /** True when the query matched so many pages that total and facets were counted over a capped candidate set
   *  and hits were ranked among those candidates only (see sqlite.search-index.ts, query planning). */
  approximate?: boolean;
}

export interface SearchIndex {
  /** Replace every page of a document (idempotent). */
  upsertDocument(documentId: string, pages: PageEntry[]): Promise<void>;
  deleteDocument(documentId: string): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  stats(): Promise<{ documents: number; pages: number }>;
  close(): Promise<void>;
}
