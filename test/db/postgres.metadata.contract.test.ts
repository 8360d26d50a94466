// The MetadataStore contract on the PostgreSQL adapter, plus what only PostgreSQL has: concurrent migrations, schemas.
// Every harness gets its own schema t_<random>, dropped at cleanup, so runs never collide. PG_URL overrides the
// server; if none answers, the file reports one skipped test saying so.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresMetadataStore, PostgresMetadataStore } from '../../src/db/postgres.metadata.ts';
import { migratePostgres, PG_MIGRATIONS, quoteIdent } from '../../src/db/postgres.migrations.ts';
import { openMetadataStore } from '../../src/db/metadata-store.factory.ts';
import { metadataStoreContract, type ContractStore } from './metadata.contract.ts';
import { recordsContract } from './records.contract.ts';
import { tenancyContract } from './tenancy.contract.ts';
import { pageVersionsContract } from './page-versions.contract.ts';

const url = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const shownUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await reachable();
if (unreachable) console.warn(`skipped: PostgreSQL not reachable at ${shownUrl} (${unreachable})`);

const newSchema = () => `t_${randomBytes(6).toString('hex')}`;
let admin: pg.Pool;
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);

if (unreachable) {
  describe('PostgreSQL metadata store', () => {
    it.skip(`skipped: PostgreSQL not reachable at ${shownUrl}`, () => {});
  });
} else {
  beforeAll(() => {
    admin = new pg.Pool({ connectionString: url, max: 2 });
  });
  afterAll(async () => {
    await admin.end();
  });

  const harness = async (): Promise<ContractStore> => {
    const schema = newSchema();
    const opened: PostgresMetadataStore[] = [await PostgresMetadataStore.open({ connectionString: url, schema, poolSize: 10 })];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = await PostgresMetadataStore.open({ connectionString: url, schema, poolSize: 10 });
        expect(store.migration.applied).toEqual([]); // the schema is already current: nothing runs again
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const s of opened) await s.close();
        await dropSchema(schema);
      },
    };
  };
  metadataStoreContract('PostgreSQL', harness);
  recordsContract('PostgreSQL', harness);
  tenancyContract('PostgreSQL', harness);
  pageVersionsContract('PostgreSQL', harness);

  describe('PostgreSQL metadata store: schema and migrations', () => {
    it('migrates exactly once when several processes open the same schema at once', async () => {
      const schema = newSchema();
      try {
        const stores = await Promise.all(
          Array.from({ length: 6 }, () => createPostgresMetadataStore({ connectionString: url, schema, poolSize: 2 })),
        );
        try {
          const applied = stores.map((s) => s.migration.applied);
          expect(applied.filter((a) => a.length > 0)).toEqual([PG_MIGRATIONS.map((m) => m.version)]);
          for (const s of stores) expect(s.migration.to).toBe(PG_MIGRATIONS.at(-1)!.version);
          const { rows } = await admin.query(`SELECT version, name FROM ${quoteIdent(schema)}.schema_migrations ORDER BY version`);
          expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
          // They all work on the same tables.
          const b = await stores[0]!.createBatch({ label: 'condiviso', source: 'test' });
          expect(await stores[5]!.getBatch(b.id)).toStrictEqual(b);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('rolls back every migration of a run when one fails', async () => {
      const schema = newSchema();
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        const broken = [
          ...PG_MIGRATIONS,
          { version: 1000, name: 'good', sql: (s: string) => `CREATE TABLE ${s}.extra (x int)` },
          { version: 1001, name: 'broken', sql: (s: string) => `ALTER TABLE ${s}.nope ADD COLUMN y int` },
        ];
        await expect(migratePostgres(pool, schema, broken)).rejects.toThrow(/nope/);
        const { rows } = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
        expect(rows).toEqual([]); // even the schema creation was rolled back
        expect((await migratePostgres(pool, schema)).applied).toEqual(PG_MIGRATIONS.map((m) => m.version));
        expect(await migratePostgres(pool, schema)).toEqual({ from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length, applied: [] });
      } finally {
        await pool.end();
        await dropSchema(schema);
      }
    });

    it('refuses any UPDATE, DELETE, TRUNCATE or overwrite of a protocol register entry, also in raw SQL', async () => {
      const schema = newSchema();
      const db = await createPostgresMetadataStore({ connectionString: url, schema, poolSize: 2 });
      try {
        const { entry } = await db.registerProtocol({ documentId: 'a'.repeat(64), number: 12, year: 2026, source: 'ocr', registeredBy: 'system' });
        const t = `${quoteIdent(schema)}.protocol_register`;
        const immutable = /protocol register entries are immutable/;
        await expect(admin.query(`UPDATE ${t} SET number = 13`)).rejects.toThrow(immutable);
        await expect(admin.query(`DELETE FROM ${t} WHERE document_id = $1`, [entry.documentId])).rejects.toThrow(immutable);
        await expect(admin.query(`DELETE FROM ${t}`)).rejects.toThrow(immutable);
        await expect(admin.query(`TRUNCATE ${t}`)).rejects.toThrow(immutable);
        await expect(
          admin.query(
            `INSERT INTO ${t} VALUES ($1, 99, 2026, NULL, 'manual', now(), 'x')
             ON CONFLICT (document_id) DO UPDATE SET number = excluded.number`,
            [entry.documentId],
          ),
        ).rejects.toThrow(immutable);
        expect(await db.getProtocol(entry.documentId)).toStrictEqual(entry);
      } finally {
        await db.close();
        await dropSchema(schema);
      }
    });

    it('migrates a version-1 schema to the current one, keeping its data', async () => {
      const schema = newSchema();
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        expect((await migratePostgres(pool, schema, PG_MIGRATIONS.slice(0, 1))).applied).toEqual([1]);
        await pool.query(`INSERT INTO ${quoteIdent(schema)}.batches VALUES ('lotto-1', 'vecchio', 'cli', now())`);
        const db = await createPostgresMetadataStore({ connectionString: url, schema, poolSize: 2 });
        try {
          expect(db.migration).toEqual({ from: 1, to: PG_MIGRATIONS.at(-1)!.version, applied: PG_MIGRATIONS.slice(1).map((m) => m.version) });
          expect(await db.getBatch('lotto-1')).toMatchObject({ label: 'vecchio' });
          expect((await db.createPractice({ key: 'PE 1/2020', label: 'x' })).created).toBe(true);
        } finally {
          await db.close();
        }
      } finally {
        await pool.end();
        await dropSchema(schema);
      }
    });

    it('migrates a version-2 schema to tenancy: rows join the default Comune, keys become unique per Comune', async () => {
      const schema = newSchema();
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        expect((await migratePostgres(pool, schema, PG_MIGRATIONS.slice(0, 2))).applied).toEqual([1, 2]);
        const s = quoteIdent(schema);
        const id = 'a'.repeat(64);
        await pool.query(`INSERT INTO ${s}.batches VALUES ('lotto-1', 'vecchio', 'cli', now())`);
        await pool.query(
          `INSERT INTO ${s}.documents (id, sha256, batch_id, filename, media_type, size, status, created_at, updated_at)
           VALUES ($1, $1, 'lotto-1', 'a.pdf', 'application/pdf', 1, 'archived', now(), now())`,
          [id],
        );
        await pool.query(`INSERT INTO ${s}.practices VALUES ('p1', 'PE 1/2000', 'PE 1/2000', 'pe 1/2000', 'pe 1/2000', now(), now())`);
        await pool.query(`INSERT INTO ${s}.practice_members VALUES ($1, 'p1', 1, 'r', 'mrossi', true, 'PE 1/2000', NULL, NULL, now())`, [id]);
        await pool.query(`INSERT INTO ${s}.protocol_register VALUES ($1, 12, 2020, NULL, 'manual', now(), 'mrossi')`, [id]);
        const db = await createPostgresMetadataStore({ connectionString: url, schema, poolSize: 2 });
        try {
          expect(db.migration).toEqual({ from: 2, to: PG_MIGRATIONS.at(-1)!.version, applied: PG_MIGRATIONS.slice(2).map((m) => m.version) });
          expect(await db.getBatch('lotto-1')).toMatchObject({ comune: 'C000', restricted: false });
          expect(await db.getDocument(id)).toMatchObject({ comune: 'C000', restricted: false });
          expect(await db.getPracticeByKey('PE 1/2000', 'C000')).toMatchObject({ id: 'p1', comune: 'C000' });
          expect(await db.practiceMember(id)).toMatchObject({ practiceId: 'p1', locked: true });
          expect(await db.getProtocol(id)).toMatchObject({ comune: 'C000', number: 12 });
          expect((await db.createPractice({ key: 'PE 1/2000', label: 'x' })).created).toBe(false);
          expect((await db.createPractice({ key: 'PE 1/2000', label: 'x', comune: 'E730' })).created).toBe(true);
        } finally {
          await db.close();
        }
      } finally {
        await pool.end();
        await dropSchema(schema);
      }
    });

    it('keeps stores on different schemas apart', async () => {
      const [s1, s2] = [newSchema(), newSchema()];
      const a = await openMetadataStore({ driver: 'postgres', url, schema: s1, poolSize: 2 });
      const b = await openMetadataStore({ driver: 'postgres', url, schema: s2, poolSize: 2 });
      try {
        const batch = await a.createBatch({ label: 'solo in A', source: 'test' });
        expect(await b.getBatch(batch.id)).toBeNull();
        expect(await b.listBatches()).toEqual([]);
      } finally {
        await a.close();
        await b.close();
        await dropSchema(s1);
        await dropSchema(s2);
      }
    });

    it('stores text PostgreSQL would refuse (U+0000, lone surrogates) without failing the write', async () => {
      const schema = newSchema();
      const db = await createPostgresMetadataStore({ connectionString: url, schema, poolSize: 2 });
      try {
        const b = await db.createBatch({ label: 'nul\u0000label', source: 'test' });
        expect(b.label).toBe('nullabel');
        const id = 'a'.repeat(64);
        await db.createDocument({ id, sha256: id, batchId: b.id, filename: 'x\u0000.pdf', mediaType: 'application/pdf', size: 1 });
        await db.updateDocument(id, {
          title: 'Delibera\u0000 n. 1',
          classification: { ['k\u0000ey']: 'v\u0000al', list: ['\ud800x', 'ok 😀'] },
        });
        expect(await db.getDocument(id)).toMatchObject({
          filename: 'x.pdf',
          title: 'Delibera n. 1',
          classification: { key: 'val', list: ['\ufffdx', 'ok 😀'] },
        });
        await db.addEvent({ type: 'x', actor: 'system', detail: { text: 'a\u0000b' } });
        expect((await db.listEvents({}))[0]!.detail).toEqual({ text: 'ab' });
      } finally {
        await db.close();
        await dropSchema(schema);
      }
    });

    it('reports a clear error when the server cannot be reached', async () => {
      await expect(
        createPostgresMetadataStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: 'x' }),
      ).rejects.toThrow(/ECONNREFUSED|connect/);
    });
  });
}
