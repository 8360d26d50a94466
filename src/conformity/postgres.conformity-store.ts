// ConformityStore on PostgreSQL: its own small pool on the metadata store's database and schema, its own migrations
// (recorded in <schema>.conformity_migrations under the metadata store's advisory lock).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migratePostgres, quoteIdent, type MigrationResult, type PgMigration } from '../db/postgres.migrations.ts';
import { clean, typeParsers } from '../db/postgres.values.ts';
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
export const PG_CONFORMITY_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'conformity verifications, attestations, signed files',
    sql: (s) => `
      CREATE TABLE ${s}.conformity_verifications (
        id text COLLATE "C" PRIMARY KEY, batch_id text COLLATE "C" NOT NULL, comune text COLLATE "C" NOT NULL,
        state text NOT NULL, seed text NOT NULL, created_by text NOT NULL, created_at timestamptz NOT NULL,
        closed_at timestamptz, report jsonb, seq bigint GENERATED ALWAYS AS IDENTITY);
      CREATE INDEX conformity_verifications_batch ON ${s}.conformity_verifications (batch_id, seq DESC);
      CREATE TABLE ${s}.conformity_sample (
        verification_id text COLLATE "C" NOT NULL REFERENCES ${s}.conformity_verifications(id),
        document_id text COLLATE "C" NOT NULL, page integer NOT NULL, position integer NOT NULL, outcome text,
        problem text, checked_by text, checked_at timestamptz, PRIMARY KEY (verification_id, document_id, page));
      CREATE TABLE ${s}.conformity_attestations (
        batch_id text COLLATE "C" NOT NULL, sha256 text COLLATE "C" NOT NULL, object_key text NOT NULL,
        size bigint NOT NULL, verification_id text COLLATE "C" NOT NULL, issued_by text NOT NULL,
        issued_at timestamptz NOT NULL, PRIMARY KEY (batch_id, sha256));
      CREATE TABLE ${s}.conformity_signed (
        batch_id text COLLATE "C" NOT NULL, sha256 text COLLATE "C" NOT NULL, object_key text NOT NULL,
        size bigint NOT NULL, format text NOT NULL, attestation_sha256 text COLLATE "C" NOT NULL, signer text,
        uploaded_by text NOT NULL, uploaded_at timestamptz NOT NULL, PRIMARY KEY (batch_id, sha256));`,
  },
];

export interface PostgresConformityOptions {
  connectionString: string;
  schema?: string;
  poolSize?: number;
}

