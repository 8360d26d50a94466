// Stores that live in the metadata store's PostgreSQL database and schema beside it (auth, paper archive): each its
// own small pool with the metadata store's type parsers, and its own migrations and bookkeeping table.
import pg from 'pg';
import { quoteIdent, type MigrationResult } from './postgres.migrations.ts';
import { typeParsers } from './postgres.values.ts';

export interface PostgresSideOptions {
  connectionString: string;
  schema?: string;
  poolSize?: number;
  onPoolError?: (err: Error) => void;
}

/** What a side store keeps of its opening. */
export interface PostgresSideConnection {
  pool: pg.Pool;
  schema: string;
  migration: MigrationResult;
  /** `"schema".table`: a table of the store's schema. */
  table: (name: string) => string;
}

/**
 * Opens a pool (4 connections unless told) named `applicationName` on the schema (public unless told) and migrates
 * it; when migrating fails the pool is closed and the error thrown.
 */
export async function openPostgresSideStore(
  opts: PostgresSideOptions,
  applicationName: string,
  migrate: (pool: pg.Pool, schema: string) => Promise<MigrationResult>,
): Promise<PostgresSideConnection> {
  const schema = opts.schema ?? 'public';
  const quoted = quoteIdent(schema);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.poolSize ?? 4,
    application_name: applicationName,
    types: typeParsers,
  });
  pool.on('error', opts.onPoolError ?? (() => {}));
  try {
    const migration = await migrate(pool, schema);
    return { pool, schema, migration, table: (name) => `${quoted}.${name}` };
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}

/** What every side store holds of its opening, and its close (ends the pool once, however often called). */
export abstract class PostgresSideStore {
  private closing: Promise<void> | undefined;
  protected readonly pool: pg.Pool;
  readonly schema: string;
  readonly migration: MigrationResult;
  /** `"schema".table`: a table of the store's schema. */
  protected readonly t: (table: string) => string;

  protected constructor(side: PostgresSideConnection) {
    this.pool = side.pool;
    this.schema = side.schema;
    this.migration = side.migration;
    this.t = side.table;
  }

  close(): Promise<void> {
    return (this.closing ??= this.pool.end());
  }
}
