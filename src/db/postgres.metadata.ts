// MetadataStore on PostgreSQL (pg Pool): for several workers or machines sharing one database.
// Behaves like the SQLite adapter method for method (see test/db/metadata.contract.ts). Notes:
// - every table is qualified with the configured schema, so several stores (or test runs) can share a database;
// - timestamps are timestamptz taken from the database clock (one clock for every worker), truncated to milliseconds
//   and returned as `Date#toISOString()` strings, the same format the SQLite adapter stores;
// - JSON columns are jsonb: values round-trip deep-equal (object key order is not kept);
// - PostgreSQL cannot store U+0000 in text or jsonb: it is removed from every string written, and lone UTF-16
//   surrogates become U+FFFD, so garbage extracted from a broken PDF cannot make a write fail.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import type { TenantScope } from '../tenancy/tenant-scope.ts';
import {
  TERMINAL_STATUSES,
  type Batch,
  type BatchFilter,
  type BatchItem,
  type BatchSummary,
  type DocumentFilter,
  type DocumentPatch,
  type DocumentRecord,
  type DocumentStatus,
  type EventRecord,
  type MetadataStore,
  type NewBatch,
  type NewDocument,
  type PageRecord,
  type PageQualityInput,
  type BatchPageQuality,
} from './metadata-store.ts';
import type { PageQuality } from '../scan/page-quality.ts';
import {
  JSON_PATCH_KEYS,
  PATCH_COLUMNS,
  UNCLEARABLE,
  batchFromRow,
  batchItemFromRow,
  documentFromRow,
  documentConditions,
  documentInsertParams,
  opt,
  type Row,
} from './rows.ts';
import { migratePostgres, quoteIdent, type MigrationResult } from './postgres.migrations.ts';
import { PostgresRecords } from './postgres.records.ts';
import { RecordsDelegate } from './records.delegate.ts';
import { PostgresPageVersions } from './postgres.page-versions.ts';
import { NOW, clean, isoTime, toJson, typeParsers } from './postgres.values.ts';

export { pgSafeText } from './postgres.values.ts';

/** Conditions of a document filter, pushing their values onto `args` ($n placeholders). */
function documentWhere(f: DocumentFilter, args: unknown[]): string[] {
  const param = (v: unknown) => (args.push(v), `$${args.length}`);
  return documentConditions(f, param, (values) => values.map(param).join(', '), 'false');
}

function batchWhere(f: BatchFilter, args: unknown[]): string {
  if (!f.comuni) return '';
  args.push(f.comuni);
  return `WHERE comune = ANY($${args.length}::text[])`;
}

export interface PostgresMetadataOptions {
  /** e.g. postgres://user:pass@host:5432/db */
  connectionString: string;
  /** Schema holding the tables; created if missing. Default `public`. */
  schema?: string;
  /** Maximum connections of the pool. Default 10. */
  poolSize?: number;
  /** Errors of idle pooled connections (e.g. the server restarted). The pool drops the client either way. */
  onPoolError?: (err: Error) => void;
}

export class PostgresMetadataStore extends RecordsDelegate implements MetadataStore {
  private closing: Promise<void> | undefined;
  protected readonly records: PostgresRecords;
  protected readonly versions: PostgresPageVersions;

  private constructor(
    private readonly pool: pg.Pool,
    /** Schema the tables live in. */
    readonly schema: string,
    /** What opening did to the schema: versions applied by this process (none when already up to date). */
    readonly migration: MigrationResult,
  ) {
    super();
    this.records = new PostgresRecords(pool, (table) => this.t(table));
    this.versions = new PostgresPageVersions(pool, (table) => this.t(table));
  }

