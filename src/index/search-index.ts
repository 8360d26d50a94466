// SearchIndex port: one entry per page, full text plus the document's metadata for filters and facets.

export interface PageEntry {
  documentId: string;
  page: number; // 1-based
  text: string;
  title: string; // short human title of the document (type + practice), boosted over body text
  filename: string;
  year?: number; // year of the practice, else of the protocol, else of the document date
  practice?: string; // normalised practice key, e.g. "PE 123/1987"
  procedureType?: string;
  documentType?: string;
  titolarioClass?: string;
  protocol?: string; // "1234/2020"
  address?: string; // "Via Roma 12"
  cadastral?: string; // "F12 M345 S6"
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
}

export interface SearchQuery {
  q: string;
  filters?: SearchFilters;
  limit?: number; // default 20
  offset?: number;
}

export interface SearchHit {
  documentId: string;
  page: number;
  title: string;
  filename: string;
  practice?: string;
  year?: number;
  snippet: string; // text around the match, matches wrapped in <mark>…</mark>, everything else HTML-escaped
  score: number; // higher is better
}

export type FacetCounts = Record<string, Record<string, number>>; // facet name → value → count

export interface SearchResult {
  total: number; // matching pages
  hits: SearchHit[];
  facets: FacetCounts; // year, procedureType, documentType, titolarioClass
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
