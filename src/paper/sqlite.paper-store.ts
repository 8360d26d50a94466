// PaperStore on SQLite: a better-sqlite3 connection (WAL) to the metadata store's database file, with its own tables
// and migration bookkeeping (paper_migrations), so that the metadata store's user_version is never touched.
import { applySqliteMigrations, openSqliteFile } from '../db/sqlite.side-store.ts';
import type Database from 'better-sqlite3';
import type {
  AccessRequest,
  AccessRequestFilter,
  AccessRequestState,
  DigitisationCounts,
  InventoryFilter,
  InventoryImport,
  InventoryRecord,
  NewAccessRequest,
  NewInventoryRecord,
  PaperState,
  PaperStore,
  ScanCandidate,
} from './paper-store.ts';
import {
  accessRequestFromRow,
  accessRequestInsertColumns,
  areaFromRow,
  buildScanCandidates,
  byCreated,
  countsFromRows,
  dayFromRow,
  importColumns,
  importFromRow,
  inventoryColumns,
  inventoryFromRow,
  inventoryInsertColumns,
  isoOf,
  waitingFromRow,
  type Row,
} from './paper.rows.ts';
import {
  SqlParams,
  accessPatchSets,
  accessWhere,
  awaitingClause,
  comuneIn,
  countsQuery,
  forwardOnly,
  importUpsertSql,
  insertSql,
  inventoryWhere,
  page,
  scanCandidateQueries,
} from './paper.sql.ts';

/** Never edit a migration that has shipped: append. */
export const SQLITE_PAPER_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'paper inventory, imports, access requests',
    sql: `
      CREATE TABLE paper_inventory (
        id TEXT PRIMARY KEY, comune TEXT NOT NULL, practice_key TEXT NOT NULL, procedure_type TEXT NOT NULL,
        number INTEGER NOT NULL, year INTEGER NOT NULL, applicant TEXT, address TEXT, address_key TEXT, street_key TEXT,
        foglio INTEGER, mappale INTEGER, subalterno INTEGER, parcel_key TEXT, building TEXT, room TEXT, shelf TEXT,
        box TEXT, notes TEXT, state TEXT NOT NULL, state_at TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0,
        import_id TEXT, source_row INTEGER, search_text TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (comune, practice_key));
      CREATE INDEX paper_inventory_order ON paper_inventory (comune, year DESC, practice_key);
      CREATE INDEX paper_inventory_state ON paper_inventory (state, comune);
      CREATE INDEX paper_inventory_parcel ON paper_inventory (comune, parcel_key);
      CREATE INDEX paper_inventory_street ON paper_inventory (comune, street_key);
      CREATE INDEX paper_inventory_address ON paper_inventory (address_key);
      CREATE TABLE paper_imports (
        id TEXT PRIMARY KEY, comune TEXT NOT NULL, filename TEXT NOT NULL, imported_by TEXT NOT NULL, at TEXT NOT NULL,
        rows INTEGER NOT NULL, inserted INTEGER NOT NULL, updated INTEGER NOT NULL, rejected INTEGER NOT NULL,
        problems TEXT NOT NULL);
      CREATE INDEX paper_imports_at ON paper_imports (at DESC, id DESC);
      CREATE TABLE access_requests (
        id TEXT PRIMARY KEY, comune TEXT NOT NULL, practice_key TEXT NOT NULL, inventory_id TEXT,
        requester_id TEXT NOT NULL, requester_name TEXT NOT NULL, requester_email TEXT, requester_role TEXT NOT NULL,
        reason TEXT NOT NULL, state TEXT NOT NULL, awaiting_scan INTEGER NOT NULL, decided_by TEXT, decided_at TEXT,
        decision_note TEXT, expires_at TEXT, scan_notified_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX access_requests_order ON access_requests (created_at DESC, id DESC);
      CREATE INDEX access_requests_practice ON access_requests (comune, practice_key, state);
      CREATE INDEX access_requests_requester ON access_requests (requester_id, created_at);
      CREATE INDEX access_requests_expiry ON access_requests (state, expires_at);`,
  },
  {
    version: 2,
    name: 'inventory word index',
    // Word-prefix search over the folded search text without scanning the table: an external-content FTS5 index
    // kept in step by triggers (the text is already folded to lower-case letters, digits and spaces).
    sql: `
      CREATE VIRTUAL TABLE paper_inventory_fts USING fts5(
        search_text, content='paper_inventory', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
      INSERT INTO paper_inventory_fts (rowid, search_text) SELECT rowid, search_text FROM paper_inventory;
      CREATE TRIGGER paper_inventory_fts_ai AFTER INSERT ON paper_inventory BEGIN
        INSERT INTO paper_inventory_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
      END;
      CREATE TRIGGER paper_inventory_fts_ad AFTER DELETE ON paper_inventory BEGIN
        INSERT INTO paper_inventory_fts (paper_inventory_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
      END;
      CREATE TRIGGER paper_inventory_fts_au AFTER UPDATE OF search_text ON paper_inventory BEGIN
        INSERT INTO paper_inventory_fts (paper_inventory_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO paper_inventory_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
      END;`,
  },
  {
    version: 3,
    name: 'expected pages',
    // Page quality control (issue 12): the pages the paper practice holds, checked against the pages digitised.
    sql: `ALTER TABLE paper_inventory ADD COLUMN expected_pages INTEGER;`,
  },
];

