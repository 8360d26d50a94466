// A whole Faldone for one test file: temp data dir, unique queue prefix on the real Redis, real adapters, workers
// running in this process. close() removes everything it created, Redis keys included.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type ConfigInput } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createRedis } from '../../src/core/redis.ts';
import type { DocumentRecord } from '../../src/db/metadata-store.ts';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { createServices, type AppServices } from '../../src/workers/services.ts';
import { WorkerRunner } from '../../src/workers/worker.runner.ts';
import { makeTmpDir } from './tmp-dir.ts';
import { S3RVER_CREDENTIALS, startS3rver, type S3rverHandle } from './s3rver.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface World {
  services: AppServices;
  runner: WorkerRunner;
  dataDir: string;
  prefix: string;
  s3?: S3rverHandle;
  close(): Promise<void>;
}

export type StoreKind = 'fs' | 's3';

export async function createWorld(
  overrides: ConfigInput = {},
  opts: { workers?: boolean; store?: StoreKind } = {},
): Promise<World> {
  const tmp = await makeTmpDir('faldone-world-');
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const s3 = opts.store === 's3' ? await startS3rver() : undefined;
  const storeConfig: ConfigInput['store'] = s3
    ? {
        driver: 's3',
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, forcePathStyle: true, ...S3RVER_CREDENTIALS, maxAttempts: 2 },
      }
    : undefined;
  const config = loadConfig({
    env: { REDIS_URL: process.env.REDIS_URL },
    cwd: REPO_ROOT,
    overrides: {
      dataDir: tmp.dir,
      logLevel: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent',
      redis: { prefix },
      ocr: { workers: 2 },
      jobs: { attempts: 2, backoffMs: 200 },
      ...(storeConfig ? { store: storeConfig } : {}),
      ...overrides,
    },
  });
  const services = await createServices(config, createLogger(config.logLevel));
  const runner = new WorkerRunner(services);
  if (opts.workers !== false) runner.start();
  return {
    services,
    runner,
    dataDir: tmp.dir,
    prefix,
    s3,
    async close() {
      await runner.close();
      await services.close();
      await s3?.cleanup();
      await deleteRedisPrefix(config.redis.url, prefix);
      await tmp.cleanup();
    },
  };
}

/**
 * Uploads one file through the API (POST /api/batches at `apiUrl` as `caller`, `fields` sent before the file, `query`
 * in the URL), throws unless it answers 201, waits until the batch is done and returns the batch, the document's id
 * and the document as stored then. No vitest and no API import here: the benches use this module too.
 */
export async function uploadAndWait(
  world: World,
  apiUrl: string,
  caller: { headers: Record<string, string> },
  file: { name: string; data: Uint8Array },
  opts: { query?: Record<string, string>; fields?: Record<string, string>; timeoutMs: number },
): Promise<{ batchId: string; documentId: string; document: DocumentRecord | null }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(opts.fields ?? {})) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file.data)]), file.name);
  const query = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
  const res = await fetch(`${apiUrl}/api/batches${query}`, { method: 'POST', headers: caller.headers, body: form });
  const body = (await res.json()) as { batch: { id: string }; items: Array<{ documentId?: string }> };
  if (res.status !== 201) throw new Error(`upload of ${file.name}: HTTP ${res.status} ${JSON.stringify(body)}`);
  const batchId = body.batch.id;
  const documentId = body.items[0]!.documentId!;
  await waitForBatch(world.services.db, batchId, { timeoutMs: opts.timeoutMs });
  return { batchId, documentId, document: await world.services.db.getDocument(documentId) };
}

/** Deletes every Redis key under `prefix:` (a test's queues, sessions and rate-limit counters). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = createRedis(url);
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
