// Open the AuthStore adapter matching the metadata store's driver (same database, separate tables).
import type { Config } from '../core/config.ts';
import type { AuthStore } from './auth-store.ts';
import { PostgresAuthStore } from './postgres.auth-store.ts';
import { SqliteAuthStore } from './sqlite.auth-store.ts';

export async function openAuthStore(db: Config['db']): Promise<AuthStore> {
  return db.driver === 'postgres'
    ? PostgresAuthStore.open({ connectionString: db.url, schema: db.schema, poolSize: Math.min(db.poolSize, 4) })
    : new SqliteAuthStore(db.path);
}
