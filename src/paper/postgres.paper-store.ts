// PaperStore on PostgreSQL: its own small pool on the metadata store's database and schema, its own migrations
// (postgres.paper-migrations.ts).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { MigrationResult } from '../db/postgres.migrations.ts';
import {
  openPostgresSideStore,
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
import { migratePaperPostgres } from './postgres.paper-migrations.ts';

export type PostgresPaperOptions = PostgresSideOptions;

const isoOf = (at: string | undefined): string => (at === undefined ? new Date() : new Date(at)).toISOString();

export class PostgresPaperStore implements PaperStore {
  private closing: Promise<void> | undefined;
  private readonly pool: pg.Pool;
  readonly schema: string;
  readonly migration: MigrationResult;
  private readonly t: (table: string) => string;

  private constructor(side: PostgresSideConnection) {
    this.pool = side.pool;
    this.schema = side.schema;
    this.migration = side.migration;
    this.t = side.table;
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
        const all: Array<[string, unknown]> = [
          ['id', randomUUID()],
          ...cols,
          ['state', r.state ?? 'paper'],
          ['state_at', now],
          ['pages', 0],
          ['created_at', now],
          ['updated_at', now],
        ];
        const p = new SqlParams('postgres');
        const values = all.map(([, v]) => p.add(v)).join(', ');
        const sets = [...cols.map(([c]) => `${c} = EXCLUDED.${c}`), 'updated_at = EXCLUDED.updated_at'].join(', ');
        const rows = await this.query(
          `INSERT INTO ${this.t('paper_inventory')} (${all.map(([c]) => c).join(', ')}) VALUES (${values})
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
    const guard = opts.force ? '' : ` AND ${STATE_RANK_SQL} <= ${STATE_RANK[state]}`;
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
    await this.query(
      `INSERT INTO ${this.t('paper_imports')} (id, comune, filename, imported_by, at, rows, inserted, updated, rejected,
         problems) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET comune = EXCLUDED.comune, filename = EXCLUDED.filename,
         imported_by = EXCLUDED.imported_by, at = EXCLUDED.at, rows = EXCLUDED.rows, inserted = EXCLUDED.inserted,
         updated = EXCLUDED.updated, rejected = EXCLUDED.rejected, problems = EXCLUDED.problems`,
      [
        report.id,
        report.comune,
        report.filename,
        report.importedBy,
        isoOf(report.at),
        report.rows,
        report.inserted,
        report.updated,
        report.rejected,
        toJson(report.problems),
      ],
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
    const now = new Date().toISOString();
    const rows = await this.query(
      `INSERT INTO ${this.t('access_requests')} (id, comune, practice_key, inventory_id, requester_id, requester_name,
         requester_email, requester_role, reason, state, awaiting_scan, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $11) RETURNING *`,
      [
        randomUUID(),
        input.comune,
        input.practiceKey,
        input.inventoryId ?? null,
        input.requesterId,
        input.requesterName,
        input.requesterEmail ?? null,
        input.requesterRole,
        input.reason,
        input.awaitingScan,
        now,
      ],
    );
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
    const sets: string[] = [];
    for (const [key, column] of Object.entries(ACCESS_PATCH_COLUMNS)) {
      const v = (patch as Record<string, unknown>)[key];
      if (v === undefined) continue;
      sets.push(`${column} = ${p.add(ACCESS_PATCH_TIMES.has(key) && v !== null ? isoOf(String(v)) : v)}`);
    }
    sets.push(`updated_at = ${p.add(new Date().toISOString())}`);
    const rows = await this.query(
      `UPDATE ${this.t('access_requests')} SET ${sets.join(', ')}
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
    const inv = this.t('paper_inventory');
    const req = this.t('access_requests');
    return this.inTransaction(async (client) => {
      const p1 = new SqlParams('postgres');
      const records = (
        await this.query(
          `SELECT * FROM ${inv} WHERE state = 'requested' AND ${comuneIn(p1, opts.comuni)}
           ORDER BY comune, year DESC, practice_key, id`,
          p1.values,
          client,
        )
      ).map(inventoryFromRow);
      const p2 = new SqlParams('postgres');
      const waiting = (
        await this.query(
          `SELECT a.comune, a.practice_key, count(*) AS waiting, min(a.created_at) AS oldest
           FROM ${req} a JOIN ${inv} i ON i.comune = a.comune AND i.practice_key = a.practice_key
           WHERE i.state = 'requested' AND a.state IN ('pending', 'approved') AND a.awaiting_scan
             AND ${comuneIn(p2, opts.comuni, 'i.comune')}
           GROUP BY a.comune, a.practice_key`,
          p2.values,
          client,
        )
      ).map(waitingFromRow);
      const p3 = new SqlParams('postgres');
      const recent = (
        await this.query(
          `SELECT a.comune, a.practice_key, i.parcel_key, i.street_key
           FROM ${req} a JOIN ${inv} i ON i.comune = a.comune AND i.practice_key = a.practice_key
           WHERE a.created_at >= ${p3.add(isoOf(opts.areaSince))} AND ${comuneIn(p3, opts.comuni, 'a.comune')}`,
          p3.values,
          client,
        )
      ).map(areaFromRow);
      return buildScanCandidates(records, waiting, recent);
    }, true);
  }

  async digitisationCounts(opts: { comuni?: readonly string[] } = {}): Promise<DigitisationCounts[]> {
    const p = new SqlParams('postgres');
    return countsFromRows(
      await this.query(
        `SELECT comune, state, count(*) AS n, sum(pages) AS pages FROM ${this.t('paper_inventory')}
         WHERE ${comuneIn(p, opts.comuni)} GROUP BY comune, state`,
        p.values,
      ),
    );
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

  close(): Promise<void> {
    return (this.closing ??= this.pool.end());
  }
}
