// The AuthStore contract on SQLite, in the metadata store's own database file: both stores open it, neither disturbs
// the other's schema bookkeeping.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_AUTH_MIGRATIONS, SqliteAuthStore } from '../../src/auth/sqlite.auth-store.ts';
import { MIGRATIONS, SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { authStoreContract, type AuthHarness } from './auth-store.contract.ts';

async function harness(): Promise<AuthHarness> {
  const tmp = await makeTmpDir('faldone-auth-');
  const file = path.join(tmp.dir, 'faldone.db');
  const opened: SqliteAuthStore[] = [new SqliteAuthStore(file)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = new SqliteAuthStore(file);
      expect(store.applied).toEqual([]);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      await tmp.cleanup();
    },
  };
}

authStoreContract('SQLite', harness);

describe('SQLite auth store beside the metadata store', () => {
  it('shares the database file with the metadata store and leaves its user_version alone', async () => {
    const tmp = await makeTmpDir('faldone-auth-');
    const file = path.join(tmp.dir, 'faldone.db');
    try {
      const meta = new SqliteMetadataStore(file);
      const auth = new SqliteAuthStore(file);
      expect(auth.applied).toEqual(SQLITE_AUTH_MIGRATIONS.map((m) => m.version));
      const batch = await meta.createBatch({ label: 'insieme', source: 'test' });
      await auth.createUser({ username: 'admin', displayName: 'Admin', role: 'admin' });
      await meta.close();
      await auth.close();

      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(raw.prepare('SELECT version FROM auth_migrations ORDER BY version').all()).toEqual(
        SQLITE_AUTH_MIGRATIONS.map((m) => ({ version: m.version })),
      );
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();

      // Opened in the other order, both find their data and nothing to migrate.
      const auth2 = new SqliteAuthStore(file);
      const meta2 = new SqliteMetadataStore(file);
      expect(auth2.applied).toEqual([]);
      expect(await meta2.getBatch(batch.id)).toMatchObject({ label: 'insieme' });
      expect(await auth2.countUsers()).toBe(1);
      await meta2.close();
      await auth2.close();
    } finally {
      await tmp.cleanup();
    }
  });

  it('upgrades a database of the first version: existing users become union level, old audit entries too', async () => {
    const tmp = await makeTmpDir('faldone-auth-');
    const file = path.join(tmp.dir, 'faldone.db');
    try {
      const raw = new Database(file);
      raw.exec(
        'CREATE TABLE auth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      raw.exec(SQLITE_AUTH_MIGRATIONS[0]!.sql);
      raw.prepare("INSERT INTO auth_migrations VALUES (1, 'v1', '2026-01-01T00:00:00.000Z')").run();
      raw
        .prepare(
          `INSERT INTO users (id, username, username_fold, display_name, role, created_at, updated_at)
           VALUES ('u1', 'Vecchio', 'vecchio', 'Vecchio', 'archivist', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
        )
        .run();
      raw
        .prepare("INSERT INTO audit_log (at, actor, action) VALUES ('2026-01-01T00:00:00.000Z', 'u1', 'auth.login')")
        .run();
      raw.close();

      const auth = new SqliteAuthStore(file);
      expect(auth.applied).toEqual(SQLITE_AUTH_MIGRATIONS.slice(1).map((m) => m.version));
      expect(await auth.getUser('u1')).toMatchObject({ username: 'Vecchio', comune: null, grantedComuni: [] });
      expect((await auth.listAudit()).entries).toMatchObject([{ action: 'auth.login', comune: null }]);
      expect(await auth.updateUser('u1', { comune: 'E730', grantedComuni: ['A547'] })).toMatchObject({
        comune: 'E730',
        grantedComuni: ['A547'],
      });
      await auth.close();
    } finally {
      await tmp.cleanup();
    }
  });
});
