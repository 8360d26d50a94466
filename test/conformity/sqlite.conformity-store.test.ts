// The ConformityStore contract on SQLite, in the metadata store's database file with its own migration bookkeeping.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQLITE_CONFORMITY_MIGRATIONS, SqliteConformityStore } from '../../src/conformity/sqlite.conformity-store.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { conformityStoreContract, type ConformityHarness } from './conformity-store.contract.ts';

conformityStoreContract('SQLite', async (): Promise<ConformityHarness> => {
  const tmp = await makeTmpDir('faldone-conformity-');
  const store = new SqliteConformityStore(path.join(tmp.dir, 'faldone.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await tmp.cleanup();
    },
  };
});

describe('SQLite conformity store beside the metadata store', () => {
  it('migrates once in the shared file', async () => {
    const tmp = await makeTmpDir('faldone-conformity-');
    const file = path.join(tmp.dir, 'faldone.db');
    try {
      const meta = new SqliteMetadataStore(file);
      const first = new SqliteConformityStore(file);
      const again = new SqliteConformityStore(file);
      expect(first.applied).toEqual(SQLITE_CONFORMITY_MIGRATIONS.map((m) => m.version));
      expect(again.applied).toEqual([]);
      for (const s of [first, again, meta]) await s.close();
    } finally {
      await tmp.cleanup();
    }
  });
});
