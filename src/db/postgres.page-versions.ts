// Page versions (rescans) on PostgreSQL. Used by PostgresMetadataStore, which delegates these methods here; the
// table comes from the 'page-versions' migration (postgres.migrations.ts).
import type pg from 'pg';
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
import { NOW, clean, isoTime } from './postgres.values.ts';

const UNIQUE_VIOLATION = '23505';

export const PAGE_VERSIONS_PG_SQL = (s: string) => `
  CREATE TABLE ${s}.page_versions (
    document_id text COLLATE "C" NOT NULL REFERENCES ${s}.documents(id),
    page integer NOT NULL CHECK (page >= 1),
    version integer NOT NULL CHECK (version >= 2),
    sha256 text COLLATE "C" NOT NULL,
    size bigint NOT NULL,
    media_type text NOT NULL,
    filename text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'applied', 'failed')),
    error text,
    created_by text NOT NULL,
    reason text,
    created_at timestamptz NOT NULL,
    applied_at timestamptz,
    edition integer,
    PRIMARY KEY (document_id, page, version));
  CREATE INDEX page_versions_status ON ${s}.page_versions (status, created_at);`;

export class PostgresPageVersions implements PageVersionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: (table: string) => string,
  ) {}

  private query(sql: string, params: unknown[]) {
    return this.pool.query<Row>(sql, clean(params));
  }

  async addPageVersion(v: NewPageVersion): Promise<PageVersion> {
    const values = [v.documentId, v.page, ...pageVersionValues(v, isoTime(v.createdAt))];
    const columns = `document_id, page, ${PAGE_VERSION_VALUE_COLUMNS}, version`;
    // Typed: in INSERT … SELECT an untyped parameter of the select list would be read as text.
    const row =
      `$1::text, $2::integer, $3::text, $4::bigint, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, ` +
      `coalesce($11::timestamptz, ${NOW}), $12::timestamptz, $13::integer`;
    if (v.version !== undefined) {
      const { rows } = await this.query(
        `INSERT INTO ${this.t('page_versions')} (${columns}) VALUES (${row}, $14::integer) ON CONFLICT DO NOTHING RETURNING *`,
        [...values, v.version],
      );
      if (rows[0]) return pageVersionFromRow(rows[0]);
      const existing = await this.getPageVersion(v.documentId, v.page, v.version);
      if (!existing) throw new Error(`page version ${v.documentId}/${v.page}/${v.version} neither inserted nor found`);
      return existing;
    }
    // Two concurrent rescans of one page may read the same maximum: the primary key refuses the second, which
    // reads the maximum again.
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.query(
          `INSERT INTO ${this.t('page_versions')} (${columns})
           SELECT ${row}, coalesce(max(version), 1) + 1 FROM ${this.t('page_versions')}
           WHERE document_id = $1 AND page = $2 RETURNING *`,
          values,
        );
        return pageVersionFromRow(rows[0]!);
      } catch (err) {
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 5) throw err;
      }
    }
  }

  async getPageVersion(documentId: string, page: number, version: number): Promise<PageVersion | null> {
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('page_versions')} WHERE document_id = $1 AND page = $2 AND version = $3`,
      [documentId, page, version],
    );
    return rows[0] ? pageVersionFromRow(rows[0]) : null;
  }

  async listPageVersions(filter: PageVersionFilter): Promise<PageVersion[]> {
    const args: unknown[] = [];
    const conds = pageVersionConditions(filter, (v) => (args.push(v), `$${args.length}`));
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const { rows } = await this.query(`SELECT * FROM ${this.t('page_versions')} ${where} ${PAGE_VERSION_ORDER}`, args);
    return rows.map(pageVersionFromRow);
  }

  async updatePageVersion(documentId: string, page: number, version: number, patch: PageVersionPatch): Promise<void> {
    const args: unknown[] = [];
    const sets = pageVersionPatchColumns(patch).map(([column, value]) => {
      args.push(value);
      return `${column} = $${args.length}${column === 'applied_at' ? '::timestamptz' : ''}`;
    });
    if (!sets.length) return;
    args.push(documentId, page, version);
    const n = args.length;
    await this.query(
      `UPDATE ${this.t('page_versions')} SET ${sets.join(', ')} WHERE document_id = $${n - 2} AND page = $${n - 1} AND version = $${n}`,
      args,
    );
  }
}