export class SqlitePaperStore implements PaperStore {
  private readonly db: Database.Database;
  /** Versions applied by this open (empty when the file was already current). */
  readonly applied: number[] = [];

  constructor(file: string) {
    this.db = openSqliteFile(file);
    this.applied.push(...applySqliteMigrations(this.db, 'paper_migrations', SQLITE_PAPER_MIGRATIONS));
  }

  private one(sql: string, params: unknown[] = []): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, params: unknown[] = []): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  // ── inventory ──────────────────────────────────────────────────────────────────────────────────────────────

  async upsertInventory(records: readonly NewInventoryRecord[]): Promise<{ inserted: number; updated: number }> {
    const exists = this.db.prepare('SELECT 1 FROM paper_inventory WHERE comune = ? AND practice_key = ?');
    let inserted = 0;
    let updated = 0;
    this.db
      .transaction(() => {
        for (const r of records) {
          const now = new Date().toISOString();
          const cols = inventoryColumns(r);
          if (exists.get(r.comune, r.practiceKey)) {
            this.db
              .prepare(
                `UPDATE paper_inventory SET ${cols.map(([c]) => `${c} = ?`).join(', ')}, updated_at = ?
                 WHERE comune = ? AND practice_key = ?`,
              )
              .run(...cols.map(([, v]) => v), now, r.comune, r.practiceKey);
            updated++;
          } else {
            const p = new SqlParams('sqlite');
            this.db.prepare(insertSql('paper_inventory', inventoryInsertColumns(r, now, cols), p)).run(...p.values);
            inserted++;
          }
        }
      })
      .immediate();
    return { inserted, updated };
  }

  async getInventory(id: string): Promise<InventoryRecord | null> {
    const row = this.one('SELECT * FROM paper_inventory WHERE id = ?', [id]);
    return row ? inventoryFromRow(row) : null;
  }

  async getInventoryByKey(comune: string, practiceKey: string): Promise<InventoryRecord | null> {
    const row = this.one('SELECT * FROM paper_inventory WHERE comune = ? AND practice_key = ?', [comune, practiceKey]);
    return row ? inventoryFromRow(row) : null;
  }

  async searchInventory(filter: InventoryFilter): Promise<{ total: number; records: InventoryRecord[] }> {
    const p = new SqlParams('sqlite');
    const where = inventoryWhere(filter, p, 'fts');
    const total = Number(this.one(`SELECT count(*) AS n FROM paper_inventory WHERE ${where}`, p.values)!.n);
    const { limit, offset } = page(filter.limit, filter.offset);
    const rows = this.all(
      `SELECT * FROM paper_inventory WHERE ${where} ORDER BY comune, year DESC, practice_key, id LIMIT ? OFFSET ?`,
      [...p.values, limit, offset],
    );
    return { total, records: rows.map(inventoryFromRow) };
  }

  async setInventoryState(
    comune: string,
    practiceKey: string,
    state: PaperState,
    opts: { pages?: number; at?: string; force?: boolean } = {},
  ): Promise<InventoryRecord | null> {
    const at = isoOf(opts.at);
    const guard = forwardOnly(state, opts.force);
    const row = this.one(
      `UPDATE paper_inventory SET state_at = CASE WHEN state = ? THEN state_at ELSE ? END, state = ?,
         pages = pages + ?, updated_at = ?
       WHERE comune = ? AND practice_key = ?${guard} RETURNING *`,
      [state, at, state, Math.max(0, Math.floor(opts.pages ?? 0)), new Date().toISOString(), comune, practiceKey],
    );
    return row ? inventoryFromRow(row) : null;
  }

  async saveImport(report: InventoryImport): Promise<void> {
    const p = new SqlParams('sqlite');
    this.db
      .prepare(importUpsertSql('paper_imports', importColumns(report, JSON.stringify(report.problems)), p))
      .run(...p.values);
  }

  async getImport(id: string): Promise<InventoryImport | null> {
    const row = this.one('SELECT * FROM paper_imports WHERE id = ?', [id]);
    return row ? importFromRow(row) : null;
  }

  async listImports(opts: { comuni?: readonly string[]; limit?: number } = {}): Promise<InventoryImport[]> {
    const p = new SqlParams('sqlite');
    const where = comuneIn(p, opts.comuni);
    const { limit } = page(opts.limit, 0);
    return this.all(`SELECT * FROM paper_imports WHERE ${where} ORDER BY at DESC, id DESC LIMIT ?`, [
      ...p.values,
      limit,
    ]).map(importFromRow);
  }

  // ── access requests ────────────────────────────────────────────────────────────────────────────────────────

  async createAccessRequest(input: NewAccessRequest): Promise<AccessRequest> {
    const p = new SqlParams('sqlite');
    const cols = accessRequestInsertColumns(input, new Date().toISOString());
    return accessRequestFromRow(this.one(`${insertSql('access_requests', cols, p)} RETURNING *`, p.values)!);
  }

  async getAccessRequest(id: string): Promise<AccessRequest | null> {
    const row = this.one('SELECT * FROM access_requests WHERE id = ?', [id]);
    return row ? accessRequestFromRow(row) : null;
  }

  async listAccessRequests(filter: AccessRequestFilter = {}): Promise<{ total: number; requests: AccessRequest[] }> {
    const p = new SqlParams('sqlite');
    const where = accessWhere(filter, p);
    const total = Number(this.one(`SELECT count(*) AS n FROM access_requests WHERE ${where}`, p.values)!.n);
    const { limit, offset } = page(filter.limit, filter.offset);
    const rows = this.all(
      `SELECT * FROM access_requests WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      [...p.values, limit, offset],
    );
    return { total, requests: rows.map(accessRequestFromRow) };
  }

  async updateAccessRequest(
    id: string,
    expectState: readonly AccessRequestState[],
    patch: Parameters<PaperStore['updateAccessRequest']>[2],
    expect: Parameters<PaperStore['updateAccessRequest']>[3] = {},
  ): Promise<AccessRequest | null> {
    if (!expectState.length) return null;
    const p = new SqlParams('sqlite');
    const row = this.one(
      `UPDATE access_requests SET ${accessPatchSets(p, patch)} WHERE id = ${p.add(id)} AND state IN ${p.list(expectState)}${awaitingClause(p, expect)}
       RETURNING *`,
      p.values,
    );
    return row ? accessRequestFromRow(row) : null;
  }

  async hasApprovedAccess(requesterId: string, comune: string, practiceKey: string, at: string): Promise<boolean> {
    return !!this.one(
      `SELECT 1 FROM access_requests WHERE requester_id = ? AND comune = ? AND practice_key = ? AND state = 'approved'
         AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`,
      [requesterId, comune, practiceKey, isoOf(at)],
    );
  }

  async expireAccessRequests(at: string): Promise<AccessRequest[]> {
    return this.all(
      `UPDATE access_requests SET state = 'expired', updated_at = ?
       WHERE state = 'approved' AND expires_at IS NOT NULL AND expires_at < ? RETURNING *`,
      [new Date().toISOString(), isoOf(at)],
    )
      .map(accessRequestFromRow)
      .sort(byCreated);
  }

  // ── digitisation ───────────────────────────────────────────────────────────────────────────────────────────

  async scanCandidates(opts: { comuni?: readonly string[]; areaSince: string }): Promise<ScanCandidate[]> {
    const q = scanCandidateQueries('sqlite', { inventory: 'paper_inventory', requests: 'access_requests' }, opts);
    const read = this.db.transaction(() =>
      buildScanCandidates(
        this.all(q.records.sql, q.records.values).map(inventoryFromRow),
        this.all(q.waiting.sql, q.waiting.values).map(waitingFromRow),
        this.all(q.recent.sql, q.recent.values).map(areaFromRow),
      ),
    );
    return read.deferred();
  }

  async digitisationCounts(opts: { comuni?: readonly string[] } = {}): Promise<DigitisationCounts[]> {
    const q = countsQuery('sqlite', 'paper_inventory', opts.comuni);
    return countsFromRows(this.all(q.sql, q.values));
  }

  async pagesPerDay(opts: {
    since: string;
    comuni?: readonly string[];
  }): Promise<Array<{ comune: string; day: string; pages: number; practices: number }>> {
    const p = new SqlParams('sqlite');
    return this.all(
      `SELECT comune, substr(state_at, 1, 10) AS day, sum(pages) AS pages, count(*) AS practices
       FROM paper_inventory
       WHERE state = 'archived' AND state_at >= ${p.add(isoOf(opts.since))} AND ${comuneIn(p, opts.comuni)}
       GROUP BY comune, day ORDER BY day, comune`,
      p.values,
    ).map(dayFromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
