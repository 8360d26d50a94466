// MetadataStore port: batches, documents, pages and the event log. SQLite by default; PostgreSQL later.
// Every batch, document, practice and protocol entry belongs to one Comune of the union (tenancy, issue 11); list
// methods take `comuni` and `scope` filters so the SQL does the filtering.
import type { PageQuality } from '../scan/page-quality.ts';
import type { TenantScope } from '../tenancy/tenant-scope.ts';
import type { PageVersionStore } from './page-versions.ts';

export const DOCUMENT_STEPS = ['received', 'preparing', 'ocr', 'assembling', 'classifying', 'archiving', 'indexing'] as const;
export type DocumentStep = (typeof DOCUMENT_STEPS)[number];
/** 'split': a box scan split into documents of its own (kept as an original, never OCR'd). */
export type DocumentStatus = DocumentStep | 'archived' | 'failed' | 'split';
export const TERMINAL_STATUSES: readonly DocumentStatus[] = ['archived', 'failed', 'split'];

/** How a box scan is split: at separator sheets, or at separator sheets and blank pages. */
export const BOX_SPLIT_MODES = ['separators', 'separators+blank'] as const;
export type BoxSplitMode = (typeof BOX_SPLIT_MODES)[number];

/** Where a document split out of a box scan came from, and what its separator sheet said. */
export interface SplitOrigin {
  /** Document id (sha256) of the box scan. */
  boxScan: string;
  boxFilename: string;
  /** 1-based part index in the box scan. */
  part: number;
  /** Pages of the box scan this document holds (1-based, in order). */
  pages: number[];
  separatorPages: number[];
  blankPages: number[];
  warnings: string[];
  /** From the separator sheets: the classifier takes them instead of guessing. */
  hints: {
    practiceKey?: string;
    /** The Comune printed on the practice separator (a name, as on the sheet). */
    comune?: string;
    proc?: string;
    box?: string;
    documentType?: string;
  };
}

export interface Batch {
  id: string;
  label: string;
  source: string; // 'upload' | 'cli' | 'demo' | …
  /** Comune the batch was loaded for; its documents belong to it. */
  comune: string;
  /** Default of its documents: restricted to the Comune's staff instead of shared with the union. */
  restricted: boolean;
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
  /** Comune holding the document (its batch's when created; a duplicate keeps the first document's). */
  comune: string;
  /** Visible only to the staff of its Comune (TenantScope.full), not shared with the union. */
  restricted: boolean;
  /** Set on a box scan to split into documents instead of OCR'ing it. */
  boxSplit?: BoxSplitMode;
  /** Set on a document split out of a box scan. */
  splitOrigin?: SplitOrigin;
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
  /** Page quality warnings and measures of a scanned page (absent: not checked, e.g. a text-layer PDF page). */
  quality?: PageQuality;
}

/** A page's quality as the prepare step records it, before OCR (the page row is created if missing). */
export type PageQualityInput = Pick<PageRecord, 'page' | 'widthPx' | 'heightPx' | 'dpi'> & { quality: PageQuality };

/** The quality of one page of a batch, with its document. */
export interface BatchPageQuality {
  documentId: string;
  page: number;
  quality: PageQuality;
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

/** `comune` and `restricted`, like `status`, cannot be cleared: patched to undefined they are left as they are. */
export type DocumentPatch = Partial<
  Pick<
    DocumentRecord,
    | 'status'
    | 'error'
    | 'failedStep'
    | 'pageCount'
    | 'archiveKey'
    | 'classification'
    | 'title'
    | 'comune'
    | 'restricted'
    | 'boxSplit'
    | 'splitOrigin'
  >
>;

/** A new document: `comune` and `restricted` default to its batch's. */
export type NewDocument = Omit<
  DocumentRecord,
  'createdAt' | 'updatedAt' | 'status' | 'comune' | 'restricted' | 'boxSplit' | 'splitOrigin'
> & {
  createdAt?: string;
  comune?: string;
  restricted?: boolean;
};

/** Which documents a list or count covers. An empty `comuni` list matches nothing. */
export interface DocumentFilter {
  batchId?: string;
  status?: DocumentStatus;
  /** Only documents of these Comuni. */
  comuni?: readonly string[];
  /** Only documents the scope may see: shared ones, and restricted ones of the Comuni in `scope.full`. */
  scope?: TenantScope;
}

export interface NewBatch {
  label: string;
  source: string;
  /** Default DEFAULT_COMUNE_CODE. */
  comune?: string;
  /** Default false. */
  restricted?: boolean;
  /** Given only when rebuilding from the archive packages. */
  id?: string;
  createdAt?: string;
}

/** Which batches a list or count covers. An empty `comuni` list matches nothing. */
export interface BatchFilter {
  comuni?: readonly string[];
}

/** A change across Comuni the store refuses (e.g. merging practices of two Comuni). */
export class ComuneMismatchError extends Error {
  override name = 'ComuneMismatchError';
  readonly statusCode = 409;
  readonly code = 'COMUNE_MISMATCH';
}

// ---- Records management (issue 7): protocol register, routing review, practices (fascicoli) ----

/**
 * One entry of the protocol register. Protocol-register rules: once registered, a document's protocol number, year
 * and date never change (the adapters refuse UPDATE and DELETE on the table, also at the SQL level).
 */
export interface ProtocolEntry {
  documentId: string;
  /** The document's Comune: each Comune keeps its own register. */
  comune: string;
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
  /** Only reviews of documents of these Comuni (an empty list matches nothing). */
  comuni?: readonly string[];
  /** Only reviews updated at or after this ISO time (e.g. decisions since the last retrain). */
  since?: string;
  limit?: number;
  offset?: number;
}

export interface Practice {
  id: string; // uuid
  /** Comune of the practice; keys are unique per Comune, and only its documents belong to it. */
  comune: string;
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

/** Page versions (rescanned pages): see page-versions.ts. */
export interface MetadataStore extends PageVersionStore {
  /** id and createdAt are given only when rebuilding from the archive packages. */
  createBatch(input: NewBatch): Promise<Batch>;
  getBatch(id: string): Promise<Batch | null>;
  /** Newest first. */
  listBatches(opts?: BatchFilter & { limit?: number; offset?: number }): Promise<Batch[]>;
  countBatches(filter?: BatchFilter): Promise<number>;
  batchSummary(id: string): Promise<BatchSummary | null>;
  addBatchItem(item: BatchItem): Promise<void>;
  listBatchItems(batchId: string): Promise<BatchItem[]>;

