// Page versions (issue 12, rescans): a page of an archived document replaced by a new scan. Version 1 of every page
// is the page of the document's first original and has no row; each rescan adds a row (version 2, 3…) that stays
// 'pending' until the rescan job has put it in the archive package, then 'applied' (or 'failed' with the reason).
// The adapters' shared row mapping is in page-versions.rows.ts.

export type PageVersionStatus = 'pending' | 'applied' | 'failed';

export interface PageVersion {
  documentId: string;
  page: number; // 1-based
  version: number; // >= 2
  /** SHA-256 of the rescan bytes as received. */
  sha256: string;
  size: number;
  mediaType: string;
  /** File name as uploaded, for people. */
  filename: string;
  status: PageVersionStatus;
  error?: string;
  /** Who asked for the rescan (user name) and why. */
  createdBy: string;
  reason?: string;
  createdAt: string; // ISO
  appliedAt?: string; // ISO
  /** Edition of the searchable PDF this version produced (edition 1 = as first archived). */
  edition?: number;
}

/** A new rescan: the store numbers it (highest version of the page + 1, from 2) unless `version` is given (rebuild). */
export type NewPageVersion = Omit<PageVersion, 'version' | 'status' | 'createdAt' | 'appliedAt' | 'edition' | 'error'> &
  Partial<Pick<PageVersion, 'version' | 'status' | 'createdAt' | 'appliedAt' | 'edition' | 'error'>>;

export type PageVersionPatch = Partial<Pick<PageVersion, 'status' | 'error' | 'appliedAt' | 'edition'>>;

/** One line of a page's history as the API sends it (v1 included, see rescan.service.ts pageHistory). */
export interface PageVersionView {
  version: number;
  sha256: string;
  at: string;
  by: string;
  reason?: string;
  status: PageVersionStatus;
  error?: string;
  /** The version the searchable PDF shows now. */
  current: boolean;
  mediaType: string;
  filename: string;
  size?: number;
}

export interface PageVersionFilter {
  documentId?: string;
  page?: number;
  status?: PageVersionStatus;
}

export interface PageVersionStore {
  /** Inserts the version; with an explicit `version` that already exists, returns the existing row unchanged. */
  addPageVersion(input: NewPageVersion): Promise<PageVersion>;
  getPageVersion(documentId: string, page: number, version: number): Promise<PageVersion | null>;
  /** Ordered by createdAt, then document, page and version. */
  listPageVersions(filter: PageVersionFilter): Promise<PageVersion[]>;
  /** Keys present with undefined clear `error`, `appliedAt` and `edition`; `status` cannot be cleared. */
  updatePageVersion(documentId: string, page: number, version: number, patch: PageVersionPatch): Promise<void>;
}
