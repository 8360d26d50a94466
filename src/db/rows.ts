// Row ↔ record mapping shared by the SQL adapters of the MetadataStore (same column names in SQLite and PostgreSQL).
import type { TenantScope } from '../tenancy/tenant-scope.ts';
import type {
  Batch,
  BatchItem,
  DocumentPatch,
  DocumentRecord,
  DocumentStatus,
  NewDocument,
  SplitOrigin,
} from './metadata-store.ts';

export type Row = Record<string, unknown>;

/** SQL NULL (and undefined) read back as undefined. */
export const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

/** A boolean column: SQLite stores 0/1, PostgreSQL returns a boolean. */
export const bool = (v: unknown): boolean => v === true || v === 1;

/** `readJson` turns the column's value into the JSON value (SQLite stores text, PostgreSQL returns jsonb parsed). */
export function documentFromRow(r: Row, readJson: (v: unknown) => unknown = (v) => v): DocumentRecord {
  return {
    id: r.id as string,
    sha256: r.sha256 as string,
    batchId: r.batch_id as string,
    filename: r.filename as string,
    mediaType: r.media_type as string,
    size: Number(r.size),
    status: r.status as DocumentStatus,
    error: opt(r.error),
    failedStep: opt(r.failed_step),
    pageCount: opt(r.page_count),
    archiveKey: opt(r.archive_key),
    classification:
      r.classification === null || r.classification === undefined ? undefined : readJson(r.classification),
    title: opt(r.title),
    year: opt(r.year),
    comune: r.comune as string,
    restricted: bool(r.restricted),
    boxSplit: opt(r.box_split),
    splitOrigin:
      r.split_origin === null || r.split_origin === undefined ? undefined : (readJson(r.split_origin) as SplitOrigin),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

export const batchFromRow = (r: Row): Batch => ({
  id: r.id as string,
  label: r.label as string,
  source: r.source as string,
  comune: r.comune as string,
  restricted: bool(r.restricted),
  createdAt: r.created_at as string,
});

export const batchItemFromRow = (r: Row): BatchItem => ({
  batchId: r.batch_id as string,
  filename: r.filename as string,
  outcome: r.outcome as BatchItem['outcome'],
  documentId: opt(r.document_id),
  sha256: opt(r.sha256),
  error: opt(r.error),
});

/**
 * Parameters of a new document row, in the order of the adapters' INSERT column list: id, sha256, batch_id,
 * filename, media_type, size, error, failed_step, page_count, archive_key, classification, title, year, then the
 * given comune and restricted (null: the batch's).
 */
export function documentInsertParams(
  input: NewDocument,
  toJson: (v: unknown) => unknown,
  toBool: (v: boolean) => unknown,
): unknown[] {
  return [
    input.id,
    input.sha256,
    input.batchId,
    input.filename,
    input.mediaType,
    input.size,
    input.error ?? null,
    input.failedStep ?? null,
    input.pageCount ?? null,
    input.archiveKey ?? null,
    toJson(input.classification),
    input.title ?? null,
    input.year ?? null,
    input.comune ?? null,
    input.restricted === undefined ? null : toBool(input.restricted),
  ];
}

/** The columns a DocumentPatch may change. */
export const PATCH_COLUMNS: Record<keyof DocumentPatch, string> = {
  status: 'status',
  error: 'error',
  failedStep: 'failed_step',
  pageCount: 'page_count',
  archiveKey: 'archive_key',
  classification: 'classification',
  title: 'title',
  comune: 'comune',
  restricted: 'restricted',
  boxSplit: 'box_split',
  splitOrigin: 'split_origin',
};

/** Patch keys stored as JSON (SQLite text, PostgreSQL jsonb). */
export const JSON_PATCH_KEYS: ReadonlySet<keyof DocumentPatch> = new Set(['classification', 'splitOrigin']);

/** Patch keys whose columns are NOT NULL: patched to undefined they are left as they are. */
export const UNCLEARABLE: ReadonlySet<keyof DocumentPatch> = new Set(['status', 'comune', 'restricted']);

/**
 * The SQL conditions of a document filter on columns of `alias` (e.g. 'd.' or ''), with `param(value)` returning the
 * placeholder of a bound value (SQLite '?', PostgreSQL '$n'). `list(values)` returns a placeholder list for IN (…).
 */
export function documentConditions(
  f: { batchId?: string; status?: DocumentStatus; comuni?: readonly string[]; scope?: TenantScope },
  param: (v: unknown) => string,
  list: (values: readonly string[]) => string,
  falseValue: string,
  alias = '',
): string[] {
  const conds: string[] = [];
  if (f.batchId) conds.push(`${alias}batch_id = ${param(f.batchId)}`);
  if (f.status) conds.push(`${alias}status = ${param(f.status)}`);
  if (f.comuni) conds.push(f.comuni.length ? `${alias}comune IN (${list(f.comuni)})` : '1 = 0');
  const full = f.scope?.full;
  if (full !== undefined && full !== '*') {
    conds.push(
      full.length
        ? `(${alias}restricted = ${falseValue} OR ${alias}comune IN (${list(full)}))`
        : `${alias}restricted = ${falseValue}`,
    );
  }
  return conds;
}
