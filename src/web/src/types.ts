// Shapes of the API's JSON as the web app reads them. The server owns the truth: shapes the API sends as the server
// types them are imported from its pure modules (type-only: nothing of the server enters the bundle); the rest are the
// web app's reading of the JSON (fields absent on older servers optional, API-only views).
import type { ApiToken } from '../../auth/auth-store.ts';
import type { Role } from '../../auth/roles.ts';
import type { BatchItemOutcome, DocumentStatus } from '../../db/metadata-store.ts';
import type { AccessRequestState, InventoryField, PaperState, RequesterRole } from '../../domain/paper-vocabulary.ts';
import type { AccessRequest, ImportProblem, PaperLocation } from '../../paper/paper-store.ts';
import type { Progress, ProgressRow } from '../../paper/progress.ts';
import type { Comune } from '../../tenancy/comuni.ts';

export type {
  AccessRequest,
  AccessRequestState,
  BatchItemOutcome,
  Comune,
  DocumentStatus,
  ImportProblem,
  InventoryField,
  PaperLocation,
  PaperState,
  Progress,
  ProgressRow,
  RequesterRole,
  Role,
};

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Home Comune; null = union level (acts on every Comune). Absent on servers before issue 11. */
  comune?: string | null;
  /** Further Comuni the user acts on. */
  grantedComuni?: string[];
  authMethod?: 'session' | 'token' | 'oidc';
  disabled?: boolean;
  oidcLinked?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export type ApiTokenInfo = ApiToken;

export interface Batch {
  id: string;
  label: string;
  source: string;
  /** The Comune the batch (and its documents) belongs to; absent on servers before issue 11. */
  comune?: string;
  /** Its documents are restricted to the Comune's staff instead of shared with the union. */
  restricted?: boolean;
  createdAt: string;
}

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
  comune?: string | null;
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

// ——— Issue 11: the union of Comuni, the paper inventory, access requests, digitisation ———

/** GET /api/union */
export interface Union {
  name: string;
  defaultComune: string;
  accessDays: number;
  comuni: Comune[];
}

/** An inventory record as the API shows it (InventoryRecord + comuneName, stateLabel). */
export interface InventoryView {
  id: string;
  comune: string;
  comuneName: string;
  practiceKey: string;
  procedureType: string;
  number: number;
  year: number;
  applicant?: string;
  address?: string;
  foglio?: number;
  mappale?: number;
  subalterno?: number;
  location: PaperLocation;
  notes?: string;
  state: PaperState;
  stateLabel: string;
  stateAt: string;
  pages: number;
  /** Pages the paper practice holds per the inventory (checked against `pages`). */
  expectedPages?: number;
  importId?: string;
  sourceRow?: number;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/inventory/:id */
export type InventoryDetail = InventoryView & { requests: number; practiceId?: string };

export interface InventoryList {
  total: number;
  records: InventoryView[];
}

/** POST /api/inventory/imports/preview */
export interface ImportPreview {
  filename: string;
  rows: number;
  columns: string[];
  /** The first 10 data rows. */
  sample: string[][];
  /** Suggested column per field (null = not found). */
  mapping: Partial<Record<InventoryField, string | null>>;
}

export interface InventoryImport {
  id: string;
  comune: string;
  filename: string;
  importedBy: string;
  at: string;
  rows: number;
  inserted: number;
  updated: number;
  rejected: number;
  /** Absent in the list of imports. */
  problems?: ImportProblem[];
}

export interface AccessRequestList {
  total: number;
  requests: AccessRequest[];
}

export interface NewAccessRequestBody {
  comune: string;
  practiceKey: string;
  requesterRole: RequesterRole;
  reason: string;
  email?: string;
}

/** GET /api/digitisation/worklist items, highest priority first. */
export interface WorklistItem {
  record: InventoryView;
  priority: number;
  waitingRequests: number;
  oldestRequestAt?: string | null;
  ageDays: number;
  areaRequests: number;
  reasons: string[];
}
