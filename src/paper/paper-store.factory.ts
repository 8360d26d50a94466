// Opens the PaperStore adapter matching the metadata store's driver (same database, separate tables and migrations).
import type { Config } from '../core/config.ts';
import type { PaperStore } from './paper-store.ts';
import { PostgresPaperStore } from './postgres.paper-store.ts';
import { SqlitePaperStore } from './sqlite.paper-store.ts';

export async function openPaperStore(db: Config['db']): Promise<PaperStore> {
  return db.driver === 'postgres'
    ? PostgresPaperStore.open({ connectionString: db.url, schema: db.schema, poolSize: Math.min(db.poolSize, 4) })
    : new SqlitePaperStore(db.path);
}