  /** Insert unless a document with the same sha256 exists; `created` says which happened. */
  createDocument(input: NewDocument): Promise<{ created: boolean; document: DocumentRecord }>;
  /** With `scope`, null also for a document the scope may not see (no existence leak). */
  getDocument(id: string, scope?: TenantScope): Promise<DocumentRecord | null>;
  /** In creation order. */
  listDocuments(opts: DocumentFilter & { limit?: number; offset?: number }): Promise<DocumentRecord[]>;
  countDocuments(filter?: DocumentFilter): Promise<number>;
  updateDocument(id: string, patch: DocumentPatch): Promise<void>;

  replacePages(documentId: string, pages: PageRecord[]): Promise<void>;
  listPages(documentId: string): Promise<PageRecord[]>;
  /**
   * Records the quality of pages before OCR: updates the quality of existing page rows, creates missing rows
   * (confidence and chars 0 until the assemble step replaces them, carrying the quality over).
   */
  savePageQuality(documentId: string, pages: PageQualityInput[]): Promise<void>;
  /** Pages with a recorded quality of the documents the filter covers (a batch), ordered by document then page. */
  listPageQuality(filter: DocumentFilter): Promise<BatchPageQuality[]>;

  addEvent(event: Omit<EventRecord, 'id' | 'at'> & { at?: string }): Promise<void>;
  listEvents(filter: { documentId?: string; batchId?: string }): Promise<EventRecord[]>;

  // Protocol register (insert-once; never updated or deleted).
  /**
   * Registers the entry unless the document already has one; `created` false returns the existing entry unchanged.
   * Without `comune`, the entry takes the document's (DEFAULT_COMUNE_CODE for a document the store does not hold).
   */
  registerProtocol(
    entry: Omit<ProtocolEntry, 'registeredAt' | 'comune'> & { registeredAt?: string; comune?: string },
  ): Promise<{ created: boolean; entry: ProtocolEntry }>;
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
  /**
   * Creates a practice of `comune` (default DEFAULT_COMUNE_CODE); with a key, returns the existing practice of that
   * key in that Comune instead (`created` false).
   */
  createPractice(input: {
    key?: string;
    label: string;
    id?: string;
    comune?: string;
  }): Promise<{ created: boolean; practice: Practice }>;
  getPractice(id: string): Promise<Practice | null>;
  /** With `comune`, that Comune's practice of the key; without, the key's practice in the first Comune by code. */
  getPracticeByKey(key: string, comune?: string): Promise<Practice | null>;
  /** A key another practice of the same Comune has is refused. */
  updatePractice(id: string, patch: { key?: string | null; label?: string }): Promise<void>;
  /** Deletes a practice that has no documents left; returns false (and deletes nothing) when it still has some. */
  deletePracticeIfEmpty(id: string): Promise<boolean>;
  /**
   * With `q`, practices whose key or label contains it (case-insensitive); with `comuni`, only those Comuni's (an
   * empty list matches nothing). Ordered by key, then label, then id.
   */
  listPractices(opts?: {
    q?: string;
    comuni?: readonly string[];
    limit?: number;
    offset?: number;
  }): Promise<PracticeWithCount[]>;
  /**
   * Puts the document in the practice (moving it out of any other one). A document the store holds goes only into a
   * practice of its own Comune (ComuneMismatchError otherwise).
   */
  linkDocument(member: Omit<PracticeMember, 'linkedAt'> & { linkedAt?: string }): Promise<void>;
  unlinkDocument(documentId: string): Promise<void>;
  practiceMember(documentId: string): Promise<PracticeMember | null>;
  /** Members ordered by linkedAt then documentId. */
  listPracticeMembers(practiceId: string): Promise<PracticeMember[]>;
  /**
   * Practices having a member with any of these keys, with which key matched (a practice may appear once per key);
   * with `comune`, only that Comune's practices.
   */
  findPracticesByKeys(
    keys: { practiceKey?: string; parcelKey?: string; addressKey?: string },
    comune?: string,
  ): Promise<Array<{ practiceId: string; matchedOn: 'practiceKey' | 'parcelKey' | 'addressKey'; documents: number }>>;
  /**
   * Moves every member of `fromIds` into `intoId` in one transaction, then deletes the emptied practices. Practices of
   * another Comune than `intoId`'s are refused (ComuneMismatchError, nothing changes).
   */
  mergePractices(intoId: string, fromIds: string[], by: { actor: string; reason: string }): Promise<number>;

  close(): Promise<void>;
}
