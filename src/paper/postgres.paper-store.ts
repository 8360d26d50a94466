// PaperStore on PostgreSQL: its own small pool on the metadata store's database and schema, its own migrations
// (postgres.paper-migrations.ts).
import pg from 'pg';
import {
  openPostgresSideStore,
  PostgresSideStore,
  type PostgresSideConnection,
  type PostgresSideOptions,
} from '../db/postgres.side-store.ts';
import { clean, toJson } from '../db/postgres.values.ts';
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
import { migratePaperPostgres } from './postgres.paper-migrations.ts';

export type PostgresPaperOptions = PostgresSideOptions;

export class PostgresPaperStore extends PostgresSideStore implements PaperStore {
  private constructor(side: PostgresSideConnection) {
    super(side);
  }

  static async open(opts: PostgresPaperOptions): Promise<PostgresPaperStore> {
    return new PostgresPaperStore(await openPostgresSideStore(opts, 'faldone-paper', migratePaperPostgres));
  }

  private async query(sql: string, params: unknown[] = [], client?: pg.PoolClient): Promise<Row[]> {
    return (await (client ?? this.pool).query<Row>(sql, clean(params))).rows;
  }

  private async inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>, readOnly = false): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  // ── inventory ──────────────────────────────────────────────────────────────────────────────────────────────

  async upsertInventory(records: readonly NewInventoryRecord[]): Promise<{ inserted: number; updated: number }> {
    if (!records.length) return { inserted: 0, updated: 0 };
    return this.inTransaction(async (client) => {
      let inserted = 0;
      let updated = 0;
      for (const r of records) {
        const cols = inventoryColumns(r);
        const now = new Date().toISOString();
        const p = new SqlParams('postgres');
        const insert = insertSql(this.t('paper_inventory'), inventoryInsertColumns(r, now, cols), p);
        const sets = [...cols.map(([c]) => `${c} = EXCLUDED.${c}`), 'updated_at = EXCLUDED.updated_at'].join(', ');
        const rows = await this.query(
          `${insert}
           ON CONFLICT (comune, practice_key) DO UPDATE SET ${sets} RETURNING (xmax = 0) AS inserted`,
          p.values,
          client,
        );
        if (rows[0]!.inserted) inserted++;
        else updated++;
      }
      return { inserted, updated };
    });
  }

  async getInventory(id: string): Promise<InventoryRecord | null> {
    const rows = await this.query(`SELECT * FROM ${this.t('paper_inventory')} WHERE id = $1`, [id]);
    return rows[0] ? inventoryFromRow(rows[0]) : null;
  }

  async getInventoryByKey(comune: string, practiceKey: string): Promise<InventoryRecord | null> {
    const rows = await this.query(
      `SELECT * FROM ${this.t('paper_inventory')} WHERE comune = $1 AND practice_key = $2`,
      [comune, practiceKey],
    );
    return rows[0] ? inventoryFromRow(rows[0]) : null;
  }

  async searchInventory(filter: InventoryFilter): Promise<{ total: number; records: InventoryRecord[] }> {
    const p = new SqlParams('postgres');
    const where = inventoryWhere(filter, p);
    const { limit, offset } = page(filter.limit, filter.offset);
    const [counted, rows] = await Promise.all([
      this.query(`SELECT count(*) AS n FROM ${this.t('paper_inventory')} WHERE ${where}`, p.values),
      this.query(
        `SELECT * FROM ${this.t('paper_inventory')} WHERE ${where}
         ORDER BY comune, year DESC, practice_key, id LIMIT ${limit} OFFSET ${offset}`,
        p.values,
      ),
    ]);
    return { total: Number(counted[0]!.n), records: rows.map(inventoryFromRow) };
  }

  async setInventoryState(
    comune: string,
    practiceKey: string,
    state: PaperState,
    opts: { pages?: number; at?: string; force?: boolean } = {},
  ): Promise<InventoryRecord | null> {
    const guard = forwardOnly(state, opts.force);
    const rows = await this.query(
      `UPDATE ${this.t('paper_inventory')}
       SET state_at = CASE WHEN state = $1 THEN state_at ELSE $2::timestamptz END, state = $1,
         pages = pages + $3, updated_at = $4
       WHERE comune = $5 AND practice_key = $6${guard} RETURNING *`,
      [state, isoOf(opts.at), Math.max(0, Math.floor(opts.pages ?? 0)), new Date().toISOString(), comune, practiceKey],
    );
    return rows[0] ? inventoryFromRow(rows[0]) : null;
  }

  async saveImport(report: InventoryImport): Promise<void> {
    const p = new SqlParams('postgres');
    await this.query(
      importUpsertSql(this.t('paper_imports'), importColumns(report, toJson(report.problems)), p),
      p.values,
    );
  }

  async getImport(id: string): Promise<InventoryImport | null> {
    const rows = await this.query(`SELECT * FROM ${this.t('paper_imports')} WHERE id = $1`, [id]);
    return rows[0] ? importFromRow(rows[0]) : null;
  }

  async listImports(opts: { comuni?: readonly string[]; limit?: number } = {}): Promise<InventoryImport[]> {
    const p = new SqlParams('postgres');
    const { limit } = page(opts.limit, 0);
    const rows = await this.query(
      `SELECT * FROM ${this.t('paper_imports')} WHERE ${comuneIn(p, opts.comuni)}
       ORDER BY at DESC, id DESC LIMIT ${limit}`,
      p.values,
    );
    return rows.map(importFromRow);
  }

  // ── access requests ────────────────────────────────────────────────────────────────────────────────────────

  async createAccessRequest(input: NewAccessRequest): Promise<AccessRequest> {
    const p = new SqlParams('postgres');
    const cols = accessRequestInsertColumns(input, new Date().toISOString());
    const rows = await this.query(`${insertSql(this.t('access_requests'), cols, p)} RETURNING *`, p.values);
    return accessRequestFromRow(rows[0]!);
  }

  async getAccessRequest(id: string): Promise<AccessRequest | null> {
    const rows = await this.query(`SELECT * FROM ${this.t('access_requests')} WHERE id = $1`, [id]);
    return rows[0] ? accessRequestFromRow(rows[0]) : null;
  }

  async listAccessRequests(filter: AccessRequestFilter = {}): Promise<{ total: number; requests: AccessRequest[] }> {
    const p = new SqlParams('postgres');
    const where = accessWhere(filter, p);
    const { limit, offset } = page(filter.limit, filter.offset);
    const [counted, rows] = await Promise.all([
      this.query(`SELECT count(*) AS n FROM ${this.t('access_requests')} WHERE ${where}`, p.values),
      this.query(
        `SELECT * FROM ${this.t('access_requests')} WHERE ${where}
         ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
        p.values,
      ),
    ]);
    return { total: Number(counted[0]!.n), requests: rows.map(accessRequestFromRow) };
  }

  async updateAccessRequest(
    id: string,
    expectState: readonly AccessRequestState[],
    patch: Parameters<PaperStore['updateAccessRequest']>[2],
    expect: Parameters<PaperStore['updateAccessRequest']>[3] = {},
  ): Promise<AccessRequest | null> {
    if (!expectState.length) return null;
    const p = new SqlParams('postgres');
    const rows = await this.query(
      `UPDATE ${this.t('access_requests')} SET ${accessPatchSets(p, patch)}
       WHERE id = ${p.add(id)} AND state IN ${p.list(expectState)}${awaitingClause(p, expect)} RETURNING *`,
      p.values,
    );
    return rows[0] ? accessRequestFromRow(rows[0]) : null;
  }

  async hasApprovedAccess(requesterId: string, comune: string, practiceKey: string, at: string): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM ${this.t('access_requests')} WHERE requester_id = $1 AND comune = $2 AND practice_key = $3
         AND state = 'approved' AND (expires_at IS NULL OR expires_at > $4) LIMIT 1`,
      [requesterId, comune, practiceKey, isoOf(at)],
    );
    return rows.length > 0;
  }

  async expireAccessRequests(at: string): Promise<AccessRequest[]> {
    const rows = await this.query(
      `UPDATE ${this.t('access_requests')} SET state = 'expired', updated_at = $1
       WHERE state = 'approved' AND expires_at IS NOT NULL AND expires_at < $2 RETURNING *`,
      [new Date().toISOString(), isoOf(at)],
    );
    return rows.map(accessRequestFromRow).sort(byCreated);
  }

  // ── digitisation ───────────────────────────────────────────────────────────────────────────────────────────

  async scanCandidates(opts: { comuni?: readonly string[]; areaSince: string }): Promise<ScanCandidate[]> {
    const tables = { inventory: this.t('paper_inventory'), requests: this.t('access_requests') };
    const q = scanCandidateQueries('postgres', tables, opts);
    return this.inTransaction(
      async (client) =>
        buildScanCandidates(
          (await this.query(q.records.sql, q.records.values, client)).map(inventoryFromRow),
          (await this.query(q.waiting.sql, q.waiting.values, client)).map(waitingFromRow),
          (await this.query(q.recent.sql, q.recent.values, client)).map(areaFromRow),
        ),
      true,
    );
  }

  async digitisationCounts(opts: { comuni?: readonly string[] } = {}): Promise<DigitisationCounts[]> {
    const q = countsQuery('postgres', this.t('paper_inventory'), opts.comuni);
    return countsFromRows(await this.query(q.sql, q.values));
  }

  async pagesPerDay(opts: {
    since: string;
    comuni?: readonly string[];
  }): Promise<Array<{ comune: string; day: string; pages: number; practices: number }>> {
    const p = new SqlParams('postgres');
    const rows = await this.query(
      `SELECT comune, to_char(state_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(pages) AS pages,
         count(*) AS practices
       FROM ${this.t('paper_inventory')}
       WHERE state = 'archived' AND state_at >= ${p.add(isoOf(opts.since))} AND ${comuneIn(p, opts.comuni)}
       GROUP BY comune, day ORDER BY day, comune`,
      p.values,
    );
    return rows.map(dayFromRow);
  }
}
