// Choose the adapter of each port from config. The only place that knows which implementations exist.
import type { Config } from '../core/config.ts';
import { openMetadataStore } from '../db/metadata-store.factory.ts';
import type { MetadataStore } from '../db/metadata-store.ts';
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
  return createSqliteSearchIndex({ path: config.search.path });
}
