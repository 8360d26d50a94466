// Records management on PostgreSQL: protocol register, routing review queue and practices (fascicoli). Used by
// PostgresMetadataStore, which delegates these methods here; the tables come from migration 2 (postgres.migrations.ts).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import type {
  Practice,
  PracticeMember,
  PracticeWithCount,
  ProtocolEntry,
  RoutingReview,
  RoutingReviewFilter,
} from './metadata-store.ts';
import {
  KEY_COLUMNS,
  PRACTICE_LIST_LIMIT,
  ROUTING_LIST_LIMIT,
  checkProtocolEntry,
  checkSameComune,
  linkMismatch,
  filterStates,
  fold,
  matchFromRow,
  memberFromRow,
  practiceFromRow,
  practiceWithCountFromRow,
  protocolFromRow,
  routingReviewFromRow,
  type DecisionInput,
  type MemberInput,
  type PracticeInput,
  type PracticeKeys,
  type PracticeListOptions,
  type PracticeMatch,
  type PracticePatch,
  type ProtocolInput,
  type RecordsStore,
  type ReviewCountFilter,
  type SuggestionInput,
} from './records.rows.ts';
import type { Row } from './rows.ts';
import { NOW, clean, isoTime, toJson } from './postgres.values.ts';

const FOREIGN_KEY_VIOLATION = '23503';

export class PostgresRecords implements RecordsStore {
  constructor(
    private readonly pool: pg.Pool,
    /** Schema-qualified table name. */
    private readonly t: (table: string) => string,
  ) {}

  private async query(sql: string, params: unknown[] = [], client: pg.Pool | pg.PoolClient = this.pool) {
    return client.query<Row>(sql, clean(params));
  }

  private async one(sql: string, params: unknown[]): Promise<Row | undefined> {
    return (await this.query(sql, params)).rows[0];
  }

  async registerProtocol(e: ProtocolInput): Promise<{ created: boolean; entry: ProtocolEntry }> {
    checkProtocolEntry(e);
    // Two statements, as createDocument: after losing to a concurrent insert, the SELECT sees the winner's row.
    const inserted = await this.one(
      `INSERT INTO ${this.t('protocol_register')} (document_id, number, year, date, source, registered_at, registered_by,
         comune)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, ${NOW}), $7,
         coalesce($8::text, (SELECT comune FROM ${this.t('documents')} WHERE id = $1), $9::text))
       ON CONFLICT (document_id) DO NOTHING RETURNING *`,
      [
        e.documentId,
        e.number,
        e.year,
        e.date ?? null,
        e.source,
        isoTime(e.registeredAt),
        e.registeredBy,
        e.comune ?? null,
        DEFAULT_COMUNE_CODE,
      ],
    );
    if (inserted) return { created: true, entry: protocolFromRow(inserted) };
    const entry = await this.getProtocol(e.documentId);
    if (!entry) throw new Error(`protocol entry of ${e.documentId} neither inserted nor found`);
    return { created: false, entry };
  }

  async getProtocol(documentId: string): Promise<ProtocolEntry | null> {
    const r = await this.one(`SELECT * FROM ${this.t('protocol_register')} WHERE document_id = $1`, [documentId]);
    return r ? protocolFromRow(r) : null;
  }

  async putRoutingSuggestion(s: SuggestionInput): Promise<RoutingReview> {
    // In SET, r.* is the stored row: a decided review keeps state and current.
    const open = "r.state IN ('pending', 'auto')";
    const r = await this.one(
      `INSERT INTO ${this.t('routing_reviews')} AS r (document_id, state, suggested, current, current_office,
         current_class, confidence, threshold, decided_by, reasons, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, $3::jsonb, $4, $5, $6, $7, $8, $9::jsonb, ${NOW}, ${NOW})
       ON CONFLICT (document_id) DO UPDATE SET
         state = CASE WHEN ${open} THEN excluded.state ELSE r.state END,
         current = CASE WHEN ${open} THEN excluded.current ELSE r.current END,
         current_office = CASE WHEN ${open} THEN excluded.current_office ELSE r.current_office END,
         current_class = CASE WHEN ${open} THEN excluded.current_class ELSE r.current_class END,
         suggested = excluded.suggested, confidence = excluded.confidence, threshold = excluded.threshold,
         decided_by = excluded.decided_by, reasons = excluded.reasons, updated_at = excluded.updated_at
       RETURNING *`,
      [
        s.documentId,
        s.state,
        toJson(s.suggested),
        s.suggested.office,
        s.suggested.titolarioClass,
        s.confidence,
        s.threshold,
        s.decidedBy,
        toJson(s.reasons),
      ],
    );
    return routingReviewFromRow(r!);
  }

