// The ConformityStore contract on PostgreSQL (schema t_<random> per harness, dropped afterwards). PG_URL overrides the
// server; if none answers, the file reports one skipped test.
import { describe, expect, it } from 'vitest';
import { PG_CONFORMITY_MIGRATIONS, PostgresConformityStore } from '../../src/conformity/postgres.conformity-store.ts';
import { PostgresMetadataStore } from '../../src/db/postgres.metadata.ts';
import { conformityStoreContract, type ConformityHarness } from './conformity-store.contract.ts';
import { newSchema, pgUrl, usePostgres } from '../helpers/pg-schema.ts';

const url = pgUrl;
const admin = await usePostgres('PostgreSQL conformity store');

if (admin) {
  const dropSchema = admin.dropSchema;

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
