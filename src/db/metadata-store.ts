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

  close(): Promise<void>;
}
