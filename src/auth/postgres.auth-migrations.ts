// Versioned migrations of the auth tables in PostgreSQL, recorded in <schema>.auth_migrations (apart from the metadata
// store's schema_migrations). Applied in one transaction under the same advisory lock as the metadata migrations, so
// that the two never race to create the schema; never edit a migration that has shipped: append.
import type pg from 'pg';
import { migratePostgres, type MigrationResult, type PgMigration } from '../db/postgres.migrations.ts';

export const PG_AUTH_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'users, api tokens, audit log',
    sql: (s) => `
      CREATE TABLE ${s}.users (
        id text COLLATE "C" PRIMARY KEY,
        username text NOT NULL,
        username_fold text COLLATE "C" NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL,
        password_hash text,
        oidc_subject text COLLATE "C",
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT users_username_fold_key UNIQUE (username_fold),
        CONSTRAINT users_oidc_subject_key UNIQUE (oidc_subject));
      CREATE TABLE ${s}.api_tokens (
        id text COLLATE "C" PRIMARY KEY,
        user_id text COLLATE "C" NOT NULL REFERENCES ${s}.users(id),
        label text NOT NULL,
        token_hash text COLLATE "C" NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz);
      CREATE INDEX api_tokens_user ON ${s}.api_tokens (user_id, created_at);
      CREATE TABLE ${s}.audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text COLLATE "C" NOT NULL,
        actor_name text COLLATE "C",
        role text,
        action text COLLATE "C" NOT NULL,
        target_type text,
        target_id text COLLATE "C",
        detail jsonb,
        ip text);
      CREATE INDEX audit_log_at ON ${s}.audit_log (at DESC, id DESC);
      CREATE INDEX audit_log_actor ON ${s}.audit_log (actor, at);
      CREATE INDEX audit_log_actor_name ON ${s}.audit_log (actor_name, at);
      CREATE INDEX audit_log_action ON ${s}.audit_log (action, at);
      CREATE INDEX audit_log_target ON ${s}.audit_log (target_id, at);`,
  },
  {
    version: 2,
    name: 'Comune of users (home and granted) and of audit entries',
    sql: (s) => `
      ALTER TABLE ${s}.users ADD COLUMN comune text COLLATE "C";
      ALTER TABLE ${s}.users ADD COLUMN granted_comuni text[] COLLATE "C" NOT NULL DEFAULT '{}';
      ALTER TABLE ${s}.audit_log ADD COLUMN comune text COLLATE "C";
      CREATE INDEX users_comune ON ${s}.users (comune);
      CREATE INDEX audit_log_comune ON ${s}.audit_log (comune, at DESC);`,
  },
];

/** Same runner and advisory lock as the metadata migrations: whichever store opens first creates the schema. */
export function migrateAuthPostgres(
  pool: pg.Pool,
  schema: string,
  migrations: readonly PgMigration[] = PG_AUTH_MIGRATIONS,
): Promise<MigrationResult> {
  return migratePostgres(pool, schema, migrations, 'auth_migrations');
}
