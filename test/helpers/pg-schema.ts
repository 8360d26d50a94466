// PostgreSQL store tests: the server to use (PG_URL overrides), a fresh schema name t_<random> per harness, and an
// admin pool that drops those schemas. When no server answers, the suite reports one skipped test instead.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { quoteIdent } from '../../src/db/postgres.migrations.ts';

export const pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const newSchema = (): string => `t_${randomBytes(6).toString('hex')}`;

/** Why the server can't be reached, or null when it answers. */
export async function pgUnreachable(url = pgUrl): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface PgAdmin {
  query: (sql: string) => Promise<pg.QueryResult>;
  dropSchema: (schema: string) => Promise<pg.QueryResult>;
}

/**
 * The admin connection of a PostgreSQL test file (a pool opened in beforeAll, ended in afterAll), or null after
 * declaring `suite` with one skipped test when the server doesn't answer.
 */
export async function usePostgres(suite: string): Promise<PgAdmin | null> {
  const unreachable = await pgUnreachable();
  if (unreachable) {
    describe(suite, () => {
      it.skip(`skipped: PostgreSQL not reachable (${unreachable})`, () => {});
    });
    return null;
  }
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
  });
  const query = (sql: string) => pool.query(sql);
  return { query, dropSchema: (schema) => query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`) };
}
