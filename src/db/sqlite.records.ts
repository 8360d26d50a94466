// Records management on SQLite: protocol register, routing review queue and practices (fascicoli). Used by
// SqliteMetadataStore, which appends RECORDS_MIGRATION to its migrations and delegates these methods here.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
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

const IMMUTABLE = "SELECT RAISE(ABORT, 'protocol register entries are immutable')";

/** Migration 2 of the SQLite schema (migration 3, sqlite.tenancy.ts, adds the Comune columns). */
export const RECORDS_MIGRATION = `
  CREATE TABLE protocol_register (
    document_id TEXT PRIMARY KEY, number INTEGER NOT NULL CHECK (number > 0), year INTEGER NOT NULL, date TEXT,
    source TEXT NOT NULL CHECK (source IN ('ocr', 'manual')), registered_at TEXT NOT NULL, registered_by TEXT NOT NULL);
  CREATE INDEX protocol_register_number ON protocol_register(year, number);
  CREATE TRIGGER protocol_register_no_update BEFORE UPDATE ON protocol_register BEGIN ${IMMUTABLE}; END;
  CREATE TRIGGER protocol_register_no_delete BEFORE DELETE ON protocol_register BEGIN ${IMMUTABLE}; END;
  -- INSERT OR REPLACE (and ON CONFLICT DO UPDATE) would overwrite an entry without firing the triggers above.
  CREATE TRIGGER protocol_register_insert_once BEFORE INSERT ON protocol_register
    WHEN EXISTS (SELECT 1 FROM protocol_register WHERE document_id = NEW.document_id) BEGIN ${IMMUTABLE}; END;

  CREATE TABLE routing_reviews (
    document_id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('pending', 'auto', 'accepted', 'corrected')),
    suggested TEXT NOT NULL, current TEXT NOT NULL, current_office TEXT NOT NULL, current_class TEXT NOT NULL,
    confidence REAL NOT NULL, threshold REAL NOT NULL, decided_by TEXT NOT NULL, reasons TEXT NOT NULL,
    reviewer TEXT, reviewed_at TEXT, review_note TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE INDEX routing_reviews_order ON routing_reviews(confidence, created_at, document_id);
  CREATE INDEX routing_reviews_state ON routing_reviews(state, confidence, created_at, document_id);
  CREATE INDEX routing_reviews_office ON routing_reviews(current_office, state, confidence, created_at, document_id);
  CREATE INDEX routing_reviews_class ON routing_reviews(current_class, state, confidence, created_at, document_id);
  CREATE INDEX routing_reviews_updated ON routing_reviews(updated_at);

  CREATE TABLE practices (
    id TEXT PRIMARY KEY, key TEXT UNIQUE, label TEXT NOT NULL, key_fold TEXT, label_fold TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE practice_members (
    document_id TEXT PRIMARY KEY, practice_id TEXT NOT NULL REFERENCES practices(id), confidence REAL NOT NULL,
    reason TEXT NOT NULL, linked_by TEXT NOT NULL, locked INTEGER NOT NULL CHECK (locked IN (0, 1)),
    practice_key TEXT, parcel_key TEXT, address_key TEXT, linked_at TEXT NOT NULL);
  CREATE INDEX practice_members_practice ON practice_members(practice_id, linked_at, document_id);
  CREATE INDEX practice_members_practice_key ON practice_members(practice_key);
  CREATE INDEX practice_members_parcel_key ON practice_members(parcel_key);
  CREATE INDEX practice_members_address_key ON practice_members(address_key);`;

const parseJson = (v: unknown) => JSON.parse(v as string) as unknown;
const now = () => new Date().toISOString();
/** A given timestamp in ISO UTC (throws on an invalid date); now when absent. */
const isoTime = (at?: string): string => (at === undefined ? now() : new Date(at).toISOString());

const MEMBER_COUNTS = 'SELECT practice_id, count(*) AS n FROM practice_members GROUP BY practice_id';
const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

export class SqliteRecords implements RecordsStore {
  constructor(private readonly db: Database.Database) {}