  async getRoutingReview(documentId: string): Promise<RoutingReview | null> {
    const r = await this.one(`SELECT * FROM ${this.t('routing_reviews')} WHERE document_id = $1`, [documentId]);
    return r ? routingReviewFromRow(r) : null;
  }

  private reviewWhere(f: ReviewCountFilter, args: unknown[]): string {
    const conds: string[] = [];
    const states = filterStates(f.state);
    if (states) (args.push(states), conds.push(`state = ANY($${args.length}::text[])`));
    if (f.office !== undefined) (args.push(f.office), conds.push(`current_office = $${args.length}`));
    if (f.titolarioClass !== undefined) (args.push(f.titolarioClass), conds.push(`current_class = $${args.length}`));
    if (f.since !== undefined) (args.push(isoTime(f.since)), conds.push(`updated_at >= $${args.length}::timestamptz`));
    if (f.comuni) {
      args.push(f.comuni);
      conds.push(`document_id IN (SELECT id FROM ${this.t('documents')} WHERE comune = ANY($${args.length}::text[]))`);
    }
    return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  }

  async listRoutingReviews(filter: RoutingReviewFilter = {}): Promise<RoutingReview[]> {
    const args: unknown[] = [];
    const where = this.reviewWhere(filter, args);
    args.push(filter.limit ?? ROUTING_LIST_LIMIT, filter.offset ?? 0);
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('routing_reviews')} ${where}
       ORDER BY confidence, created_at, document_id LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map((r) => routingReviewFromRow(r));
  }

  async countRoutingReviews(filter: ReviewCountFilter = {}): Promise<number> {
    const args: unknown[] = [];
    const where = this.reviewWhere(filter, args);
    const r = await this.one(`SELECT count(*) AS n FROM ${this.t('routing_reviews')} ${where}`, args);
    return Number(r!.n);
  }

  async decideRoutingReview(d: DecisionInput): Promise<RoutingReview | null> {
    // One conditional UPDATE: a concurrent decision waits for the row lock, then re-checks the state and misses.
    const r = await this.one(
      `UPDATE ${this.t('routing_reviews')} SET state = $2, current = $3::jsonb, current_office = $4, current_class = $5,
         reviewer = $6, reviewed_at = coalesce($7::timestamptz, ${NOW}), review_note = $8, updated_at = ${NOW}
       WHERE document_id = $1 ${d.expectState ? 'AND state = ANY($9::text[])' : ''}
       RETURNING *`,
      [
        d.documentId,
        d.state,
        toJson(d.current),
        d.current.office,
        d.current.titolarioClass,
        d.reviewer,
        isoTime(d.at),
        d.note ?? null,
        ...(d.expectState ? [d.expectState] : []),
      ],
    );
    return r ? routingReviewFromRow(r) : null;
  }

  async createPractice(input: PracticeInput): Promise<{ created: boolean; practice: Practice }> {
    // Only a key conflict is skipped (a duplicate id still fails); after losing a race for the key, the next
    // statement sees the winner's committed row.
    const comune = input.comune ?? DEFAULT_COMUNE_CODE;
    const inserted = await this.one(
      `INSERT INTO ${this.t('practices')} (id, comune, key, label, key_fold, label_fold, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, ${NOW}, ${NOW}) ON CONFLICT (comune, key) DO NOTHING RETURNING *`,
      [
        input.id ?? randomUUID(),
        comune,
        input.key ?? null,
        input.label,
        input.key === undefined ? null : fold(input.key),
        fold(input.label),
      ],
    );
    if (inserted) return { created: true, practice: practiceFromRow(inserted) };
    const practice = await this.getPracticeByKey(input.key!, comune);
    if (!practice) throw new Error(`practice ${input.key} neither inserted nor found`);
    return { created: false, practice };
  }

  async getPractice(id: string): Promise<Practice | null> {
    const r = await this.one(`SELECT * FROM ${this.t('practices')} WHERE id = $1`, [id]);
    return r ? practiceFromRow(r) : null;
  }

  async getPracticeByKey(key: string, comune?: string): Promise<Practice | null> {
    const r =
      comune === undefined
        ? await this.one(`SELECT * FROM ${this.t('practices')} WHERE key = $1 ORDER BY comune LIMIT 1`, [key])
        : await this.one(`SELECT * FROM ${this.t('practices')} WHERE comune = $1 AND key = $2`, [comune, key]);
    return r ? practiceFromRow(r) : null;
  }

  async updatePractice(id: string, patch: PracticePatch): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [id];
    if (patch.key !== undefined) {
      args.push(patch.key, patch.key === null ? null : fold(patch.key));
      sets.push(`key = $${args.length - 1}`, `key_fold = $${args.length}`);
    }
    if (patch.label !== undefined) {
      args.push(patch.label, fold(patch.label));
      sets.push(`label = $${args.length - 1}`, `label_fold = $${args.length}`);
    }
    if (!sets.length) return;
    await this.query(`UPDATE ${this.t('practices')} SET ${sets.join(', ')}, updated_at = ${NOW} WHERE id = $1`, args);
  }

  async deletePracticeIfEmpty(id: string): Promise<boolean> {
    try {
      const { rowCount } = await this.query(
        `DELETE FROM ${this.t('practices')} p WHERE p.id = $1
           AND NOT EXISTS (SELECT 1 FROM ${this.t('practice_members')} WHERE practice_id = p.id)`,
        [id],
      );
      return rowCount === 1;
    } catch (err) {
      // A document linked concurrently, after this statement's snapshot: the practice is not empty after all.
      if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
      throw err;
    }
  }

  private memberCounts(): string {
    return `SELECT practice_id, count(*) AS n FROM ${this.t('practice_members')} GROUP BY practice_id`;
  }

  async listPractices(opts: PracticeListOptions = {}): Promise<PracticeWithCount[]> {
    const q = opts.q === undefined || opts.q === '' ? undefined : fold(opts.q);
    const args: unknown[] = [];
    const conds: string[] = [];
    if (q !== undefined) {
      args.push(q);
      conds.push(`(strpos(p.key_fold, $${args.length}) > 0 OR strpos(p.label_fold, $${args.length}) > 0)`);
    }
    if (opts.comuni) (args.push(opts.comuni), conds.push(`p.comune = ANY($${args.length}::text[])`));
    args.push(opts.limit ?? PRACTICE_LIST_LIMIT, opts.offset ?? 0);
    const { rows } = await this.query(
      `SELECT p.*, coalesce(c.n, 0) AS documents FROM ${this.t('practices')} p
         LEFT JOIN (${this.memberCounts()}) c ON c.practice_id = p.id
       ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
       ORDER BY p.key NULLS LAST, p.label, p.id LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map(practiceWithCountFromRow);
  }

  async linkDocument(m: MemberInput): Promise<void> {
    // One statement: a document of another Comune than the practice's inserts (and updates) nothing.
    const { rowCount } = await this.query(
      `INSERT INTO ${this.t('practice_members')} (document_id, practice_id, confidence, reason, linked_by, locked,
         practice_key, parcel_key, address_key, linked_at)
       SELECT $1::text, $2::text, $3::float8, $4::text, $5::text, $6::boolean, $7::text, $8::text, $9::text,
         coalesce($10::timestamptz, ${NOW})
       WHERE NOT EXISTS (SELECT 1 FROM ${this.t('documents')} d JOIN ${this.t('practices')} p ON p.id = $2
                         WHERE d.id = $1 AND d.comune <> p.comune)
       ON CONFLICT (document_id) DO UPDATE SET practice_id = excluded.practice_id, confidence = excluded.confidence,
         reason = excluded.reason, linked_by = excluded.linked_by, locked = excluded.locked,
         practice_key = excluded.practice_key, parcel_key = excluded.parcel_key, address_key = excluded.address_key,
         linked_at = excluded.linked_at`,
      [
        m.documentId,
        m.practiceId,
        m.confidence,
        m.reason,
        m.linkedBy,
        m.locked,
        m.practiceKey ?? null,
        m.parcelKey ?? null,
        m.addressKey ?? null,
        isoTime(m.linkedAt),
      ],
    );
    if (rowCount === 0) throw linkMismatch(m.documentId, m.practiceId);
  }

  async unlinkDocument(documentId: string): Promise<void> {
    await this.query(`DELETE FROM ${this.t('practice_members')} WHERE document_id = $1`, [documentId]);
  }

  async practiceMember(documentId: string): Promise<PracticeMember | null> {
    const r = await this.one(`SELECT * FROM ${this.t('practice_members')} WHERE document_id = $1`, [documentId]);
    return r ? memberFromRow(r) : null;
  }

  async listPracticeMembers(practiceId: string): Promise<PracticeMember[]> {
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('practice_members')} WHERE practice_id = $1 ORDER BY linked_at, document_id`,
      [practiceId],
    );
    return rows.map(memberFromRow);
  }

  async findPracticesByKeys(keys: PracticeKeys, comune?: string): Promise<PracticeMatch[]> {
    const parts: string[] = [];
    const args: unknown[] = comune === undefined ? [] : [comune];
    const inComune =
      comune === undefined ? '' : `AND practice_id IN (SELECT id FROM ${this.t('practices')} WHERE comune = $1)`;
    for (const [i, [kind, column]] of KEY_COLUMNS.entries()) {
      const value = keys[kind];
      if (value === undefined) continue;
      args.push(value);
      parts.push(`SELECT DISTINCT practice_id, '${kind}'::text AS matched_on, ${i} AS kind_order
                  FROM ${this.t('practice_members')} WHERE ${column} = $${args.length} ${inComune}`);
    }
    if (!parts.length) return [];
    const { rows } = await this.query(
      `SELECT m.practice_id, m.matched_on, c.n AS documents FROM (${parts.join(' UNION ALL ')}) m
         JOIN (${this.memberCounts()}) c ON c.practice_id = m.practice_id
       ORDER BY m.kind_order, c.n DESC, m.practice_id`,
      args,
    );
    return rows.map(matchFromRow);
  }

  async mergePractices(intoId: string, fromIds: string[], by: { actor: string; reason: string }): Promise<number> {
    const from = [...new Set(fromIds)].filter((id) => id !== intoId);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        // Locks the practices involved (in id order, so two merges cannot deadlock): a document linked meanwhile
        // into a practice being emptied waits, then fails on the foreign key instead of being left behind.
        const { rows } = await this.query(
          `SELECT id, comune FROM ${this.t('practices')} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
          [[intoId, ...from]],
          client,
        );
        if (!rows.some((r) => r.id === intoId)) throw new Error(`practice ${intoId} not found`);
        checkSameComune([...new Set(rows.map((r) => r.comune as string))]);
        const moved = await this.query(
          `UPDATE ${this.t('practice_members')} SET practice_id = $1, reason = $2, linked_by = $3, linked_at = ${NOW}
           WHERE practice_id = ANY($4::text[])`,
          [intoId, by.reason, by.actor, from],
          client,
        );
        await this.query(`DELETE FROM ${this.t('practices')} WHERE id = ANY($1::text[])`, [from], client);
        await this.query(`UPDATE ${this.t('practices')} SET updated_at = ${NOW} WHERE id = $1`, [intoId], client);
        await client.query('COMMIT');
        return moved.rowCount ?? 0;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      client.release();
    }
  }
}
