// The ConformityStore contract on PostgreSQL (schema t_<random> per harness, dropped afterwards). PG_URL overrides the
// server; if none answers, the file reports one skipped test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_CONFORMITY_MIGRATIONS, PostgresConformityStore } from '../../src/conformity/postgres.conformity-store.ts';
import { PostgresMetadataStore } from '../../src/db/postgres.metadata.ts';
import { quoteIdent } from '../../src/db/postgres.migrations.ts';
import { conformityStoreContract, type ConformityHarness } from './conformity-store.contract.ts';

const url = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<string | null> {
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

const unreachable = await reachable();
const newSchema = () => `t_${randomBytes(6).toString('hex')}`;
let admin: pg.Pool;
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);

if (unreachable) {
  describe('PostgreSQL conformity store', () => {
    it.skip(`skipped: PostgreSQL not reachable (${unreachable})`, () => {});
  });
} else {
  beforeAll(() => {
    admin = new pg.Pool({ connectionString: url, max: 2 });
  });
  afterAll(async () => {
    await admin.end();
  });

  conformityStoreContract('PostgreSQL', async (): Promise<ConformityHarness> => {
    const schema = newSchema();
    const store = await PostgresConformityStore.open({ connectionString: url, schema, poolSize: 2 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe('PostgreSQL conformity store beside the metadata store', () => {
    it('migrates once when several processes open a new schema at once', async () => {
      const schema = newSchema();
      try {
        const stores = await Promise.all(
          Array.from({ length: 3 }, () => PostgresConformityStore.open({ connectionString: url, schema, poolSize: 1 })),
        );
        const meta = await PostgresMetadataStore.open({ connectionString: url, schema, poolSize: 1 });
        expect(stores.filter((s) => s.migration.applied.length).map((s) => s.migration.applied)).toEqual([
          PG_CONFORMITY_MIGRATIONS.map((m) => m.version),
        ]);
        for (const s of stores) await s.close();
        await meta.close();
      } finally {
        await dropSchema(schema);
      }
    });
  });
}