  async registerProtocol(e: ProtocolInput): Promise<{ created: boolean; entry: ProtocolEntry }> {
    checkProtocolEntry(e);
    // Check and insert in one statement (SQLite runs one writer at a time): the insert-once trigger refuses a
    // second entry for the document, so ON CONFLICT DO NOTHING cannot be used here.
    const info = this.db
      .prepare(
        `INSERT INTO protocol_register (document_id, number, year, date, source, registered_at, registered_by, comune)
         SELECT ?, ?, ?, ?, ?, ?, ?, coalesce(?, (SELECT comune FROM documents WHERE id = ?), ?)
         WHERE NOT EXISTS (SELECT 1 FROM protocol_register WHERE document_id = ?)`,
      )
      .run(
        e.documentId,
        e.number,
        e.year,
        e.date ?? null,
        e.source,
        isoTime(e.registeredAt),
        e.registeredBy,
        e.comune ?? null,
        e.documentId,
        DEFAULT_COMUNE_CODE,
        e.documentId,
      );
    const entry = await this.getProtocol(e.documentId);
    if (!entry) throw new Error(`protocol entry of ${e.documentId} neither inserted nor found`);
    return { created: info.changes === 1, entry };
  }

  async getProtocol(documentId: string): Promise<ProtocolEntry | null> {
    const r = this.db.prepare('SELECT * FROM protocol_register WHERE document_id = ?').get(documentId) as
      Row | undefined;
    return r ? protocolFromRow(r) : null;
  }

  async putRoutingSuggestion(s: SuggestionInput): Promise<RoutingReview> {
    const t = now();
    // In SET, column names are the stored row's values: a decided review keeps state and current.
    const open = "routing_reviews.state IN ('pending', 'auto')";
    const r = this.db
      .prepare(
        `INSERT INTO routing_reviews (document_id, state, suggested, current, current_office, current_class, confidence,
           threshold, decided_by, reasons, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (document_id) DO UPDATE SET
           state = CASE WHEN ${open} THEN excluded.state ELSE state END,
           current = CASE WHEN ${open} THEN excluded.current ELSE current END,
           current_office = CASE WHEN ${open} THEN excluded.current_office ELSE current_office END,
           current_class = CASE WHEN ${open} THEN excluded.current_class ELSE current_class END,
           suggested = excluded.suggested, confidence = excluded.confidence, threshold = excluded.threshold,
           decided_by = excluded.decided_by, reasons = excluded.reasons, updated_at = excluded.updated_at
         RETURNING *`,
      )
      .get(
        s.documentId,
        s.state,
        JSON.stringify(s.suggested),
        JSON.stringify(s.suggested),
        s.suggested.office,
        s.suggested.titolarioClass,
        s.confidence,
        s.threshold,
        s.decidedBy,
        JSON.stringify(s.reasons),
        t,
        t,
      ) as Row;
    return routingReviewFromRow(r, parseJson);
  }

  async getRoutingReview(documentId: string): Promise<RoutingReview | null> {
    const r = this.db.prepare('SELECT * FROM routing_reviews WHERE document_id = ?').get(documentId) as Row | undefined;
    return r ? routingReviewFromRow(r, parseJson) : null;
  }

  private reviewWhere(f: ReviewCountFilter): { where: string; args: unknown[] } {
    const conds: string[] = [];
    const args: unknown[] = [];
    const states = filterStates(f.state);
    if (states) (conds.push(`state IN (${states.map(() => '?').join(', ') || 'NULL'})`), args.push(...states));
    if (f.office !== undefined) (conds.push('current_office = ?'), args.push(f.office));
    if (f.titolarioClass !== undefined) (conds.push('current_class = ?'), args.push(f.titolarioClass));
    if (f.since !== undefined) (conds.push('updated_at >= ?'), args.push(isoTime(f.since)));
    if (f.comuni) {
      conds.push(`document_id IN (SELECT id FROM documents WHERE comune IN (${placeholders(f.comuni) || 'NULL'}))`);
      args.push(...f.comuni);
    }
    return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
  }

  async listRoutingReviews(filter: RoutingReviewFilter = {}): Promise<RoutingReview[]> {
    const { where, args } = this.reviewWhere(filter);
    const rows = this.db
      .prepare(`SELECT * FROM routing_reviews ${where} ORDER BY confidence, created_at, document_id LIMIT ? OFFSET ?`)
      .all(...args, filter.limit ?? ROUTING_LIST_LIMIT, filter.offset ?? 0) as Row[];
    return rows.map((r) => routingReviewFromRow(r, parseJson));
  }

