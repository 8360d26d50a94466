// PaperStore on SQLite: a better-sqlite3 connection (WAL) to the metadata store's database file, with its own tables
// and migration bookkeeping (paper_migrations), so that the metadata store's user_version is never touched.
import { applySqliteMigrations, openSqliteFile } from '../db/sqlite.side-store.ts';
import { randomUUID } from 'node:crypto';
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
  ACCESS_PATCH_COLUMNS,
  ACCESS_PATCH_TIMES,
  SqlParams,
  awaitingClause,
  STATE_RANK,
  STATE_RANK_SQL,
  accessRequestFromRow,
  accessWhere,
  areaFromRow,
  buildScanCandidates,
  byCreated,
  comuneIn,
  countsFromRows,
  dayFromRow,
  importFromRow,
  inventoryColumns,
  inventoryFromRow,
  inventoryWhere,
  page,
  waitingFromRow,
  type Row,
} from './paper.rows.ts';

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
];

const isoOf = (at: string | undefined): string => (at === undefined ? new Date() : new Date(at)).toISOString();

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
            const all: Array<[string, unknown]> = [
              ['id', randomUUID()],
              ...cols,
              ['state', r.state ?? 'paper'],
              ['state_at', now],
              ['pages', 0],
              ['created_at', now],
              ['updated_at', now],
            ];
            this.db
              .prepare(
                `INSERT INTO paper_inventory (${all.map(([c]) => c).join(', ')}) VALUES (${all.map(() => '?').join(', ')})`,
              )
              .run(...all.map(([, v]) => v));
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
    const guard = opts.force ? '' : ` AND ${STATE_RANK_SQL} <= ${STATE_RANK[state]}`;
    const row = this.one(
      `UPDATE paper_inventory SET state_at = CASE WHEN state = ? THEN state_at ELSE ? END, state = ?,
         pages = pages + ?, updated_at = ?
       WHERE comune = ? AND practice_key = ?${guard} RETURNING *`,
      [state, at, state, Math.max(0, Math.floor(opts.pages ?? 0)), new Date().toISOString(), comune, practiceKey],
    );
    return row ? inventoryFromRow(row) : null;
  }

  async saveImport(report: InventoryImport): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO paper_imports (id, comune, filename, imported_by, at, rows, inserted, updated, rejected, problems)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET comune = excluded.comune, filename = excluded.filename,
           imported_by = excluded.imported_by, at = excluded.at, rows = excluded.rows, inserted = excluded.inserted,
           updated = excluded.updated, rejected = excluded.rejected, problems = excluded.problems`,
      )
      .run(
        report.id,
        report.comune,
        report.filename,
        report.importedBy,
        isoOf(report.at),
        report.rows,
        report.inserted,
        report.updated,
        report.rejected,
        JSON.stringify(report.problems),
      );
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
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO access_requests (id, comune, practice_key, inventory_id, requester_id, requester_name,
           requester_email, requester_role, reason, state, awaiting_scan, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(
        id,
        input.comune,
        input.practiceKey,
        input.inventoryId ?? null,
        input.requesterId,
        input.requesterName,
        input.requesterEmail ?? null,
        input.requesterRole,
        input.reason,
        input.awaitingScan ? 1 : 0,
        now,
        now,
      );
    return (await this.getAccessRequest(id))!;
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
    const sets: string[] = [];
    for (const [key, column] of Object.entries(ACCESS_PATCH_COLUMNS)) {
      const v = (patch as Record<string, unknown>)[key];
      if (v === undefined) continue;
      sets.push(`${column} = ${p.add(ACCESS_PATCH_TIMES.has(key) && v !== null ? isoOf(String(v)) : v)}`);
    }
    sets.push(`updated_at = ${p.add(new Date().toISOString())}`);
    const row = this.one(
      `UPDATE access_requests SET ${sets.join(', ')} WHERE id = ${p.add(id)} AND state IN ${p.list(expectState)}${awaitingClause(p, expect)}
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
    const read = this.db.transaction(() => {
      const p1 = new SqlParams('sqlite');
      const records = this.all(
        `SELECT * FROM paper_inventory WHERE state = 'requested' AND ${comuneIn(p1, opts.comuni)}
         ORDER BY comune, year DESC, practice_key, id`,
        p1.values,
      ).map(inventoryFromRow);
      const p2 = new SqlParams('sqlite');
      const waiting = this.all(
        `SELECT a.comune, a.practice_key, count(*) AS waiting, min(a.created_at) AS oldest
         FROM access_requests a JOIN paper_inventory i ON i.comune = a.comune AND i.practice_key = a.practice_key
         WHERE i.state = 'requested' AND a.state IN ('pending', 'approved') AND a.awaiting_scan = 1
           AND ${comuneIn(p2, opts.comuni, 'i.comune')}
         GROUP BY a.comune, a.practice_key`,
        p2.values,
      ).map(waitingFromRow);
      const p3 = new SqlParams('sqlite');
      const recent = this.all(
        `SELECT a.comune, a.practice_key, i.parcel_key, i.street_key
         FROM access_requests a JOIN paper_inventory i ON i.comune = a.comune AND i.practice_key = a.practice_key
         WHERE a.created_at >= ${p3.add(isoOf(opts.areaSince))} AND ${comuneIn(p3, opts.comuni, 'a.comune')}`,
        p3.values,
      ).map(areaFromRow);
      return buildScanCandidates(records, waiting, recent);
    });
    return read.deferred();
  }

  async digitisationCounts(opts: { comuni?: readonly string[] } = {}): Promise<DigitisationCounts[]> {
    const p = new SqlParams('sqlite');
    return countsFromRows(
      this.all(
        `SELECT comune, state, count(*) AS n, sum(pages) AS pages FROM paper_inventory
         WHERE ${comuneIn(p, opts.comuni)} GROUP BY comune, state`,
        p.values,
      ),
    );
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
