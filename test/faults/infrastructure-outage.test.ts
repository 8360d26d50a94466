// The batch survives its infrastructure going away: Redis restarted mid-batch (append-only persistence) and the S3
// endpoint unreachable for 30 s. Jobs retry with backoff and every document still ends archived exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.ts';
import { smallPng } from '../helpers/small-scans.ts';
import { until } from '../helpers/worker-process.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function runBatch(world: World, label: string, n: number) {
  const { db, ingest } = world.services;
  const batch = await db.createBatch({ label, source: 'test' });
  for (let i = 0; i < n; i++)
    await ingest.ingest(batch.id, `${label}-${i}.png`, Readable.from([await smallPng(`${label}${i}`)]));
  return batch.id;
}

async function expectAllArchivedOnce(world: World, batchId: string, n: number) {
  const docs = await world.services.db.listDocuments({ batchId });
  expect(docs.map((d) => `${d.status} ${d.error ?? ''}`.trim())).toEqual(Array(n).fill('archived'));
  for (const d of docs) {
    const types = (await world.services.db.listEvents({ documentId: d.id })).map((e) => e.type).sort();
    expect(types).toEqual(['archived', 'classified', 'indexed', 'received']);
  }
}

const outageJobs = { attempts: 8, backoffMs: 1000, lockDurationMs: 5000, stalledIntervalMs: 2000 };

describe('infrastructure outages mid-batch', () => {
  it('Redis restarted mid-batch: the batch completes, nothing lost or doubled', async () => {
    const redis: PrivateRedis = await startPrivateRedis();
    cleanups.push(() => redis.cleanup());
    const world = await createWorld({ redis: { url: redis.url }, jobs: outageJobs });
    cleanups.push(() => world.close());
    const batchId = await runBatch(world, 'redis', 10);
    await until(
      async () => ((await world.services.db.batchSummary(batchId))?.byStatus.archived ?? 0) >= 2,
      120_000,
      'two archived',
    );
    await redis.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await redis.start();
    await waitForBatch(world.services.db, batchId, { timeoutMs: 240_000 });
    await expectAllArchivedOnce(world, batchId, 10);
  }, 400_000);

  it('S3 unreachable for 30 s: steps retry with backoff, then the batch completes', async () => {
    const world = await createWorld({ jobs: outageJobs }, { store: 's3' });
    cleanups.push(() => world.close());
    const batchId = await runBatch(world, 's3', 10);
    await until(
      async () => ((await world.services.db.batchSummary(batchId))?.byStatus.archived ?? 0) >= 2,
      120_000,
      'two archived',
    );
    await world.s3!.stop();
    await new Promise((r) => setTimeout(r, 30_000));
    await world.s3!.start();
    await waitForBatch(world.services.db, batchId, { timeoutMs: 300_000 });
    await expectAllArchivedOnce(world, batchId, 10);
  }, 420_000);
});
