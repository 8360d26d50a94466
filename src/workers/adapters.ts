// Choose the adapter of each port from config. The only place that knows which implementations exist.
import type { Config } from '../core/config.ts';
import { openMetadataStore } from '../db/metadata-store.factory.ts';
import type { MetadataStore } from '../db/metadata-store.ts';
import { createMeiliSearchIndex } from '../index/meili.search-index.ts';
import { parseMeiliOptions } from '../index/meili.options.ts';
import { createSqliteSearchIndex } from '../index/sqlite.search-index.ts';
import type { SearchIndex } from '../index/search-index.ts';
import { FsObjectStore } from '../store/fs.store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { createS3ObjectStore } from '../store/s3.store.ts';
import type { Logger } from '../core/logger.ts';

export function createObjectStore(config: Config, logger?: Logger): ObjectStore {
  if (config.store.driver === 's3') return createS3ObjectStore(config.store.s3!, { logger });
  return new FsObjectStore(config.store.root);
}

export async function createMetadataStore(config: Config): Promise<MetadataStore> {
  const { db } = config;
  return db.driver === 'postgres'
    ? openMetadataStore({ driver: 'postgres', url: db.url, schema: db.schema, poolSize: db.poolSize })
    : openMetadataStore({ driver: 'sqlite', path: db.path });
}

export function createSearchIndex(config: Config): SearchIndex {
  // Widened on purpose: config.ts declares driver 'meilisearch' and `meili` (MEILI_URL, MEILI_API_KEY, MEILI_INDEX)
  // as src/index/meili.options.ts reads them; until it does, the embedded engine is the only choice.
  const search: { driver: string; path: string; meili?: unknown } = config.search;
  if (search.driver === 'meilisearch') return createMeiliSearchIndex(parseMeiliOptions(search.meili));
  return createSqliteSearchIndex({ path: search.path });
}
