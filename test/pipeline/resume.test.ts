import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeReceivedDocuments } from '../../src/workers/resume.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';

let world: World;
beforeAll(async () => {
  world = await createWorld({}, { workers: false });
});
afterAll(() => world.close());

describe('resuming after a crash between row and job', () => {
  it('re-enqueues a received document exactly once, however often the sweep runs', async () => {
    const { db, pipeline } = world.services;
    const batch = await db.createBatch({ label: 'x', source: 'test' });
    const id = 'f'.repeat(64);
    await db.createDocument({ id, sha256: id, batchId: batch.id, filename: 'a.tif', mediaType: 'image/tiff', size: 1 });
    expect(await resumeReceivedDocuments(world.services)).toBe(1);
    expect(await resumeReceivedDocuments(world.services)).toBe(1);
    const waiting = await pipeline.queue('prepare').getJobs(['waiting']);
    expect(waiting.map((j) => j.data.documentId)).toEqual([id]);
  });
});

describe('a step redelivered after its document was archived', () => {
  it('is skipped: the status stays archived and the document does not fail for lack of its (deleted) work files', async () => {
    const { db, pipeline } = world.services;
    const batch = await db.createBatch({ label: 'y', source: 'test' });
    const id = 'e'.repeat(64);
    await db.createDocument({ id, sha256: id, batchId: batch.id, filename: 'b.tif', mediaType: 'image/tiff', size: 1 });
    await db.updateDocument(id, { status: 'archived', archiveKey: `archive/2026/${id}` });
    // Straight onto the queue, as BullMQ hands back a stalled job (no status change on enqueue).
    const job = await pipeline.queue('classify').add('classify', { documentId: id, batchId: batch.id });
    world.runner.start();
    try {
      const events = new QueueEvents(pipeline.queue('classify').name, {
        connection: pipeline.queue('classify').opts.connection,
        prefix: pipeline.queue('classify').opts.prefix,
      });
      await events.waitUntilReady();
      const result = await job.waitUntilFinished(events, 30_000);
      await events.close();
      expect(result).toEqual({ skipped: true });
      expect((await db.getDocument(id))?.status).toBe('archived');
    } finally {
      await world.runner.close();
    }
  });
});
