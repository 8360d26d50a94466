// Open the configured MetadataStore adapter: SQLite (embedded, one machine) or PostgreSQL (shared by many workers).
import type { MetadataStore } from './metadata-store.ts';
import { PostgresMetadataStore } from './postgres.metadata.ts';
import { SqliteMetadataStore } from './sqlite.metadata.ts';

export type MetadataStoreConfig =
  | { driver: 'sqlite'; path: string }
  | { driver: 'postgres'; url: string; schema?: string; poolSize?: number };

/** Opens the store and brings its schema up to date (PostgreSQL: once across processes starting together). */
export async function openMetadataStore(cfg: MetadataStoreConfig): Promise<MetadataStore> {
  switch (cfg.driver) {
    case 'sqlite':
      return new SqliteMetadataStore(cfg.path);
    case 'postgres':
      return PostgresMetadataStore.open({ connectionString: cfg.url, schema: cfg.schema, poolSize: cfg.poolSize });
    default: {
      const never: never = cfg;
      throw new Error(`unknown metadata store driver: ${JSON.stringify((never as { driver?: unknown }).driver)}`);
    }
  }
}
