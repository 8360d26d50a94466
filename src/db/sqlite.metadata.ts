// MetadataStore on SQLite (better-sqlite3, WAL): the embedded default for a single machine.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import type { TenantScope } from '../tenancy/tenant-scope.ts';
import type { PageQuality } from '../scan/page-quality.ts';
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
  type NewBatch,
  type NewDocument,
  type EventRecord,
  type MetadataStore,
  type PageRecord,
  type PageQualityInput,
  type BatchPageQuality,
} from './metadata-store.ts';
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
import { RecordsDelegate } from './records.delegate.ts';
import { RECORDS_MIGRATION, SqliteRecords } from './sqlite.records.ts';
import { TENANCY_MIGRATION } from './sqlite.tenancy.ts';
import { PAGE_VERSIONS_MIGRATION, SqlitePageVersions } from './sqlite.page-versions.ts';

const parseJson = (v: unknown) => JSON.parse(v as string) as unknown;

/** Schema versions (PRAGMA user_version = how many are applied). Never edit one that has shipped: append. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE batches (
     id TEXT PRIMARY KEY, label TEXT NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE TABLE batch_items (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, batch_id TEXT NOT NULL REFERENCES batches(id), filename TEXT NOT NULL,
     outcome TEXT NOT NULL, document_id TEXT, sha256 TEXT, error TEXT);
   CREATE INDEX batch_items_batch ON batch_items(batch_id);
   CREATE TABLE documents (
     id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, batch_id TEXT NOT NULL REFERENCES batches(id),
     filename TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL, status TEXT NOT NULL,
     error TEXT, failed_step TEXT, page_count INTEGER, archive_key TEXT, classification TEXT, title TEXT,
     year INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX documents_batch ON documents(batch_id);
   CREATE INDEX documents_status ON documents(status);
   CREATE TABLE pages (
     document_id TEXT NOT NULL REFERENCES documents(id), page INTEGER NOT NULL, width_px INTEGER NOT NULL,
     height_px INTEGER NOT NULL, dpi REAL NOT NULL, confidence REAL NOT NULL, chars INTEGER NOT NULL,
     PRIMARY KEY (document_id, page));
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, type TEXT NOT NULL, document_id TEXT, batch_id TEXT,
     actor TEXT NOT NULL, detail TEXT);
   CREATE INDEX events_document ON events(document_id);
   CREATE INDEX events_batch ON events(batch_id);`,
  RECORDS_MIGRATION,
  TENANCY_MIGRATION,
  // Page quality control (issue 12): warnings and measures per scanned page, JSON.
  `ALTER TABLE pages ADD COLUMN quality TEXT;`,
  PAGE_VERSIONS_MIGRATION,
  // Box scans (issue 12): the split mode of a box scan, and the provenance of a document split out of one.
  `ALTER TABLE documents ADD COLUMN box_split TEXT;
   ALTER TABLE documents ADD COLUMN split_origin TEXT;`,
];

/** JSON text for a JSON column; null/undefined (and values JSON cannot represent) → NULL, read back as undefined. */
const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : (JSON.stringify(v) ?? null));

/** A given timestamp in the one ISO UTC form the store uses (throws on an invalid date); now when absent. */
const isoTime = (at?: string): string => (at === undefined ? new Date() : new Date(at)).toISOString();

const bit = (v: boolean): number => (v ? 1 : 0);
const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** WHERE clause and arguments of a document filter. */
function documentWhere(f: DocumentFilter): { where: string; args: unknown[] } {
  const args: unknown[] = [];
  const conds = documentConditions(
    f,
    (v) => (args.push(v), '?'),
    (values) => (args.push(...values), placeholders(values)),
    '0',
  );
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
}

function batchWhere(f: BatchFilter): { where: string; args: unknown[] } {
  if (!f.comuni) return { where: '', args: [] };
  return {
    where: f.comuni.length ? `WHERE comune IN (${placeholders(f.comuni)})` : 'WHERE 1 = 0',
    args: [...f.comuni],
  };
}

export class SqliteMetadataStore extends RecordsDelegate implements MetadataStore {
  private readonly db: Database.Database;
  protected readonly records: SqliteRecords;
  protected readonly versions: SqlitePageVersions;

