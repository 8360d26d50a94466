// ConformityStore on SQLite: tables in the metadata store's database file, with their own migration bookkeeping
// (conformity_migrations).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { applySqliteMigrations, openSqliteFile, type SqliteMigration } from '../db/sqlite.side-store.ts';
import type {
  ConformityStore,
  IssuedAttestation,
  NewVerification,
  PageOutcome,
  SignedAttestation,
  Verification,
  VerificationReport,
} from './conformity-store.ts';
import {
  ATTESTATION_COLUMNS,
  SAMPLE_COLUMNS,
  SIGNED_COLUMNS,
  VERIFICATION_COLUMNS,
  attestationFromRow,
  attestationValues,
  pageFromRow,
  sampleValues,
  signedFromRow,
  signedValues,
  verificationFromRow,
  verificationValues,
  type Row,
} from './conformity.rows.ts';

/** Never edit a migration that has shipped: append. */
export const SQLITE_CONFORMITY_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'conformity verifications, attestations, signed files',
    sql: `
      CREATE TABLE conformity_verifications (
        id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, comune TEXT NOT NULL, state TEXT NOT NULL, seed TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL, closed_at TEXT, report TEXT, seq INTEGER NOT NULL);
      CREATE INDEX conformity_verifications_batch ON conformity_verifications (batch_id, seq DESC);
      CREATE TABLE conformity_sample (
        verification_id TEXT NOT NULL REFERENCES conformity_verifications(id), document_id TEXT NOT NULL,
        page INTEGER NOT NULL, position INTEGER NOT NULL, outcome TEXT, problem TEXT, checked_by TEXT, checked_at TEXT,
        PRIMARY KEY (verification_id, document_id, page));
      CREATE TABLE conformity_attestations (
        batch_id TEXT NOT NULL, sha256 TEXT NOT NULL, object_key TEXT NOT NULL, size INTEGER NOT NULL,
        verification_id TEXT NOT NULL, issued_by TEXT NOT NULL, issued_at TEXT NOT NULL,
        PRIMARY KEY (batch_id, sha256));
      CREATE TABLE conformity_signed (
        batch_id TEXT NOT NULL, sha256 TEXT NOT NULL, object_key TEXT NOT NULL, size INTEGER NOT NULL,
        format TEXT NOT NULL, attestation_sha256 TEXT NOT NULL, signer TEXT, uploaded_by TEXT NOT NULL,
        uploaded_at TEXT NOT NULL, PRIMARY KEY (batch_id, sha256));`,
  },
];

export class SqliteConformityStore implements ConformityStore {
  private readonly db: Database.Database;
  readonly applied: number[];

  constructor(file: string) {
    this.db = openSqliteFile(file);
    this.applied = applySqliteMigrations(this.db, 'conformity_migrations', SQLITE_CONFORMITY_MIGRATIONS);
  }

  async createVerification(v: NewVerification): Promise<Verification> {
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const open = this.db
        .prepare("SELECT id FROM conformity_verifications WHERE batch_id = ? AND state = 'open'")
        .all(v.batchId) as Row[];
      for (const o of open) {
        this.db.prepare('DELETE FROM conformity_sample WHERE verification_id = ?').run(o.id);
        this.db.prepare('DELETE FROM conformity_verifications WHERE id = ?').run(o.id);
      }
      const seq = (this.db.prepare('SELECT coalesce(max(seq), 0) + 1 AS s FROM conformity_verifications').get() as Row)
        .s;
      this.db
        .prepare(
          `INSERT INTO conformity_verifications (id, batch_id, comune, state, seed, created_by, created_at, seq)
           VALUES (?, ?, ?, 'open', ?, ?, ?, ?)`,
        )
        .run(id, v.batchId, v.comune, v.seed, v.createdBy, now, seq);
      const insert = this.db.prepare(
        'INSERT INTO conformity_sample (verification_id, document_id, page, position) VALUES (?, ?, ?, ?)',
      );
      v.pages.forEach((p, i) => insert.run(id, p.documentId, p.page, i));
    })();
    return (await this.getVerification(id))!;
  }

  async latestVerification(batchId: string): Promise<Verification | null> {
    const row = this.db
      .prepare('SELECT id FROM conformity_verifications WHERE batch_id = ? ORDER BY seq DESC LIMIT 1')
      .get(batchId) as Row | undefined;
    return row ? this.getVerification(String(row.id)) : null;
  }

  async getVerification(id: string): Promise<Verification | null> {
    const row = this.db.prepare('SELECT * FROM conformity_verifications WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;
    const pages = (
      this.db.prepare('SELECT * FROM conformity_sample WHERE verification_id = ? ORDER BY position').all(id) as Row[]
    ).map(pageFromRow);
    return verificationFromRow(row, pages);
  }

  async setPageResult(
    verificationId: string,
    page: { documentId: string; page: number },
    result: { outcome: PageOutcome; problem: string | null; checkedBy: string; checkedAt: string },
  ): Promise<boolean> {
    const info = this.db
      .prepare(
        `UPDATE conformity_sample SET outcome = ?, problem = ?, checked_by = ?, checked_at = ?
         WHERE verification_id = ? AND document_id = ? AND page = ?
           AND EXISTS (SELECT 1 FROM conformity_verifications WHERE id = ? AND state = 'open')`,
      )
      .run(
        result.outcome,
        result.problem,
        result.checkedBy,
        result.checkedAt,
        verificationId,
        page.documentId,
        page.page,
        verificationId,
      );
    return info.changes === 1;
  }

  async closeVerification(id: string, report: VerificationReport): Promise<boolean> {
    const info = this.db
      .prepare(
        "UPDATE conformity_verifications SET state = 'closed', closed_at = ?, report = ? WHERE id = ? AND state = 'open'",
      )
      .run(report.closedAt, JSON.stringify(report), id);
    return info.changes === 1;
  }

  async restoreVerification(v: Verification): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM conformity_verifications WHERE id = ?').get(v.id)) return false;
      const seq = (this.db.prepare('SELECT coalesce(max(seq), 0) + 1 AS s FROM conformity_verifications').get() as Row)
        .s;
      this.db
        .prepare(
          `INSERT INTO conformity_verifications (${VERIFICATION_COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...verificationValues(v), seq);
      const insert = this.db.prepare(
        `INSERT INTO conformity_sample (${SAMPLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const p of v.pages) insert.run(...sampleValues(v.id, p));
      return true;
    })();
  }

  async recordAttestation(a: IssuedAttestation): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO conformity_attestations (${ATTESTATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (batch_id, sha256) DO NOTHING`,
      )
      .run(...attestationValues(a));
  }

  async listAttestations(batchId: string): Promise<IssuedAttestation[]> {
    return (
      this.db
        .prepare('SELECT * FROM conformity_attestations WHERE batch_id = ? ORDER BY issued_at DESC, sha256')
        .all(batchId) as Row[]
    ).map(attestationFromRow);
  }

  async recordSigned(s: SignedAttestation): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO conformity_signed (${SIGNED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (batch_id, sha256) DO UPDATE SET uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at`,
      )
      .run(...signedValues(s));
  }

  async listSigned(batchId: string): Promise<SignedAttestation[]> {
    return (
      this.db
        .prepare('SELECT * FROM conformity_signed WHERE batch_id = ? ORDER BY uploaded_at DESC, sha256')
        .all(batchId) as Row[]
    ).map(signedFromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
