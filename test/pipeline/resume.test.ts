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
