// Versioned migrations of the PostgreSQL metadata schema. Applied in one transaction under a transaction-level
// advisory lock keyed on the schema name, so that several processes starting at once migrate exactly once: the
// others wait on the lock, then find every version already recorded in <schema>.schema_migrations.
// Never edit a migration that has shipped: append a new one.
import type pg from 'pg';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import { PAGE_VERSIONS_PG_SQL } from './postgres.page-versions.ts';

export interface PgMigration {
  version: number;
  name: string;
  /** SQL for the migration; `s` is the quoted schema name, to qualify every object. */
  sql: (s: string) => string;
}

// Identifiers and file names compare byte-wise (COLLATE "C") so that ORDER BY gives the same order as SQLite,
// whatever the database's default collation.
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: (s) => `
      CREATE TABLE ${s}.batches (
        id text COLLATE "C" PRIMARY KEY,
        label text NOT NULL,
        source text NOT NULL,
        created_at timestamptz NOT NULL);
      CREATE INDEX batches_created ON ${s}.batches (created_at DESC, id);
      CREATE TABLE ${s}.batch_items (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        batch_id text COLLATE "C" NOT NULL REFERENCES ${s}.batches(id),
        filename text NOT NULL,
        outcome text NOT NULL,
        document_id text COLLATE "C",
        sha256 text COLLATE "C",
        error text);
      CREATE INDEX batch_items_batch ON ${s}.batch_items (batch_id, seq);
      CREATE TABLE ${s}.documents (
        id text COLLATE "C" PRIMARY KEY,
        sha256 text COLLATE "C" NOT NULL UNIQUE,
        batch_id text COLLATE "C" NOT NULL REFERENCES ${s}.batches(id),
        filename text COLLATE "C" NOT NULL,
        media_type text NOT NULL,
        size bigint NOT NULL,
        status text NOT NULL,
        error text,
        failed_step text,
        page_count integer,
        archive_key text,
        classification jsonb,
        title text,
        year integer,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL);
      CREATE INDEX documents_batch ON ${s}.documents (batch_id);
      CREATE INDEX documents_status ON ${s}.documents (status);
      CREATE INDEX documents_order ON ${s}.documents (created_at, filename, id);
      CREATE TABLE ${s}.pages (
        document_id text COLLATE "C" NOT NULL REFERENCES ${s}.documents(id),
        page integer NOT NULL,
        width_px integer NOT NULL,
        height_px integer NOT NULL,
        dpi double precision NOT NULL,
        confidence double precision NOT NULL,
        chars integer NOT NULL,
        PRIMARY KEY (document_id, page));
      CREATE TABLE ${s}.events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        type text NOT NULL,
        document_id text COLLATE "C",
        batch_id text COLLATE "C",
        actor text NOT NULL,
        detail jsonb);
      CREATE INDEX events_document ON ${s}.events (document_id, id);
      CREATE INDEX events_batch ON ${s}.events (batch_id, id);`,
  },
  {
    version: 2,
    name: 'records management',
    // Protocol register entries are insert-once: triggers refuse UPDATE, DELETE and TRUNCATE (ON CONFLICT DO UPDATE
    // is an UPDATE). Practices' key_fold/label_fold are lower-cased in JavaScript, like the SQLite adapter's, because
    // lower() under COLLATE "C" folds ASCII only.
    sql: (s) => `
      CREATE TABLE ${s}.protocol_register (
        document_id text COLLATE "C" PRIMARY KEY,
        number bigint NOT NULL CHECK (number > 0),
        year integer NOT NULL,
        date text COLLATE "C",
        source text NOT NULL CHECK (source IN ('ocr', 'manual')),
        registered_at timestamptz NOT NULL,
        registered_by text NOT NULL);
      CREATE INDEX protocol_register_number ON ${s}.protocol_register (year, number);
      CREATE FUNCTION ${s}.protocol_register_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'protocol register entries are immutable';
        END $$;
      CREATE TRIGGER protocol_register_immutable BEFORE UPDATE OR DELETE ON ${s}.protocol_register
        FOR EACH ROW EXECUTE FUNCTION ${s}.protocol_register_immutable();
      CREATE TRIGGER protocol_register_no_truncate BEFORE TRUNCATE ON ${s}.protocol_register
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.protocol_register_immutable();

      CREATE TABLE ${s}.routing_reviews (
        document_id text COLLATE "C" PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('pending', 'auto', 'accepted', 'corrected')),
        suggested jsonb NOT NULL,
        current jsonb NOT NULL,
        current_office text COLLATE "C" NOT NULL,
        current_class text COLLATE "C" NOT NULL,
        confidence double precision NOT NULL,
        threshold double precision NOT NULL,
        decided_by text NOT NULL,
        reasons jsonb NOT NULL,
        reviewer text,
        reviewed_at timestamptz,
        review_note text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL);
      CREATE INDEX routing_reviews_order ON ${s}.routing_reviews (confidence, created_at, document_id);
      CREATE INDEX routing_reviews_state ON ${s}.routing_reviews (state, confidence, created_at, document_id);
      CREATE INDEX routing_reviews_office ON ${s}.routing_reviews (current_office, state, confidence, created_at, document_id);
      CREATE INDEX routing_reviews_class ON ${s}.routing_reviews (current_class, state, confidence, created_at, document_id);
      CREATE INDEX routing_reviews_updated ON ${s}.routing_reviews (updated_at);

      CREATE TABLE ${s}.practices (
        id text COLLATE "C" PRIMARY KEY,
        key text COLLATE "C" UNIQUE,
        label text COLLATE "C" NOT NULL,
        key_fold text,
        label_fold text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL);
      CREATE TABLE ${s}.practice_members (
        document_id text COLLATE "C" PRIMARY KEY,
        practice_id text COLLATE "C" NOT NULL REFERENCES ${s}.practices(id),
        confidence double precision NOT NULL,
        reason text NOT NULL,
        linked_by text NOT NULL,
        locked boolean NOT NULL,
        practice_key text COLLATE "C",
        parcel_key text COLLATE "C",
        address_key text COLLATE "C",
        linked_at timestamptz NOT NULL);
      CREATE INDEX practice_members_practice ON ${s}.practice_members (practice_id, linked_at, document_id);
      CREATE INDEX practice_members_practice_key ON ${s}.practice_members (practice_key);
      CREATE INDEX practice_members_parcel_key ON ${s}.practice_members (parcel_key);
      CREATE INDEX practice_members_address_key ON ${s}.practice_members (address_key);`,
  },
  {
    version: 3,
    name: 'tenancy',
    // Every batch, document, practice and protocol entry belongs to a Comune of the union; existing rows to the
    // default one, shared. Practice keys become unique per (comune, key).
    sql: (s) => `
      ALTER TABLE ${s}.batches
        ADD COLUMN comune text COLLATE "C" NOT NULL DEFAULT '${DEFAULT_COMUNE_CODE}',
        ADD COLUMN restricted boolean NOT NULL DEFAULT false;
      CREATE INDEX batches_comune ON ${s}.batches (comune, created_at DESC, id);
      ALTER TABLE ${s}.documents
        ADD COLUMN comune text COLLATE "C" NOT NULL DEFAULT '${DEFAULT_COMUNE_CODE}',
        ADD COLUMN restricted boolean NOT NULL DEFAULT false;
      CREATE INDEX documents_comune ON ${s}.documents (comune, restricted);
      ALTER TABLE ${s}.protocol_register ADD COLUMN comune text COLLATE "C" NOT NULL DEFAULT '${DEFAULT_COMUNE_CODE}';
      CREATE INDEX protocol_register_comune ON ${s}.protocol_register (comune, year, number);
      ALTER TABLE ${s}.practices ADD COLUMN comune text COLLATE "C" NOT NULL DEFAULT '${DEFAULT_COMUNE_CODE}';
      ALTER TABLE ${s}.practices DROP CONSTRAINT practices_key_key;
      ALTER TABLE ${s}.practices ADD CONSTRAINT practices_comune_key UNIQUE (comune, key);`,
  },
  {
    version: 4,
    name: 'page quality',
    // Page quality control (issue 12): warnings and measures per scanned page.
    sql: (s) => `ALTER TABLE ${s}.pages ADD COLUMN quality jsonb;`,
  },
  {
    version: 5,
    name: 'page-versions',
    // Rescanned pages of archived documents (issue 12): one row per new version of a page.
    sql: PAGE_VERSIONS_PG_SQL,
  },
  {
    version: 6,
    name: 'box-split',
    // Box scans (issue 12): the split mode of a box scan, and the provenance of a document split out of one.
    sql: (s) => `
      ALTER TABLE ${s}.documents ADD COLUMN box_split text, ADD COLUMN split_origin jsonb;`,
  },
];

