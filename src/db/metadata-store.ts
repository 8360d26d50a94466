// MetadataStore port: batches, documents, pages and the event log. SQLite by default; PostgreSQL later.

export const DOCUMENT_STEPS = ['received', 'preparing', 'ocr', 'assembling', 'classifying', 'archiving', 'indexing'] as const;
export type DocumentStep = (typeof DOCUMENT_STEPS)[number];
export type DocumentStatus = DocumentStep | 'archived' | 'failed';
export const TERMINAL_STATUSES: readonly DocumentStatus[] = ['archived', 'failed'];

export interface Batch {
  id: string;
  label: string;
  source: string; // 'upload' | 'cli' | 'demo' | …
  createdAt: string; // ISO
}

/** 'expanded': a zip container whose entries became items of their own. */
export type BatchItemOutcome = 'accepted' | 'duplicate' | 'rejected' | 'expanded';

export interface BatchItem {
  batchId: string;
  filename: string;
  outcome: BatchItemOutcome;
  documentId?: string; // the new document, or the existing one for a duplicate
  sha256?: string;
  error?: string;
  /** For an expanded container, the items of its entries (in the API answer; each is also its own row). */
  children?: BatchItem[];
}

export interface DocumentRecord {
  id: string; // = sha256 of the original bytes
  sha256: string;
  batchId: string;
  filename: string;
  mediaType: string; // sniffed from content, e.g. image/tiff
  size: number;
  status: DocumentStatus;
  error?: string; // reason of a failure, for people
  failedStep?: string;
  pageCount?: number;
  archiveKey?: string; // prefix of the archive package, e.g. archive/2026/<sha>
  classification?: unknown; // classifier output (JSON)
  title?: string;
  year?: number; // year the package is filed under (ingest year)
  createdAt: string;
  updatedAt: string;
}

export interface PageRecord {
  documentId: string;
  page: number; // 1-based
  widthPx: number;
  heightPx: number;
  dpi: number;
  confidence: number;
  chars: number;
}

export interface EventRecord {
  id: number;
  at: string;
  type: string; // 'received', 'duplicate', 'step.done', 'failed', 'archived', …
  documentId?: string;
  batchId?: string;
  actor: string; // 'system' or a user id
  detail?: Record<string, unknown>;
}

export interface BatchSummary {
  batch: Batch;
  items: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byStatus: Partial<Record<DocumentStatus, number>>;
  done: boolean; // every accepted document reached a terminal status
}

export type DocumentPatch = Partial<Pick<DocumentRecord, 'status' | 'error' | 'failedStep' | 'pageCount' | 'archiveKey' | 'classification' | 'title'>>;

// ---- Records management (issue 7): protocol register, routing review, practices (fascicoli) ----

/**
 * One entry of the protocol register. Protocol-register rules: once registered, a document's protocol number, year
 * and date never change (the adapters refuse UPDATE and DELETE on the table, also at the SQL level).
 */
export interface ProtocolEntry {
  documentId: string;
  number: number;
  year: number;
  date?: string; // ISO yyyy-mm-dd
  /** Where the number came from: 'ocr' (read from the letter) or 'manual' (typed by a person). */
  source: 'ocr' | 'manual';
  registeredAt: string; // ISO
  registeredBy: string; // 'system' or a user id
}

export type RoutingReviewState = 'pending' | 'auto' | 'accepted' | 'corrected';

/** What the system suggests for one document (class, office, assignee) and what a person decided. */
export interface RoutingAssignment {
  titolarioClass: string;
  office: string;
  assignee?: string;
  /** Practice key ("PE 123/1987") or practice id the document belongs to, when a person set it. */
  practiceId?: string;
}

export interface RoutingReview {
  documentId: string;
  /** 'pending' waits for a person; 'auto' was routed without one; 'accepted'/'corrected' were decided by a person. */
  state: RoutingReviewState;
  suggested: RoutingAssignment;
  confidence: number; // 0..1
  threshold: number;
  decidedBy: string; // what suggested: "rules" or "model:…"
  reasons: string[];
  /** The assignment in force: the suggestion until a person decides, then the person's. */
  current: RoutingAssignment;
  reviewer?: string; // user who accepted or corrected
  reviewedAt?: string; // ISO
  reviewNote?: string; // why (free text)
  createdAt: string;
  updatedAt: string;
}

export interface RoutingReviewFilter {
  state?: RoutingReviewState | RoutingReviewState[];
  office?: string; // matches current.office
  titolarioClass?: string; // matches current.titolarioClass
  /** Only reviews updated at or after this ISO time (e.g. decisions since the last retrain). */
  since?: string;
  limit?: number;
  offset?: number;
}

export interface Practice {
  id: string; // uuid
  /** Normalised practice key ("PE 123/1987") when the fascicolo is a numbered practice; absent when grouped by place. */
  key?: string;
  label: string; // for people: "PE 123/1987 — Via Roma 12" or "Foglio 12 mappale 345"
  createdAt: string;
  updatedAt: string;
}

export interface PracticeMember {
  practiceId: string;
  documentId: string;
  /** 0..1: how sure the link is (1 when a person made it). */
  confidence: number;
  /** Why: "practice number PE 123/1987", "same parcel F.12 m.345", "merged by mrossi"… */
  reason: string;
  linkedBy: string; // 'system' or a user id
  /** A link made or confirmed by a person: automatic relinking never moves it. */
  locked: boolean;
  /** Keys of the document used to find its practice (normalised), kept for lookups. */
  practiceKey?: string;
  parcelKey?: string; // "12/345" (foglio/mappale)
  addressKey?: string; // "via roma 12"
  linkedAt: string;
}

