// Row ↔ PageVersion mapping shared by the SQLite and PostgreSQL page-version adapters (same column names): the row
// read back, the values an insert writes, the columns an update sets, a filter's conditions and the order of a list.
import type {
  NewPageVersion,
  PageVersion,
  PageVersionFilter,
  PageVersionPatch,
  PageVersionStatus,
} from './page-versions.ts';
import { opt, type Row } from './rows.ts';

const PATCH_COLUMNS = {
  status: 'status',
  error: 'error',
  appliedAt: 'applied_at',
  edition: 'edition',
} as const satisfies Record<keyof PageVersionPatch, string>;

/** The columns an insert writes besides document_id, page and version, in the order of pageVersionValues. */
export const PAGE_VERSION_VALUE_COLUMNS =
  'sha256, size, media_type, filename, status, error, created_by, reason, created_at, applied_at, edition';

const isoOrNull = (at: string | undefined): string | null => (at === undefined ? null : new Date(at).toISOString());

/** Values of PAGE_VERSION_VALUE_COLUMNS; `createdAt` as the adapter normalised it (null: the database clock). */
export function pageVersionValues(v: NewPageVersion, createdAt: string | null): unknown[] {
  return [
    v.sha256,
    v.size,
    v.mediaType,
    v.filename,
    v.status ?? 'pending',
    v.error ?? null,
    v.createdBy,
    v.reason ?? null,
    createdAt,
    isoOrNull(v.appliedAt),
    v.edition ?? null,
  ];
}

/** [column, value] an update sets: keys present with undefined clear their column, `status` cannot be cleared. */
export function pageVersionPatchColumns(patch: PageVersionPatch): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(patch) as Array<[keyof PageVersionPatch, unknown]>) {
    const column = PATCH_COLUMNS[k];
    if (!column || (k === 'status' && (v === undefined || v === null))) continue;
    out.push([column, k === 'appliedAt' ? isoOrNull((v ?? undefined) as string | undefined) : (v ?? null)]);
  }
  return out;
}

export function pageVersionFromRow(r: Row): PageVersion {
  return {
    documentId: r.document_id as string,
    page: Number(r.page),
    version: Number(r.version),
    sha256: r.sha256 as string,
    size: Number(r.size),
    mediaType: r.media_type as string,
    filename: r.filename as string,
    status: r.status as PageVersionStatus,
    error: opt(r.error),
    createdBy: r.created_by as string,
    reason: opt(r.reason),
    createdAt: r.created_at as string,
    appliedAt: opt(r.applied_at),
    edition: r.edition === null || r.edition === undefined ? undefined : Number(r.edition),
  };
}

/** WHERE conditions of a filter; `param` pushes a value and returns its placeholder. */
export function pageVersionConditions(f: PageVersionFilter, param: (v: unknown) => string): string[] {
  const conds: string[] = [];
  if (f.documentId !== undefined) conds.push(`document_id = ${param(f.documentId)}`);
  if (f.page !== undefined) conds.push(`page = ${param(f.page)}`);
  if (f.status !== undefined) conds.push(`status = ${param(f.status)}`);
  return conds;
}

export const PAGE_VERSION_ORDER = 'ORDER BY created_at, document_id, page, version';