/** Double-quotes an identifier for SQL (doubling embedded quotes). */
export function quoteIdent(name: string): string {
  if (!name || name.includes('\0')) throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

export interface MigrationResult {
  /** Version before this call (0 = empty schema). */
  from: number;
  /** Version after this call. */
  to: number;
  /** Versions this call applied (empty when another process, or an earlier start, already had). */
  applied: number[];
}

/**
 * Brings `schema` up to the latest migration. Safe to call from many processes at once: everything happens in one
 * transaction holding pg_advisory_xact_lock(hashtext('faldone.metadata'), hashtext(schema)), taken before anything
 * is created, so a concurrent caller blocks until the first commits and then finds nothing to do. If any migration
 * fails, the whole transaction rolls back and the schema stays at its previous version.
 */
export async function migratePostgres(
  pool: pg.Pool,
  schema: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
  /** Bookkeeping table of this set of migrations (the auth store keeps its own, `auth_migrations`). */
  table = 'schema_migrations',
): Promise<MigrationResult> {
  const s = quoteIdent(schema);
  const t = `${s}.${quoteIdent(table)}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('faldone.metadata'), hashtext($1))", [schema]);
      // Checked first: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database.
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (!exists.rowCount) await client.query(`CREATE SCHEMA ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${t} (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${t}`);
      const from = rows[0]?.v ?? 0;
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (m.version <= from) continue;
        await client.query(m.sql(s));
        await client.query(`INSERT INTO ${t} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
        applied.push(m.version);
      }
      await client.query('COMMIT');
      return { from, to: applied.at(-1) ?? from, applied };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    client.release();
  }
}
