// The routing review API as the page reads it (src/classify/review.service.ts, src/api/routes/review.routes.ts).

export interface RoutingAssignment {
  titolarioClass: string;
  office: string;
  assignee?: string;
  practiceId?: string;
}

export interface ReviewItem {
  documentId: string;
  state: 'pending' | 'auto' | 'accepted' | 'corrected';
  suggested: RoutingAssignment;
  current: RoutingAssignment;
  confidence: number; // 0..1
  threshold: number;
  decidedBy: string;
  reasons: string[];
  title?: string;
  filename?: string;
  status?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewList {
  items: ReviewItem[];
  total: number;
}

export interface DecisionResult {
  review: ReviewItem;
  warnings: string[];
}

export interface BulkAcceptResult {
  results: Array<{ documentId: string; result: 'accepted' | 'not-pending' | 'not-found' }>;
  accepted: number;
  notPending: number;
  notFound: number;
}

export interface Correction {
  office: string;
  titolarioClass: string;
  note: string;
}

export const itemTitle = (item: ReviewItem): string =>
  item.title?.trim() || item.filename || item.documentId.slice(0, 12);

/** 0.734 → "73%". */
export const percent = (confidence: number): string =>
  `${Math.round(Math.min(1, Math.max(0, Number.isFinite(confidence) ? confidence : 0)) * 100)}%`;
