// Stores that live in the metadata store's SQLite file beside it (auth, paper archive): the same connection settings
// and each its own migration bookkeeping table, so that every store upgrades its tables on its own.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/** Opens (creating its folder) the database file with WAL, NORMAL sync and a 5 s busy timeout. */
export function openSqliteFile(file: string, opts: { foreignKeys?: boolean } = {}): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (opts.foreignKeys) db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Applies the migrations newer than the newest recorded in `table`, in one IMMEDIATE transaction (a second process
 * opening the same file at once waits, then finds nothing to do). Returns the versions applied.
 */
export function applySqliteMigrations(
  db: Database.Database,
  table: string,
  migrations: readonly SqliteMigration[],
): number[] {
  const applied: number[] = [];
  db.transaction(() => {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const row = db.prepare(`SELECT max(version) AS v FROM ${table}`).get() as { v: number | null };
    const from = row.v ?? 0;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.prepare(`INSERT INTO ${table} (version, name, applied_at) VALUES (?, ?, ?)`).run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      applied.push(m.version);
    }
  }).immediate();
  return applied;
}