  async countRoutingReviews(filter: ReviewCountFilter = {}): Promise<number> {
    const { where, args } = this.reviewWhere(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM routing_reviews ${where}`).get(...args) as { n: number }).n;
  }

  async decideRoutingReview(d: DecisionInput): Promise<RoutingReview | null> {
    const expect = d.expectState;
    // One conditional UPDATE: of two reviewers deciding the same pending review, only the first matches.
    const r = this.db
      .prepare(
        `UPDATE routing_reviews SET state = ?, current = ?, current_office = ?, current_class = ?, reviewer = ?,
           reviewed_at = ?, review_note = ?, updated_at = ?
         WHERE document_id = ? ${expect ? `AND state IN (${expect.map(() => '?').join(', ') || 'NULL'})` : ''}
         RETURNING *`,
      )
      .get(
        d.state,
        JSON.stringify(d.current),
        d.current.office,
        d.current.titolarioClass,
        d.reviewer,
        isoTime(d.at),
        d.note ?? null,
        now(),
        d.documentId,
        ...(expect ?? []),
      ) as Row | undefined;
    return r ? routingReviewFromRow(r, parseJson) : null;
  }

  async createPractice(input: PracticeInput): Promise<{ created: boolean; practice: Practice }> {
    const id = input.id ?? randomUUID();
    const comune = input.comune ?? DEFAULT_COMUNE_CODE;
    const t = now();
    // Only a key conflict (within the Comune) is skipped; a duplicate id still fails.
    const info = this.db
      .prepare(
        `INSERT INTO practices (id, comune, key, label, key_fold, label_fold, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (comune, key) DO NOTHING`,
      )
      .run(
        id,
        comune,
        input.key ?? null,
        input.label,
        input.key === undefined ? null : fold(input.key),
        fold(input.label),
        t,
        t,
      );
    const practice = info.changes === 1 ? await this.getPractice(id) : await this.getPracticeByKey(input.key!, comune);
    if (!practice) throw new Error(`practice ${input.key ?? id} neither inserted nor found`);
    return { created: info.changes === 1, practice };
  }

  async getPractice(id: string): Promise<Practice | null> {
    const r = this.db.prepare('SELECT * FROM practices WHERE id = ?').get(id) as Row | undefined;
    return r ? practiceFromRow(r) : null;
  }

  async getPracticeByKey(key: string, comune?: string): Promise<Practice | null> {
    const r = (
      comune === undefined
        ? this.db.prepare('SELECT * FROM practices WHERE key = ? ORDER BY comune LIMIT 1').get(key)
        : this.db.prepare('SELECT * FROM practices WHERE comune = ? AND key = ?').get(comune, key)
    ) as Row | undefined;
    return r ? practiceFromRow(r) : null;
  }

  async updatePractice(id: string, patch: PracticePatch): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (patch.key !== undefined) {
      sets.push('key = ?', 'key_fold = ?');
      args.push(patch.key, patch.key === null ? null : fold(patch.key));
    }
    if (patch.label !== undefined)
      (sets.push('label = ?', 'label_fold = ?'), args.push(patch.label, fold(patch.label)));
    if (!sets.length) return;
    this.db.prepare(`UPDATE practices SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...args, now(), id);
  }

  async deletePracticeIfEmpty(id: string): Promise<boolean> {
    const info = this.db
      .prepare(
        'DELETE FROM practices WHERE id = ? AND NOT EXISTS (SELECT 1 FROM practice_members WHERE practice_id = ?)',
      )
      .run(id, id);
    return info.changes === 1;
  }

  async listPractices(opts: PracticeListOptions = {}): Promise<PracticeWithCount[]> {
    const q = opts.q === undefined || opts.q === '' ? undefined : fold(opts.q);
    const conds: string[] = [];
    const args: unknown[] = [];
    if (q !== undefined) (conds.push('(instr(p.key_fold, ?) > 0 OR instr(p.label_fold, ?) > 0)'), args.push(q, q));
    if (opts.comuni) (conds.push(`p.comune IN (${placeholders(opts.comuni) || 'NULL'})`), args.push(...opts.comuni));
    const rows = this.db
      .prepare(
        `SELECT p.*, coalesce(c.n, 0) AS documents FROM practices p LEFT JOIN (${MEMBER_COUNTS}) c ON c.practice_id = p.id
         ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
         ORDER BY p.key IS NULL, p.key, p.label, p.id LIMIT ? OFFSET ?`,
      )
      .all(...args, opts.limit ?? PRACTICE_LIST_LIMIT, opts.offset ?? 0) as Row[];
    return rows.map(practiceWithCountFromRow);
  }

  async linkDocument(m: MemberInput): Promise<void> {
    // One statement: a document of another Comune than the practice's inserts (and updates) nothing.
    const info = this.db
      .prepare(
        `INSERT INTO practice_members (document_id, practice_id, confidence, reason, linked_by, locked, practice_key,
           parcel_key, address_key, linked_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM documents d JOIN practices p ON p.id = ? WHERE d.id = ? AND d.comune <> p.comune)
         ON CONFLICT (document_id) DO UPDATE SET practice_id = excluded.practice_id, confidence = excluded.confidence,
           reason = excluded.reason, linked_by = excluded.linked_by, locked = excluded.locked,
           practice_key = excluded.practice_key, parcel_key = excluded.parcel_key, address_key = excluded.address_key,
           linked_at = excluded.linked_at`,
      )
      .run(
        m.documentId,
        m.practiceId,
        m.confidence,
        m.reason,
        m.linkedBy,
        m.locked ? 1 : 0,
        m.practiceKey ?? null,
        m.parcelKey ?? null,
        m.addressKey ?? null,
        isoTime(m.linkedAt),
        m.practiceId,
        m.documentId,
      );
    if (info.changes === 0) throw linkMismatch(m.documentId, m.practiceId);
  }

  async unlinkDocument(documentId: string): Promise<void> {
    this.db.prepare('DELETE FROM practice_members WHERE document_id = ?').run(documentId);
  }

  async practiceMember(documentId: string): Promise<PracticeMember | null> {
    const r = this.db.prepare('SELECT * FROM practice_members WHERE document_id = ?').get(documentId) as
      Row | undefined;
    return r ? memberFromRow(r) : null;
  }

  async listPracticeMembers(practiceId: string): Promise<PracticeMember[]> {
    const rows = this.db
      .prepare('SELECT * FROM practice_members WHERE practice_id = ? ORDER BY linked_at, document_id')
      .all(practiceId) as Row[];
    return rows.map(memberFromRow);
  }

  async findPracticesByKeys(keys: PracticeKeys, comune?: string): Promise<PracticeMatch[]> {
    const parts: string[] = [];
    const args: unknown[] = [];
    const inComune = comune === undefined ? '' : 'AND practice_id IN (SELECT id FROM practices WHERE comune = ?)';
    for (const [i, [kind, column]] of KEY_COLUMNS.entries()) {
      const value = keys[kind];
      if (value === undefined) continue;
      parts.push(`SELECT DISTINCT practice_id, '${kind}' AS matched_on, ${i} AS kind_order
                  FROM practice_members WHERE ${column} = ? ${inComune}`);
      args.push(value, ...(comune === undefined ? [] : [comune]));
    }
    if (!parts.length) return [];
    const rows = this.db
      .prepare(
        `SELECT m.practice_id, m.matched_on, c.n AS documents FROM (${parts.join(' UNION ALL ')}) m
         JOIN (${MEMBER_COUNTS}) c ON c.practice_id = m.practice_id
         ORDER BY m.kind_order, c.n DESC, m.practice_id`,
      )
      .all(...args) as Row[];
    return rows.map(matchFromRow);
  }

  async mergePractices(intoId: string, fromIds: string[], by: { actor: string; reason: string }): Promise<number> {
    const from = [...new Set(fromIds)].filter((id) => id !== intoId);
    const list = from.map(() => '?').join(', ');
    const t = now();
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM practices WHERE id = ?').get(intoId)) {
        throw new Error(`practice ${intoId} not found`);
      }
      if (!from.length) return 0;
      const comuni = this.db
        .prepare(`SELECT DISTINCT comune FROM practices WHERE id IN (?, ${list})`)
        .all(intoId, ...from) as Array<{ comune: string }>;
      checkSameComune(comuni.map((c) => c.comune));
      const moved = this.db
        .prepare(
          `UPDATE practice_members SET practice_id = ?, reason = ?, linked_by = ?, linked_at = ? WHERE practice_id IN (${list})`,
        )
        .run(intoId, by.reason, by.actor, t, ...from).changes;
      this.db.prepare(`DELETE FROM practices WHERE id IN (${list})`).run(...from);
      this.db.prepare('UPDATE practices SET updated_at = ? WHERE id = ?').run(t, intoId);
      return moved;
    })();
  }
}