  constructor(file: string) {
    super();
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.records = new SqliteRecords(this.db);
    this.versions = new SqlitePageVersions(this.db);
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= MIGRATIONS.length) return;
    // A migration may rebuild a table others reference (SQLite cannot drop a constraint): foreign keys are off while
    // migrating (the pragma is a no-op inside a transaction) and checked before each version commits.
    this.db.pragma('foreign_keys = OFF');
    try {
      for (let v = version; v < MIGRATIONS.length; v++) {
        this.db.transaction(() => {
          this.db.exec(MIGRATIONS[v]!);
          const broken = this.db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`migration ${v + 1} would leave ${broken.length} broken foreign keys`);
          this.db.pragma(`user_version = ${v + 1}`);
        })();
      }
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  async createBatch(input: NewBatch): Promise<Batch> {
    const batch: Batch = {
      id: input.id ?? randomUUID(),
      label: input.label,
      source: input.source,
      comune: input.comune ?? DEFAULT_COMUNE_CODE,
      restricted: input.restricted ?? false,
      createdAt: isoTime(input.createdAt),
    };
    this.db
      .prepare('INSERT INTO batches (id, label, source, comune, restricted, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(batch.id, batch.label, batch.source, batch.comune, bit(batch.restricted), batch.createdAt);
    return batch;
  }

  async getBatch(id: string): Promise<Batch | null> {
    const r = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as Row | undefined;
    return r ? batchFromRow(r) : null;
  }

  async listBatches(opts: BatchFilter & { limit?: number; offset?: number } = {}): Promise<Batch[]> {
    const { where, args } = batchWhere(opts);
    const rows = this.db
      .prepare(`SELECT * FROM batches ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`)
      .all(...args, opts.limit ?? 50, opts.offset ?? 0) as Row[];
    return rows.map(batchFromRow);
  }

  async countBatches(filter: BatchFilter = {}): Promise<number> {
    const { where, args } = batchWhere(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM batches ${where}`).get(...args) as { n: number }).n;
  }

  async batchSummary(id: string): Promise<BatchSummary | null> {
    const batch = await this.getBatch(id);
    if (!batch) return null;
    const items = this.db
      .prepare('SELECT outcome, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY outcome')
      .all(id) as Array<{ outcome: string; n: number }>;
    const count = (o: string) => items.find((i) => i.outcome === o)?.n ?? 0;
    const statuses = this.db
      .prepare('SELECT status, count(*) AS n FROM documents WHERE batch_id = ? GROUP BY status')
      .all(id) as Array<{ status: DocumentStatus; n: number }>;
    const byStatus: Partial<Record<DocumentStatus, number>> = {};
    for (const s of statuses) byStatus[s.status] = s.n;
    const pending = statuses.filter((s) => !TERMINAL_STATUSES.includes(s.status)).reduce((a, s) => a + s.n, 0);
    return {
      batch,
      items: items.reduce((a, i) => a + i.n, 0),
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      byStatus,
      done: pending === 0,
    };
  }

  async addBatchItem(item: BatchItem): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO batch_items (batch_id, filename, outcome, document_id, sha256, error) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(item.batchId, item.filename, item.outcome, item.documentId ?? null, item.sha256 ?? null, item.error ?? null);
  }

  async listBatchItems(batchId: string): Promise<BatchItem[]> {
    const rows = this.db.prepare('SELECT * FROM batch_items WHERE batch_id = ? ORDER BY seq').all(batchId) as Row[];
    return rows.map(batchItemFromRow);
  }

  async createDocument(input: NewDocument): Promise<{ created: boolean; document: DocumentRecord }> {
    const now = isoTime(input.createdAt);
    // ON CONFLICT DO NOTHING skips only a uniqueness conflict (id or sha256); INSERT OR IGNORE would also swallow a
    // NOT NULL or CHECK violation and then report a document that does not exist. Comune and restricted not given
    // come from the batch (an unknown batch leaves them NULL: the insert fails, as the foreign key would).
    const params = documentInsertParams(input, toJson, bit);
    const info = this.db
      .prepare(
        `INSERT INTO documents (id, sha256, batch_id, filename, media_type, size, status, error, failed_step, page_count,
           archive_key, classification, title, year, comune, restricted, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?,
           coalesce(?, (SELECT comune FROM batches WHERE id = ?)),
           coalesce(?, (SELECT restricted FROM batches WHERE id = ?)), ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(...params.slice(0, 13), params[13], input.batchId, params[14], input.batchId, now, now);
    const row = this.db
      .prepare('SELECT * FROM documents WHERE sha256 = ? OR id = ? ORDER BY (sha256 = ?) DESC LIMIT 1')
      .get(input.sha256, input.id, input.sha256) as Row | undefined;
    if (!row) throw new Error(`document ${input.sha256} neither inserted nor found`);
    return { created: info.changes === 1, document: documentFromRow(row, parseJson) };
  }

  async getDocument(id: string, scope?: TenantScope): Promise<DocumentRecord | null> {
    const { where, args } = documentWhere({ scope });
    const r = this.db.prepare(`SELECT * FROM documents ${where ? `${where} AND` : 'WHERE'} id = ?`).get(...args, id) as
      Row | undefined;
    return r ? documentFromRow(r, parseJson) : null;
  }

  async listDocuments(opts: DocumentFilter & { limit?: number; offset?: number }): Promise<DocumentRecord[]> {
    const { where, args } = documentWhere(opts);
    const sql = `SELECT * FROM documents ${where} ORDER BY created_at, filename, id LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...args, opts.limit ?? 1000, opts.offset ?? 0) as Row[]).map((r) =>
      documentFromRow(r, parseJson),
    );
  }

  async countDocuments(filter: DocumentFilter = {}): Promise<number> {
    const { where, args } = documentWhere(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM documents ${where}`).get(...args) as { n: number }).n;
  }

  /** Only the keys present in `patch` change; a key present with value undefined clears the field (NULL), except
   *  `status`, `comune` and `restricted`, which cannot be cleared and are then left as they are. An empty patch
   *  changes nothing, not even updatedAt. Keys that are not patchable columns are ignored. */
  async updateDocument(id: string, patch: DocumentPatch): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(patch) as Array<[keyof DocumentPatch, unknown]>) {
      const column = PATCH_COLUMNS[k];
      if (!column || (UNCLEARABLE.has(k) && (v === undefined || v === null))) continue;
      sets.push(`${column} = ?`);
      args.push(JSON_PATCH_KEYS.has(k) ? toJson(v) : k === 'restricted' ? bit(v === true) : (v ?? null));
    }
    if (!sets.length) return;
    sets.push('updated_at = ?');
    args.push(new Date().toISOString());
    this.db.prepare(`UPDATE documents SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  async replacePages(documentId: string, pages: PageRecord[]): Promise<void> {
    const del = this.db.prepare('DELETE FROM pages WHERE document_id = ?');
    const ins = this.db.prepare(
      'INSERT INTO pages (document_id, page, width_px, height_px, dpi, confidence, chars, quality) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      del.run(documentId);
      for (const p of pages)
        ins.run(documentId, p.page, p.widthPx, p.heightPx, p.dpi, p.confidence, p.chars, toJson(p.quality));
    })();
  }

  async savePageQuality(documentId: string, pages: PageQualityInput[]): Promise<void> {
    const up = this.db.prepare(
      `INSERT INTO pages (document_id, page, width_px, height_px, dpi, confidence, chars, quality)
       VALUES (?, ?, ?, ?, ?, 0, 0, ?)
       ON CONFLICT (document_id, page) DO UPDATE SET quality = excluded.quality`,
    );
    this.db.transaction(() => {
      for (const p of pages) up.run(documentId, p.page, p.widthPx, p.heightPx, p.dpi, toJson(p.quality));
    })();
  }

  async listPageQuality(filter: DocumentFilter): Promise<BatchPageQuality[]> {
    const args: unknown[] = [];
    const conds = documentConditions(
      filter,
      (v) => (args.push(v), '?'),
      (values) => (args.push(...values), placeholders(values)),
      '0',
      'd.',
    );
    const rows = this.db
      .prepare(
        `SELECT p.document_id, p.page, p.quality FROM pages p JOIN documents d ON d.id = p.document_id
         WHERE p.quality IS NOT NULL${conds.map((c) => ` AND ${c}`).join('')}
         ORDER BY d.created_at, d.id, p.page`,
      )
      .all(...args) as Row[];
    return rows.map((r) => ({
      documentId: r.document_id as string,
      page: r.page as number,
      quality: parseJson(r.quality) as PageQuality,
    }));
  }

  async listPages(documentId: string): Promise<PageRecord[]> {
    const rows = this.db.prepare('SELECT * FROM pages WHERE document_id = ? ORDER BY page').all(documentId) as Row[];
    return rows.map((r) => ({
      documentId: r.document_id as string,
      page: r.page as number,
      widthPx: r.width_px as number,
      heightPx: r.height_px as number,
      dpi: r.dpi as number,
      confidence: r.confidence as number,
      chars: r.chars as number,
      ...(r.quality ? { quality: parseJson(r.quality) as PageQuality } : {}),
    }));
  }

  async addEvent(e: Omit<EventRecord, 'id' | 'at'> & { at?: string }): Promise<void> {
    this.db
      .prepare('INSERT INTO events (at, type, document_id, batch_id, actor, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(isoTime(e.at), e.type, e.documentId ?? null, e.batchId ?? null, e.actor, toJson(e.detail));
  }

  async listEvents(filter: { documentId?: string; batchId?: string }): Promise<EventRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.documentId) (where.push('document_id = ?'), args.push(filter.documentId));
    if (filter.batchId) (where.push('batch_id = ?'), args.push(filter.batchId));
    const rows = this.db
      .prepare(`SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`)
      .all(...args) as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as string,
      type: r.type as string,
      documentId: opt(r.document_id),
      batchId: opt(r.batch_id),
      actor: r.actor as string,
      detail: r.detail === null || r.detail === undefined ? undefined : JSON.parse(r.detail as string),
    }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