export interface PracticeWithCount extends Practice {
  documents: number;
}

export interface MetadataStore {
  /** id and createdAt are given only when rebuilding from the archive packages. */
  createBatch(input: { label: string; source: string; id?: string; createdAt?: string }): Promise<Batch>;
  getBatch(id: string): Promise<Batch | null>;
  listBatches(opts?: { limit?: number; offset?: number }): Promise<Batch[]>;
  batchSummary(id: string): Promise<BatchSummary | null>;
  addBatchItem(item: BatchItem): Promise<void>;
  listBatchItems(batchId: string): Promise<BatchItem[]>;

  /** Insert unless a document with the same sha256 exists; `created` says which happened. */
  createDocument(
    input: Omit<DocumentRecord, 'createdAt' | 'updatedAt' | 'status'> & { createdAt?: string },
  ): Promise<{ created: boolean; document: DocumentRecord }>;
  getDocument(id: string): Promise<DocumentRecord | null>;
  listDocuments(opts: { batchId?: string; status?: DocumentStatus; limit?: number; offset?: number }): Promise<DocumentRecord[]>;
  updateDocument(id: string, patch: DocumentPatch): Promise<void>;

  replacePages(documentId: string, pages: PageRecord[]): Promise<void>;
  listPages(documentId: string): Promise<PageRecord[]>;

  addEvent(event: Omit<EventRecord, 'id' | 'at'> & { at?: string }): Promise<void>;
  listEvents(filter: { documentId?: string; batchId?: string }): Promise<EventRecord[]>;

  // Protocol register (insert-once; never updated or deleted).
  /** Registers the entry unless the document already has one; `created` false returns the existing entry unchanged. */
  registerProtocol(entry: Omit<ProtocolEntry, 'registeredAt'> & { registeredAt?: string }): Promise<{ created: boolean; entry: ProtocolEntry }>;
  getProtocol(documentId: string): Promise<ProtocolEntry | null>;

  // Routing review queue.
  /**
   * Records the system's suggestion for a document. Creates the review, or replaces the suggestion (and `current`)
   * of one still 'pending' or 'auto'; a review a person already decided keeps its decision (only `suggested`,
   * confidence, threshold, decidedBy and reasons are refreshed). Returns the stored review.
   */
  putRoutingSuggestion(input: {
    documentId: string;
    state: 'pending' | 'auto';
    suggested: RoutingAssignment;
    confidence: number;
    threshold: number;
    decidedBy: string;
    reasons: string[];
  }): Promise<RoutingReview>;
  getRoutingReview(documentId: string): Promise<RoutingReview | null>;
  /** Ordered by confidence ascending (least sure first), then createdAt, then documentId. */
  listRoutingReviews(filter?: RoutingReviewFilter): Promise<RoutingReview[]>;
  countRoutingReviews(filter?: Omit<RoutingReviewFilter, 'limit' | 'offset'>): Promise<number>;
  /**
   * A person's decision. With `expectState`, applies only if the review is still in one of those states (optimistic
   * concurrency: two reviewers cannot both decide the same pending item); returns null when the review does not exist
   * or is not in an expected state.
   */
  decideRoutingReview(input: {
    documentId: string;
    state: 'accepted' | 'corrected';
    current: RoutingAssignment;
    reviewer: string;
    note?: string;
    at?: string;
    expectState?: RoutingReviewState[];
  }): Promise<RoutingReview | null>;

  // Practices (fascicoli) and their documents. A document belongs to at most one practice.
  /** Creates a practice; with a key, returns the existing practice of that key instead (`created` false). */
  createPractice(input: { key?: string; label: string; id?: string }): Promise<{ created: boolean; practice: Practice }>;
  getPractice(id: string): Promise<Practice | null>;
  getPracticeByKey(key: string): Promise<Practice | null>;
  updatePractice(id: string, patch: { key?: string | null; label?: string }): Promise<void>;
  /** Deletes a practice that has no documents left; returns false (and deletes nothing) when it still has some. */
  deletePracticeIfEmpty(id: string): Promise<boolean>;
  /** With `q`, practices whose key or label contains it (case-insensitive). Ordered by key, then label, then id. */
  listPractices(opts?: { q?: string; limit?: number; offset?: number }): Promise<PracticeWithCount[]>;
  /** Puts the document in the practice (moving it out of any other one). */
  linkDocument(member: Omit<PracticeMember, 'linkedAt'> & { linkedAt?: string }): Promise<void>;
  unlinkDocument(documentId: string): Promise<void>;
  practiceMember(documentId: string): Promise<PracticeMember | null>;
  /** Members ordered by linkedAt then documentId. */
  listPracticeMembers(practiceId: string): Promise<PracticeMember[]>;
  /** Practices having a member with any of these keys, with which key matched (a practice may appear once per key). */
  findPracticesByKeys(keys: { practiceKey?: string; parcelKey?: string; addressKey?: string }): Promise<
    Array<{ practiceId: string; matchedOn: 'practiceKey' | 'parcelKey' | 'addressKey'; documents: number }>
  >;
  /** Moves every member of `fromIds` into `intoId` in one transaction, then deletes the emptied practices. */
  mergePractices(intoId: string, fromIds: string[], by: { actor: string; reason: string }): Promise<number>;

  close(): Promise<void>;
}
