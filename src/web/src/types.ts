// Shapes of the API's JSON as the web app reads them (a copy of the server's contract; the server owns the truth).

export type Role = 'admin' | 'archivist' | 'records_manager' | 'professional';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  authMethod?: 'session' | 'token' | 'oidc';
  disabled?: boolean;
  oidcLinked?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export interface ApiTokenInfo {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type DocumentStatus =
  'received' | 'preparing' | 'ocr' | 'assembling' | 'classifying' | 'archiving' | 'indexing' | 'archived' | 'failed';

export interface Batch {
  id: string;
  label: string;
  source: string;
  createdAt: string;
}

export type BatchItemOutcome = 'accepted' | 'duplicate' | 'rejected' | 'expanded';

export interface BatchItem {
  batchId: string;
  filename: string;
  outcome: BatchItemOutcome;
  documentId?: string;
  error?: string;
  children?: BatchItem[];
}

/** A document as the batch dashboard shows it (GET /api/batches/:id documents, SSE `document` events). */
export interface BatchDocument {
  id: string;
  filename: string;
  status: DocumentStatus;
  failedStep?: string | null;
  error?: string | null;
  pageCount?: number | null;
  title?: string;
}

export interface BatchCounts {
  items: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byStatus: Partial<Record<DocumentStatus, number>>;
  done: boolean;
}

export interface BatchDetail extends Omit<BatchCounts, 'items'> {
  batch: Batch;
  items?: BatchItem[] | number;
  documents: BatchDocument[];
}

export interface UploadResult {
  batch: Batch;
  items: BatchItem[];
}

export interface CodeName {
  code: string;
  name?: string;
  label?: string;
}

export interface TitolarioEntry {
  code: string;
  title: string;
  /** The titolo (top level) the class belongs to. */
  titolo?: string;
}

export interface Office {
  code: string;
  name: string;
  /** Titolario classes the office handles. */
  classes?: string[];
}

export interface ReferenceData {
  offices: Office[];
  titolario: TitolarioEntry[];
  /** {code,label} pairs (plain names and {code,name} are accepted too). */
  documentTypes: (string | CodeName)[];
}

export interface AuditEntry {
  id: number | string;
  at: string;
  actor: string;
  actorName?: string;
  role?: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  detail?: unknown;
  ip?: string | null;
}

export interface DocumentMetadataPatch {
  title?: string;
  documentType?: string;
  titolarioClass?: string;
  practiceNumber?: string;
  practiceYear?: number;
  address?: string;
  foglio?: string;
  mappale?: string;
  subalterno?: string;
  note: string;
}

/** Text for people of a reference entry given as a string or a {code, label|name} pair. */
export function codeText(t: string | CodeName): string {
  return typeof t === 'string' ? t : (t.label ?? t.name ?? t.code);
}
