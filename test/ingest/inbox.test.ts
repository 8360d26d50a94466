import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { MaintenanceRunner } from '../../src/workers/maintenance.runner.ts';
import { createWorld, type StoreKind, type World } from '../helpers/pipeline-world.ts';
import { fixture } from '../helpers/fixtures.ts';

describe.each<StoreKind>(['fs', 's3'])('on the %s store', (storeKind) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ limits: { maxFileBytes: 2_000_000 }, inbox: { enabled: true } }, { store: storeKind });
  });
  afterAll(() => world?.close());

  async function keysUnder(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of world.services.store.list(prefix)) out.push(k);
    return out;
  }

  describe('the inbox of the scanning stations (listing poll)', () => {
    it('takes what a station dropped into one batch and moves each file to done/ or failed/', async () => {
      const { store, db } = world.services;
      const jpeg = fixture('jpeg');
      await store.put('inbox/new/stazione-1/lettera.jpg', await readFile(jpeg.path));
      await store.put('inbox/new/stazione-1/enorme.tif', Buffer.alloc(3_000_000, 7));
      const maintenance = new MaintenanceRunner(world.services);
      const result = (await maintenance.run('inbox-poll')) as { batchId: string; picked: number };
      expect(result.picked).toBe(2);
      expect(await keysUnder('inbox/new/')).toEqual([]);
      expect(await keysUnder('inbox/done/')).toEqual([`inbox/done/${result.batchId}/stazione-1/lettera.jpg`]);
      expect(await keysUnder('inbox/failed/')).toEqual([
        `inbox/failed/${result.batchId}/stazione-1/enorme.tif`,
        `inbox/failed/${result.batchId}/stazione-1/enorme.tif.reason.txt`,
      ]);
      const summary = await waitForBatch(db, result.batchId, { timeoutMs: 120_000 });
      expect(summary).toMatchObject({ accepted: 1, rejected: 1, byStatus: { archived: 1 }, done: true });
      expect((await db.getBatch(result.batchId))?.source).toBe('inbox');
    });

    it('does nothing when the inbox is empty, and a file dropped twice becomes a duplicate, not a second document', async () => {
      const { store } = world.services;
      const maintenance = new MaintenanceRunner(world.services);
      expect(await maintenance.run('inbox-poll')).toMatchObject({ picked: 0 });
      await store.put('inbox/new/di-nuovo.jpg', await readFile(fixture('jpeg').path));
      const before = (await world.services.db.listDocuments({})).length;
      const again = (await maintenance.run('inbox-poll')) as { batchId: string };
      const items = await world.services.db.listBatchItems(again.batchId);
      expect(items).toEqual([expect.objectContaining({ outcome: 'duplicate' })]);
      expect((await world.services.db.listDocuments({})).length).toBe(before);
    });
  });
});
