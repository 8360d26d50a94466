// Versioned migrations of the paper tables in PostgreSQL, recorded in <schema>.paper_migrations, applied by the
// metadata store's runner under the same advisory lock. Never edit a migration that has shipped: append.
import type pg from 'pg';
import { migratePostgres, type MigrationResult, type PgMigration } from '../db/postgres.migrations.ts';

export const PG_PAPER_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'paper inventory, imports, access requests',
    sql: (s) => `
      CREATE TABLE ${s}.paper_inventory (
        id text COLLATE "C" PRIMARY KEY,
        comune text COLLATE "C" NOT NULL,
        practice_key text COLLATE "C" NOT NULL,
        procedure_type text COLLATE "C" NOT NULL,
        number integer NOT NULL,
        year integer NOT NULL,
        applicant text,
        address text,
        address_key text COLLATE "C",
        street_key text COLLATE "C",
        foglio integer,
        mappale integer,
        subalterno integer,
        parcel_key text COLLATE "C",
        building text,
        room text,
        shelf text,
        box text,
        notes text,
        state text COLLATE "C" NOT NULL,
        state_at timestamptz NOT NULL,
        pages integer NOT NULL DEFAULT 0,
        import_id text COLLATE "C",
        source_row integer,
        search_text text COLLATE "C" NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT paper_inventory_key UNIQUE (comune, practice_key));
      CREATE INDEX paper_inventory_order ON ${s}.paper_inventory (comune, year DESC, practice_key);
      CREATE INDEX paper_inventory_state ON ${s}.paper_inventory (state, comune);
      CREATE INDEX paper_inventory_parcel ON ${s}.paper_inventory (comune, parcel_key);
      CREATE INDEX paper_inventory_street ON ${s}.paper_inventory (comune, street_key);
      CREATE INDEX paper_inventory_address ON ${s}.paper_inventory (address_key);
      CREATE TABLE ${s}.paper_imports (
        id text COLLATE "C" PRIMARY KEY,
        comune text COLLATE "C" NOT NULL,
        filename text NOT NULL,
        imported_by text COLLATE "C" NOT NULL,
        at timestamptz NOT NULL,
        rows integer NOT NULL,
        inserted integer NOT NULL,
        updated integer NOT NULL,
        rejected integer NOT NULL,
        problems jsonb NOT NULL);
      CREATE INDEX paper_imports_at ON ${s}.paper_imports (at DESC, id DESC);
      CREATE TABLE ${s}.access_requests (
        id text COLLATE "C" PRIMARY KEY,
        comune text COLLATE "C" NOT NULL,
        practice_key text COLLATE "C" NOT NULL,
        inventory_id text COLLATE "C",
        requester_id text COLLATE "C" NOT NULL,
        requester_name text NOT NULL,
        requester_email text,
        requester_role text COLLATE "C" NOT NULL,
        reason text NOT NULL,
        state text COLLATE "C" NOT NULL,
        awaiting_scan boolean NOT NULL,
        decided_by text COLLATE "C",
        decided_at timestamptz,
        decision_note text,
        expires_at timestamptz,
        scan_notified_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL);
      CREATE INDEX access_requests_order ON ${s}.access_requests (created_at DESC, id DESC);
      CREATE INDEX access_requests_practice ON ${s}.access_requests (comune, practice_key, state);
      CREATE INDEX access_requests_requester ON ${s}.access_requests (requester_id, created_at);
      CREATE INDEX access_requests_expiry ON ${s}.access_requests (state, expires_at);`,
  },
  {
    version: 2,
    name: 'expected pages',
    // Page quality control (issue 12): the pages the paper practice holds, checked against the pages digitised.
    sql: (s) => `ALTER TABLE ${s}.paper_inventory ADD COLUMN expected_pages integer;`,
  },
];

export function migratePaperPostgres(
  pool: pg.Pool,
  schema: string,
  migrations: readonly PgMigration[] = PG_PAPER_MIGRATIONS,
): Promise<MigrationResult> {
  return migratePostgres(pool, schema, migrations, 'paper_migrations');
}
