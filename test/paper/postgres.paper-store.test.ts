// The PaperStore contract on PostgreSQL (schema t_<random> per harness, dropped afterwards), and its migrations beside
// the metadata store's. PG_URL overrides the server; if none answers, the file reports one skipped test.
import { describe, expect, it } from 'vitest';
import { PostgresMetadataStore } from '../../src/db/postgres.metadata.ts';
import { quoteIdent } from '../../src/db/postgres.migrations.ts';
import { openPaperStore } from '../../src/paper/paper-store.factory.ts';
import { PG_PAPER_MIGRATIONS } from '../../src/paper/postgres.paper-migrations.ts';
import { PostgresPaperStore } from '../../src/paper/postgres.paper-store.ts';
import { paperStoreContract, record, type PaperHarness } from './paper-store.contract.ts';
import { newSchema, pgUrl, usePostgres } from '../helpers/pg-schema.ts';

const url = pgUrl;
const admin = await usePostgres('PostgreSQL paper store');

if (admin) {
  const dropSchema = admin.dropSchema;

  paperStoreContract('PostgreSQL', async (): Promise<PaperHarness> => {
    const schema = newSchema();
    const store = await PostgresPaperStore.open({ connectionString: url, schema, poolSize: 2 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe('PostgreSQL paper store beside the metadata store', () => {
    it('migrates once when paper and metadata stores of several processes open a new schema at once', async () => {
      const schema = newSchema();
      try {
        const paper = await Promise.all(
          Array.from({ length: 3 }, () => PostgresPaperStore.open({ connectionString: url, schema, poolSize: 1 })),
        );
        const meta = await PostgresMetadataStore.open({ connectionString: url, schema, poolSize: 1 });
        try {
          expect(paper.filter((s) => s.migration.applied.length).map((s) => s.migration.applied)).toEqual([
            PG_PAPER_MIGRATIONS.map((m) => m.version),
          ]);
          const s = quoteIdent(schema);
          expect((await admin.query(`SELECT version FROM ${s}.paper_migrations ORDER BY version`)).rows).toEqual(
            PG_PAPER_MIGRATIONS.map((m) => ({ version: m.version })),
          );
          await paper[0]!.upsertInventory([record('E730', 'PE', 1, 1990)]);
          const viaFactory = await openPaperStore({ driver: 'postgres', url, schema, poolSize: 10 } as Parameters<
            typeof openPaperStore
          >[0]);
          expect((await viaFactory.searchInventory({})).total).toBe(1);
          await viaFactory.close();
        } finally {
          for (const p of paper) await p.close();
          await meta.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });
  });
}
