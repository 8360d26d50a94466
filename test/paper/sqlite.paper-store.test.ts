// The PaperStore contract on SQLite, in the metadata store's own database file beside the auth store: each keeps its
// own migration bookkeeping.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteAuthStore } from '../../src/auth/sqlite.auth-store.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { openPaperStore } from '../../src/paper/paper-store.factory.ts';
import { SQLITE_PAPER_MIGRATIONS, SqlitePaperStore } from '../../src/paper/sqlite.paper-store.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { paperStoreContract, record, type PaperHarness } from './paper-store.contract.ts';

paperStoreContract('SQLite', async (): Promise<PaperHarness> => {
  const tmp = await makeTmpDir('faldone-paper-');
  const store = new SqlitePaperStore(path.join(tmp.dir, 'faldone.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await tmp.cleanup();
    },
  };
});

describe('SQLite paper store beside the metadata and auth stores', () => {
  it('shares the database file, migrates once and leaves the other stores alone', async () => {
    const tmp = await makeTmpDir('faldone-paper-');
    const file = path.join(tmp.dir, 'faldone.db');
    try {
      const meta = new SqliteMetadataStore(file);
      const auth = new SqliteAuthStore(file);
      const paper = new SqlitePaperStore(file);
      expect(paper.applied).toEqual(SQLITE_PAPER_MIGRATIONS.map((m) => m.version));
      await paper.upsertInventory([record('E730', 'PE', 1, 1990)]);
      const again = new SqlitePaperStore(file);
      expect(again.applied).toEqual([]);
      expect((await again.getInventoryByKey('E730', 'PE 1/1990'))?.practiceKey).toBe('PE 1/1990');
      const viaFactory = await openPaperStore({ driver: 'sqlite', path: file } as Parameters<typeof openPaperStore>[0]);
      expect((await viaFactory.searchInventory({})).total).toBe(1);
      for (const s of [again, viaFactory, paper, auth, meta]) await s.close();

      const db = new Database(file, { readonly: true });
      const userVersion = db.pragma('user_version', { simple: true });
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
      db.close();
      expect(userVersion).toBeGreaterThan(0); // the metadata store's, untouched by ours
      expect(tables).toEqual(
        expect.arrayContaining([
          'paper_migrations',
          'paper_inventory',
          'paper_imports',
          'access_requests',
          'auth_migrations',
        ]),
      );
    } finally {
      await tmp.cleanup();
    }
  });

  it('builds the word index over the records of a store made before it, and keeps it in step', async () => {
    const tmp = await makeTmpDir('faldone-paper-');
    const file = path.join(tmp.dir, 'faldone.db');
    try {
      const first = new SqlitePaperStore(file);
      await first.upsertInventory([
        record('E730', 'PE', 1, 1990, { applicant: 'Mario Fabbri', address: 'Via Roma 12' }),
        record('E730', 'PE', 2, 1991, { applicant: 'Anna Bianchi', address: 'Via Romagnoli 3' }),
      ]);
      await first.close();
      // Back to version 1: no word index.
      const raw = new Database(file);
      raw.exec(`DROP TABLE paper_inventory_fts; DROP TRIGGER paper_inventory_fts_ai; DROP TRIGGER paper_inventory_fts_ad;
        DROP TRIGGER paper_inventory_fts_au; ALTER TABLE paper_inventory DROP COLUMN expected_pages;
        DELETE FROM paper_migrations WHERE version >= 2;`);
      raw.close();
      const upgraded = new SqlitePaperStore(file);
      expect(upgraded.applied).toEqual([2, 3]);
      const keys = async (q: string) =>
        (await upgraded.searchInventory({ q })).records.map((r) => r.practiceKey).sort();
      expect(await keys('fabb')).toEqual(['PE 1/1990']);
      expect(await keys('abbri')).toEqual([]); // words match from their start only
      expect(await keys('via roma')).toEqual(['PE 1/1990', 'PE 2/1991']);
      expect(await keys('roma 12')).toEqual(['PE 1/1990']);
      // Updates and new records reach the index through the triggers.
      await upgraded.upsertInventory([record('E730', 'PE', 1, 1990, { applicant: 'Luigi Verdi', address: 'Via Roma 12' })]);
      expect(await keys('fabbri')).toEqual([]);
      expect(await keys('verdi')).toEqual(['PE 1/1990']);
      await upgraded.close();
    } finally {
      await tmp.cleanup();
    }
  });
});
