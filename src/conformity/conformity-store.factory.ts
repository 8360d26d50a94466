// Opens the ConformityStore adapter matching the metadata store's driver (same database, separate tables).
import type { Config } from '../core/config.ts';
import type { ConformityStore } from './conformity-store.ts';
import { PostgresConformityStore } from './postgres.conformity-store.ts';
import { SqliteConformityStore } from './sqlite.conformity-store.ts';

export async function openConformityStore(db: Config['db']): Promise<ConformityStore> {
  return db.driver === 'postgres'
    ? PostgresConformityStore.open({ connectionString: db.url, schema: db.schema, poolSize: 2 })
    : new SqliteConformityStore(db.path);
}
