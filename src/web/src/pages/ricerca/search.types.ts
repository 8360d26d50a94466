// GET /api/search as the page reads it (src/index/search-index.ts SearchResult + query-understanding.ts). Fields
// marked optional may be absent from older servers; the page shows them when present.

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
  snippet: string;
  score: number;
}

export type RecognisedKind = 'practice' | 'protocol' | 'cadastral' | 'address';

export interface RecognisedReference {
  kind: RecognisedKind;
  raw: string;
  value: string;
}

export interface SearchResponse {
  total: number;
  hits: SearchHit[];
  facets: Record<string, Record<string, number>>;
  tookMs: number;
  approximate?: boolean;
  understood?: { text: string; filters: Record<string, unknown>; recognised: RecognisedReference[] };
}
