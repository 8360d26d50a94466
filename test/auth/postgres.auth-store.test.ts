// The AuthStore contract on PostgreSQL (schema t_<random> per harness, dropped afterwards), and its migrations beside
// the metadata store's. PG_URL overrides the server; if none answers, the file reports one skipped test.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_AUTH_MIGRATIONS, migrateAuthPostgres } from '../../src/auth/postgres.auth-migrations.ts';
import { PostgresAuthStore } from '../../src/auth/postgres.auth-store.ts';
import { PostgresMetadataStore } from '../../src/db/postgres.metadata.ts';
import { PG_MIGRATIONS, quoteIdent } from '../../src/db/postgres.migrations.ts';
import { authStoreContract, type AuthHarness } from './auth-store.contract.ts';
import { newSchema, pgUrl, usePostgres } from '../helpers/pg-schema.ts';

const url = pgUrl;
const admin = await usePostgres('PostgreSQL auth store');

if (admin) {
  const dropSchema = admin.dropSchema;

  authStoreContract('PostgreSQL', async (): Promise<AuthHarness> => {
    const schema = newSchema();
    const opened = [await PostgresAuthStore.open({ connectionString: url, schema, poolSize: 2 })];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = await PostgresAuthStore.open({ connectionString: url, schema, poolSize: 2 });
        expect(store.migration.applied).toEqual([]);
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const s of opened) await s.close();
        await dropSchema(schema);
      },
    };
  });

  describe('PostgreSQL auth store upgrade', () => {
    it('upgrades a schema of the first version: existing users become union level, old audit entries too', async () => {
      const schema = newSchema();
      const s = quoteIdent(schema);
      try {
        const pool = new pg.Pool({ connectionString: url, max: 1 });
        try {
          await migrateAuthPostgres(pool, schema, PG_AUTH_MIGRATIONS.slice(0, 1));
        } finally {
          await pool.end();
        }
        await admin.query(
          `INSERT INTO ${s}.users (id, username, username_fold, display_name, role, created_at, updated_at)
           VALUES ('u1', 'Vecchio', 'vecchio', 'Vecchio', 'archivist', now(), now())`,
        );
        await admin.query(`INSERT INTO ${s}.audit_log (at, actor, action) VALUES (now(), 'u1', 'auth.login')`);
        const auth = await PostgresAuthStore.open({ connectionString: url, schema, poolSize: 1 });
        try {
          expect(auth.migration.applied).toEqual(PG_AUTH_MIGRATIONS.slice(1).map((m) => m.version));
          expect(await auth.getUser('u1')).toMatchObject({ username: 'Vecchio', comune: null, grantedComuni: [] });
          expect((await auth.listAudit()).entries).toMatchObject([{ action: 'auth.login', comune: null }]);
          expect(await auth.updateUser('u1', { comune: 'E730', grantedComuni: ['A547'] })).toMatchObject({
            comune: 'E730',
            grantedComuni: ['A547'],
          });
        } finally {
          await auth.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });
  });

  describe('PostgreSQL auth store beside the metadata store', () => {
    it('migrates once when auth and metadata stores of several processes open a new schema at once', async () => {
      const schema = newSchema();
      try {
        const opened = await Promise.all([
          ...Array.from({ length: 3 }, () => PostgresAuthStore.open({ connectionString: url, schema, poolSize: 1 })),
          ...Array.from({ length: 3 }, () =>
            PostgresMetadataStore.open({ connectionString: url, schema, poolSize: 1 }),
          ),
        ]);
        try {
          const auth = opened.slice(0, 3) as PostgresAuthStore[];
          const meta = opened.slice(3) as PostgresMetadataStore[];
          expect(auth.filter((s) => s.migration.applied.length).map((s) => s.migration.applied)).toEqual([
            PG_AUTH_MIGRATIONS.map((m) => m.version),
          ]);
          expect(meta.filter((s) => s.migration.applied.length)).toHaveLength(1);
          const s = quoteIdent(schema);
          expect((await admin.query(`SELECT version FROM ${s}.auth_migrations ORDER BY version`)).rows).toEqual(
            PG_AUTH_MIGRATIONS.map((m) => ({ version: m.version })),
          );
          const metaVersions = (await admin.query(`SELECT version FROM ${s}.schema_migrations ORDER BY version`)).rows;
          expect(metaVersions.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
          const u = await auth[0]!.createUser({ username: 'Condiviso', displayName: 'C', role: 'admin' });
          expect(await auth[2]!.getUserByUsername('condiviso')).toStrictEqual(u);
        } finally {
          await Promise.all(opened.map((s) => s.close()));
        }
      } finally {
        await dropSchema(schema);
      }
    });
  });
}
