// Nothing lost: a worker process killed with SIGKILL mid-batch, or stopped with SIGTERM, hands its work to the next
// one, and every document ends exactly once (no missing or duplicate pages, objects, index entries, audit rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { smallPng, smallTiff } from '../helpers/small-scans.ts';
import { spawnWorker, until } from '../helpers/worker-process.ts';

let world: World;
beforeAll(async () => {
  world = await createWorld(
    { jobs: { attempts: 3, backoffMs: 200, lockDurationMs: 4000, stalledIntervalMs: 2000 } },
    { workers: false },
  );
});
afterAll(() => world?.close());

async function ingestBatch(label: string, docs: Array<{ name: string; data: Buffer; pages: number }>) {
  const { db, ingest } = world.services;
  const batch = await db.createBatch({ label, source: 'test' });
  for (const d of docs) await ingest.ingest(batch.id, d.name, Readable.from([d.data]));
  return batch.id;
}

async function archivedCount(batchId: string) {
  return (await world.services.db.batchSummary(batchId))?.byStatus.archived ?? 0;
}

/** Every document of the batch exactly once, everywhere. */
async function expectExactlyOnce(batchId: string, docs: Array<{ pages: number }>) {
  const { db, store } = world.services;
  const rows = await db.listDocuments({ batchId });
  expect(rows).toHaveLength(docs.length);
  expect(rows.filter((d) => d.status !== 'archived').map((d) => `${d.filename}: ${d.status} ${d.error ?? ''}`)).toEqual(
    [],
  );
  const pagesByName = new Map(rows.map((d) => [d.id, d.pageCount]));
  expect([...pagesByName.values()].sort()).toEqual(docs.map((d) => d.pages).sort());
  for (const d of rows) {
    expect(await db.listPages(d.id)).toHaveLength(d.pageCount!);
    const types = (await db.listEvents({ documentId: d.id })).map((e) => e.type).sort();
    expect(types, d.filename).toEqual(['archived', 'classified', 'indexed', 'received']);
    const objects: string[] = [];
    for await (const k of store.list(`${d.archiveKey}/`)) objects.push(k);
    expect(objects, d.filename).toHaveLength(4);
    const hits = await world.services.search.search({ q: `documento ${d.filename.replace(/\.\w+$/, '')}`, limit: 100 });
    expect(new Set(hits.hits.filter((h) => h.documentId === d.id).map((h) => h.page)).size, d.filename).toBe(
      d.pageCount,
    );
  }
  const leftovers: string[] = [];
  for (const prefix of ['work/', 'originals/', 'quarantine/'])
    for await (const k of store.list(prefix)) leftovers.push(k);
  expect(leftovers).toEqual([]);
}

describe('worker processes that die or stop', () => {
  it('a worker killed with SIGKILL mid-batch of 100 pages leaves nothing lost and nothing doubled once another takes over', async () => {
    const docs: Array<{ name: string; data: Buffer; pages: number }> = [];
    for (let i = 0; i < 30; i++) docs.push({ name: `k${i}.png`, data: await smallPng(`k${i}`), pages: 1 });
    for (let i = 0; i < 10; i++) docs.push({ name: `t${i}.tif`, data: await smallTiff(`t${i}`, 7), pages: 7 });
    expect(docs.reduce((n, d) => n + d.pages, 0)).toBe(100);
    const first = spawnWorker(world);
    const batchId = await ingestBatch('crash', docs);
    await until(async () => (await archivedCount(batchId)) >= 8, 240_000, 'a few archived documents');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const summary = await world.services.db.batchSummary(batchId);
    expect(summary?.done, 'the kill happened mid-batch').toBe(false);

    const second = spawnWorker(world);
    try {
      await waitForBatch(world.services.db, batchId, { timeoutMs: 400_000 });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    await expectExactlyOnce(batchId, docs);
    expect((await world.services.search.stats()).pages).toBe(100);
  }, 700_000);

  it('SIGTERM lets a worker finish or hand back its jobs and exit cleanly; the next one completes the batch', async () => {
    const docs: Array<{ name: string; data: Buffer; pages: number }> = [];
    for (let i = 0; i < 12; i++) docs.push({ name: `s${i}.png`, data: await smallPng(`s${i}`), pages: 1 });
    const first = spawnWorker(world);
    const batchId = await ingestBatch('shutdown', docs);
    await until(async () => (await archivedCount(batchId)) >= 2, 120_000, 'two archived documents');
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit, first.output()).toEqual({ code: 0, signal: null });
    expect((await world.services.db.batchSummary(batchId))?.done).toBe(false);

    const second = spawnWorker(world);
    try {
      await waitForBatch(world.services.db, batchId, { timeoutMs: 300_000 });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    await expectExactlyOnce(batchId, docs);
  }, 500_000);
});
