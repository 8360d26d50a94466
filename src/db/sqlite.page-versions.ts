// Page versions (rescans) on SQLite. Used by SqliteMetadataStore, which appends PAGE_VERSIONS_MIGRATION to its
// migrations and delegates these methods here.
import type Database from 'better-sqlite3';
import type {
  NewPageVersion,
  PageVersion,
  PageVersionFilter,
  PageVersionPatch,
  PageVersionStore,
} from './page-versions.ts';
import {
  PAGE_VERSION_ORDER,
  PAGE_VERSION_VALUE_COLUMNS,
  pageVersionConditions,
  pageVersionFromRow,
  pageVersionPatchColumns,
  pageVersionValues,
} from './page-versions.rows.ts';
import type { Row } from './rows.ts';

/** Migration of the SQLite schema adding page versions (rescanned pages). */
export const PAGE_VERSIONS_MIGRATION = `
  CREATE TABLE page_versions (
    document_id TEXT NOT NULL REFERENCES documents(id), page INTEGER NOT NULL CHECK (page >= 1),
    version INTEGER NOT NULL CHECK (version >= 2), sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    media_type TEXT NOT NULL, filename TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'failed')), error TEXT,
    created_by TEXT NOT NULL, reason TEXT, created_at TEXT NOT NULL, applied_at TEXT, edition INTEGER,
    PRIMARY KEY (document_id, page, version));
  CREATE INDEX page_versions_status ON page_versions(status, created_at);`;

const iso = (at?: string) => (at === undefined ? new Date() : new Date(at)).toISOString();

export class SqlitePageVersions implements PageVersionStore {
  constructor(private readonly db: Database.Database) {}

  async addPageVersion(v: NewPageVersion): Promise<PageVersion> {
    const values = pageVersionValues(v, iso(v.createdAt));
    const columns = `document_id, page, version, ${PAGE_VERSION_VALUE_COLUMNS}`;
    // One statement: the next number is read and taken atomically (SQLite serialises writers).
    const row = (
      v.version === undefined
        ? this.db
            .prepare(
              `INSERT INTO page_versions (${columns})
               SELECT ?, ?, coalesce(max(version), 1) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
               FROM page_versions WHERE document_id = ? AND page = ? RETURNING *`,
            )
            .get(v.documentId, v.page, ...values, v.documentId, v.page)
        : this.db
            .prepare(
              `INSERT INTO page_versions (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT DO NOTHING RETURNING *`,
            )
            .get(v.documentId, v.page, v.version, ...values)
    ) as Row | undefined;
    if (row) return pageVersionFromRow(row);
    const existing = await this.getPageVersion(v.documentId, v.page, v.version!);
    if (!existing) throw new Error(`page version ${v.documentId}/${v.page}/${v.version} neither inserted nor found`);
    return existing;
  }

  async getPageVersion(documentId: string, page: number, version: number): Promise<PageVersion | null> {
    const r = this.db
      .prepare('SELECT * FROM page_versions WHERE document_id = ? AND page = ? AND version = ?')
      .get(documentId, page, version) as Row | undefined;
    return r ? pageVersionFromRow(r) : null;
  }

  async listPageVersions(filter: PageVersionFilter): Promise<PageVersion[]> {
    const args: unknown[] = [];
    const conds = pageVersionConditions(filter, (v) => (args.push(v), '?'));
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT * FROM page_versions ${where} ${PAGE_VERSION_ORDER}`).all(...args) as Row[];
    return rows.map(pageVersionFromRow);
  }

  async updatePageVersion(documentId: string, page: number, version: number, patch: PageVersionPatch): Promise<void> {
    const columns = pageVersionPatchColumns(patch);
    if (!columns.length) return;
    const sets = columns.map(([column]) => `${column} = ?`);
    const args = columns.map(([, value]) => value);
    this.db
      .prepare(`UPDATE page_versions SET ${sets.join(', ')} WHERE document_id = ? AND page = ? AND version = ?`)
      .run(...args, documentId, page, version);
  }
}
