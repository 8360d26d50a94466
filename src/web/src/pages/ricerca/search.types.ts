// GET /api/search as the page reads it (src/index/search-index.ts SearchResult + query-understanding.ts). Fields
// marked optional may be absent from older servers; the page shows them when present.
import type { InventoryView } from '../../types.ts';

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
  /** The Comune holding the document (issue 11). */
  comune?: string;
  comuneName?: string;
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
  /** Practices of the paper inventory matching the search and not yet digitised (at most 10). */
  paper?: { total: number; records: InventoryView[] };
}