export class PostgresConformityStore implements ConformityStore {
  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    readonly migration: MigrationResult,
  ) {}

  static async open(opts: PostgresConformityOptions): Promise<PostgresConformityStore> {
    const schema = opts.schema ?? 'public';
    quoteIdent(schema);
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? 2,
      application_name: 'faldone-conformity',
      types: typeParsers,
    });
    pool.on('error', () => {});
    try {
      const migration = await migratePostgres(pool, schema, PG_CONFORMITY_MIGRATIONS, 'conformity_migrations');
      return new PostgresConformityStore(pool, schema, migration);
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
  }

  private t(table: string): string {
    return `${quoteIdent(this.schema)}.${table}`;
  }

  private async query(sql: string, params: unknown[] = [], client?: pg.PoolClient): Promise<Row[]> {
    return (await (client ?? this.pool).query<Row>(sql, clean(params))).rows;
  }

  async createVerification(v: NewVerification): Promise<Verification> {
    const id = randomUUID();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One open verification per batch: a second request for the same batch waits here.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('faldone.conformity'), hashtext($1))", [v.batchId]);
      const open = await this.query(
        `SELECT id FROM ${this.t('conformity_verifications')} WHERE batch_id = $1 AND state = 'open'`,
        [v.batchId],
        client,
      );
      for (const o of open) {
        await this.query(`DELETE FROM ${this.t('conformity_sample')} WHERE verification_id = $1`, [o.id], client);
        await this.query(`DELETE FROM ${this.t('conformity_verifications')} WHERE id = $1`, [o.id], client);
      }
      await this.query(
        `INSERT INTO ${this.t('conformity_verifications')} (id, batch_id, comune, state, seed, created_by, created_at)
         VALUES ($1, $2, $3, 'open', $4, $5, $6)`,
        [id, v.batchId, v.comune, v.seed, v.createdBy, new Date().toISOString()],
        client,
      );
      for (const [i, p] of v.pages.entries()) {
        await this.query(
          `INSERT INTO ${this.t('conformity_sample')} (verification_id, document_id, page, position) VALUES ($1, $2, $3, $4)`,
          [id, p.documentId, p.page, i],
          client,
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    return (await this.getVerification(id))!;
  }

  async latestVerification(batchId: string): Promise<Verification | null> {
    const rows = await this.query(
      `SELECT id FROM ${this.t('conformity_verifications')} WHERE batch_id = $1 ORDER BY seq DESC LIMIT 1`,
      [batchId],
    );
    return rows[0] ? this.getVerification(String(rows[0].id)) : null;
  }

  async getVerification(id: string): Promise<Verification | null> {
    const rows = await this.query(`SELECT * FROM ${this.t('conformity_verifications')} WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    const pages = (
      await this.query(`SELECT * FROM ${this.t('conformity_sample')} WHERE verification_id = $1 ORDER BY position`, [
        id,
      ])
    ).map(pageFromRow);
    return verificationFromRow(rows[0], pages);
  }

  async setPageResult(
    verificationId: string,
    page: { documentId: string; page: number },
    result: { outcome: PageOutcome; problem: string | null; checkedBy: string; checkedAt: string },
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.t('conformity_sample')} SET outcome = $1, problem = $2, checked_by = $3, checked_at = $4
       WHERE verification_id = $5 AND document_id = $6 AND page = $7
         AND EXISTS (SELECT 1 FROM ${this.t('conformity_verifications')} WHERE id = $5 AND state = 'open')`,
      clean([
        result.outcome,
        result.problem,
        result.checkedBy,
        result.checkedAt,
        verificationId,
        page.documentId,
        page.page,
      ]),
    );
    return rowCount === 1;
  }

  async closeVerification(id: string, report: VerificationReport): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.t('conformity_verifications')} SET state = 'closed', closed_at = $1, report = $2::jsonb
       WHERE id = $3 AND state = 'open'`,
      clean([report.closedAt, JSON.stringify(report), id]),
    );
    return rowCount === 1;
  }

  async restoreVerification(v: Verification): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await this.query(
        `INSERT INTO ${this.t('conformity_verifications')} (${VERIFICATION_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
        verificationValues(v),
        client,
      );
      if (inserted.length) {
        for (const p of v.pages) {
          await this.query(
            `INSERT INTO ${this.t('conformity_sample')} (${SAMPLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            sampleValues(v.id, p),
            client,
          );
        }
      }
      await client.query('COMMIT');
      return inserted.length > 0;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async recordAttestation(a: IssuedAttestation): Promise<void> {
    await this.query(
      `INSERT INTO ${this.t('conformity_attestations')} (${ATTESTATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (batch_id, sha256) DO NOTHING`,
      attestationValues(a),
    );
  }

  async listAttestations(batchId: string): Promise<IssuedAttestation[]> {
    return (
      await this.query(
        `SELECT * FROM ${this.t('conformity_attestations')} WHERE batch_id = $1 ORDER BY issued_at DESC, sha256`,
        [batchId],
      )
    ).map(attestationFromRow);
  }

  async recordSigned(s: SignedAttestation): Promise<void> {
    await this.query(
      `INSERT INTO ${this.t('conformity_signed')} (${SIGNED_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (batch_id, sha256) DO UPDATE SET uploaded_by = EXCLUDED.uploaded_by, uploaded_at = EXCLUDED.uploaded_at`,
      signedValues(s),
    );
  }

  async listSigned(batchId: string): Promise<SignedAttestation[]> {
    return (
      await this.query(
        `SELECT * FROM ${this.t('conformity_signed')} WHERE batch_id = $1 ORDER BY uploaded_at DESC, sha256`,
        [batchId],
      )
    ).map(signedFromRow);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