  /** Connects, migrates the schema (once across concurrent openers) and returns a ready store. */
  static async open(opts: PostgresMetadataOptions): Promise<PostgresMetadataStore> {
    const schema = opts.schema ?? 'public';
    quoteIdent(schema); // validate early
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? 10,
      application_name: 'faldone',
      types: typeParsers,
    });
    pool.on('error', opts.onPoolError ?? (() => {}));
    try {
      const migration = await migratePostgres(pool, schema);
      return new PostgresMetadataStore(pool, schema, migration);
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
  }

  private t(table: string): string {
    return `${quoteIdent(this.schema)}.${table}`;
  }

  private async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult<Row>> {
    return this.pool.query<Row>(sql, clean(params));
  }

  async createBatch(input: NewBatch): Promise<Batch> {
    const { rows } = await this.query(
      `INSERT INTO ${this.t('batches')} (id, label, source, comune, restricted, created_at)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, ${NOW})) RETURNING *`,
      [
        input.id ?? randomUUID(),
        input.label,
        input.source,
        input.comune ?? DEFAULT_COMUNE_CODE,
        input.restricted ?? false,
        isoTime(input.createdAt),
      ],
    );
    return batchFromRow(rows[0]!);
  }

  async getBatch(id: string): Promise<Batch | null> {
    const { rows } = await this.query(`SELECT * FROM ${this.t('batches')} WHERE id = $1`, [id]);
    return rows[0] ? batchFromRow(rows[0]) : null;
  }

  async listBatches(opts: BatchFilter & { limit?: number; offset?: number } = {}): Promise<Batch[]> {
    const args: unknown[] = [];
    const where = batchWhere(opts, args);
    args.push(opts.limit ?? 50, opts.offset ?? 0);
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('batches')} ${where}
       ORDER BY created_at DESC, id LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map(batchFromRow);
  }

  async countBatches(filter: BatchFilter = {}): Promise<number> {
    const args: unknown[] = [];
    const where = batchWhere(filter, args);
    const { rows } = await this.query(`SELECT count(*) AS n FROM ${this.t('batches')} ${where}`, args);
    return Number(rows[0]!.n);
  }

  async batchSummary(id: string): Promise<BatchSummary | null> {
    // One statement, so the item counts and the statuses come from the same snapshot.
    const { rows } = await this.query(
      `SELECT b.*,
         (SELECT json_object_agg(outcome, n) FROM
            (SELECT outcome, count(*) AS n FROM ${this.t('batch_items')} WHERE batch_id = b.id GROUP BY outcome) i) AS items,
         (SELECT json_object_agg(status, n) FROM
            (SELECT status, count(*) AS n FROM ${this.t('documents')} WHERE batch_id = b.id GROUP BY status) d) AS statuses
       FROM ${this.t('batches')} b WHERE b.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const items = (r.items ?? {}) as Record<string, number>;
    const byStatus = (r.statuses ?? {}) as Partial<Record<DocumentStatus, number>>;
    const pending = (Object.entries(byStatus) as Array<[DocumentStatus, number]>)
      .filter(([s]) => !TERMINAL_STATUSES.includes(s))
      .reduce((a, [, n]) => a + n, 0);
    return {
      batch: batchFromRow(r),
      items: Object.values(items).reduce((a, n) => a + n, 0),
      accepted: items.accepted ?? 0,
      duplicates: items.duplicate ?? 0,
      rejected: items.rejected ?? 0,
      byStatus,
      done: pending === 0,
    };
  }

  async addBatchItem(item: BatchItem): Promise<void> {
    await this.query(
      `INSERT INTO ${this.t('batch_items')} (batch_id, filename, outcome, document_id, sha256, error) VALUES ($1, $2, $3, $4, $5, $6)`,
      [item.batchId, item.filename, item.outcome, item.documentId ?? null, item.sha256 ?? null, item.error ?? null],
    );
  }

  async listBatchItems(batchId: string): Promise<BatchItem[]> {
    const { rows } = await this.query(`SELECT * FROM ${this.t('batch_items')} WHERE batch_id = $1 ORDER BY seq`, [
      batchId,
    ]);
    return rows.map(batchItemFromRow);
  }

  async createDocument(input: NewDocument): Promise<{ created: boolean; document: DocumentRecord }> {
    // Two statements on purpose: after ON CONFLICT DO NOTHING lost to a concurrent insert, a new statement (READ
    // COMMITTED) sees the winner's committed row, which a CTE in the same statement would not. Comune and restricted
    // not given come from the batch (an unknown batch leaves them NULL: the insert fails, as the foreign key would).
    const inserted = await this.query(
      `INSERT INTO ${this.t('documents')} (id, sha256, batch_id, filename, media_type, size, status, error, failed_step,
         page_count, archive_key, classification, title, year, comune, restricted, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $8, $9, $10, $11::jsonb, $12, $13,
               coalesce($14::text, (SELECT comune FROM ${this.t('batches')} WHERE id = $3)),
               coalesce($15::boolean, (SELECT restricted FROM ${this.t('batches')} WHERE id = $3)),
               coalesce($16::timestamptz, ${NOW}), coalesce($16::timestamptz, ${NOW}))
       ON CONFLICT DO NOTHING RETURNING *`,
      [...documentInsertParams(input, toJson, (v) => v), isoTime(input.createdAt)],
    );
    if (inserted.rows[0]) return { created: true, document: documentFromRow(inserted.rows[0]) };
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('documents')} WHERE sha256 = $1 OR id = $2 ORDER BY (sha256 = $1) DESC LIMIT 1`,
      [input.sha256, input.id],
    );
    if (!rows[0]) throw new Error(`document ${input.sha256} neither inserted nor found`);
    return { created: false, document: documentFromRow(rows[0]) };
  }

  async getDocument(id: string, scope?: TenantScope): Promise<DocumentRecord | null> {
    const args: unknown[] = [id];
    const where = ['id = $1', ...documentWhere({ scope }, args)];
    const { rows } = await this.query(`SELECT * FROM ${this.t('documents')} WHERE ${where.join(' AND ')}`, args);
    return rows[0] ? documentFromRow(rows[0]) : null;
  }

  async listDocuments(opts: DocumentFilter & { limit?: number; offset?: number }): Promise<DocumentRecord[]> {
    const args: unknown[] = [];
    const where = documentWhere(opts, args);
    args.push(opts.limit ?? 1000, opts.offset ?? 0);
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('documents')} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY created_at, filename, id LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map((r) => documentFromRow(r));
  }

  async countDocuments(filter: DocumentFilter = {}): Promise<number> {
    const args: unknown[] = [];
    const where = documentWhere(filter, args);
    const { rows } = await this.query(
      `SELECT count(*) AS n FROM ${this.t('documents')} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`,
      args,
    );
    return Number(rows[0]!.n);
  }

  /** Only the keys present in `patch` change; a key present with value undefined clears the field (NULL), except
   *  `status`, `comune` and `restricted`, which cannot be cleared and are then left as they are. An empty patch
   *  changes nothing, not even updatedAt. */
  async updateDocument(id: string, patch: DocumentPatch): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(patch) as Array<[keyof DocumentPatch, unknown]>) {
      const column = PATCH_COLUMNS[k];
      if (!column || (UNCLEARABLE.has(k) && (v === undefined || v === null))) continue;
      args.push(JSON_PATCH_KEYS.has(k) ? toJson(v) : (v ?? null));
      sets.push(`${column} = $${args.length}${JSON_PATCH_KEYS.has(k) ? '::jsonb' : ''}`);
    }
    if (!sets.length) return;
    args.push(id);
    await this.query(
      `UPDATE ${this.t('documents')} SET ${sets.join(', ')}, updated_at = ${NOW} WHERE id = $${args.length}`,
      args,
    );
  }

  async replacePages(documentId: string, pages: PageRecord[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        await client.query(`DELETE FROM ${this.t('pages')} WHERE document_id = $1`, [documentId]);
        if (pages.length) {
          await client.query(
            `INSERT INTO ${this.t('pages')} (document_id, page, width_px, height_px, dpi, confidence, chars, quality)
             SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::float8[], $6::float8[], $7::int[],
                                      $8::jsonb[])`,
            [
              documentId,
              pages.map((p) => p.page),
              pages.map((p) => p.widthPx),
              pages.map((p) => p.heightPx),
              pages.map((p) => p.dpi),
              pages.map((p) => p.confidence),
              pages.map((p) => p.chars),
              pages.map((p) => toJson(p.quality)),
            ],
          );
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      client.release();
    }
  }

  async listPages(documentId: string): Promise<PageRecord[]> {
    const { rows } = await this.query(`SELECT * FROM ${this.t('pages')} WHERE document_id = $1 ORDER BY page`, [
      documentId,
    ]);
    return rows.map((r) => ({
      documentId: r.document_id as string,
      page: r.page as number,
      widthPx: r.width_px as number,
      heightPx: r.height_px as number,
      dpi: r.dpi as number,
      confidence: r.confidence as number,
      chars: r.chars as number,
      ...(r.quality ? { quality: r.quality as PageQuality } : {}),
    }));
  }

  async savePageQuality(documentId: string, pages: PageQualityInput[]): Promise<void> {
    if (!pages.length) return;
    await this.query(
      `INSERT INTO ${this.t('pages')} (document_id, page, width_px, height_px, dpi, confidence, chars, quality)
       SELECT $1, u.page, u.w, u.h, u.dpi, 0, 0, u.q
       FROM unnest($2::int[], $3::int[], $4::int[], $5::float8[], $6::jsonb[]) AS u(page, w, h, dpi, q)
       ON CONFLICT (document_id, page) DO UPDATE SET quality = excluded.quality`,
      [
        documentId,
        pages.map((p) => p.page),
        pages.map((p) => p.widthPx),
        pages.map((p) => p.heightPx),
        pages.map((p) => p.dpi),
        pages.map((p) => toJson(p.quality)),
      ],
    );
  }

  async listPageQuality(filter: DocumentFilter): Promise<BatchPageQuality[]> {
    const args: unknown[] = [];
    const param = (v: unknown) => (args.push(v), `$${args.length}`);
    const conds = documentConditions(filter, param, (values) => values.map(param).join(', '), 'false', 'd.');
    const { rows } = await this.query(
      `SELECT p.document_id, p.page, p.quality FROM ${this.t('pages')} p JOIN ${this.t('documents')} d
         ON d.id = p.document_id
       WHERE p.quality IS NOT NULL${conds.map((c) => ` AND ${c}`).join('')}
       ORDER BY d.created_at, d.id, p.page`,
      args,
    );
    return rows.map((r) => ({
      documentId: r.document_id as string,
      page: r.page as number,
      quality: r.quality as PageQuality,
    }));
  }

  async addEvent(e: Omit<EventRecord, 'id' | 'at'> & { at?: string }): Promise<void> {
    await this.query(
      `INSERT INTO ${this.t('events')} (at, type, document_id, batch_id, actor, detail)
       VALUES (coalesce($1::timestamptz, ${NOW}), $2, $3, $4, $5, $6::jsonb)`,
      [isoTime(e.at), e.type, e.documentId ?? null, e.batchId ?? null, e.actor, toJson(e.detail)],
    );
  }

  async listEvents(filter: { documentId?: string; batchId?: string }): Promise<EventRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.documentId) (args.push(filter.documentId), where.push(`document_id = $${args.length}`));
    if (filter.batchId) (args.push(filter.batchId), where.push(`batch_id = $${args.length}`));
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('events')} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`,
      args,
    );
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as string,
      type: r.type as string,
      documentId: opt(r.document_id),
      batchId: opt(r.batch_id),
      actor: r.actor as string,
      detail: opt(r.detail),
    }));
  }

  /** Ends the pool; safe to call more than once. */
  async close(): Promise<void> {
    this.closing ??= this.pool.end();
    await this.closing;
  }
}

export function createPostgresMetadataStore(opts: PostgresMetadataOptions): Promise<PostgresMetadataStore> {
  return PostgresMetadataStore.open(opts);
}
