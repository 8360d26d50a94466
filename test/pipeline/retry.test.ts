// The dead-letter view and retry: a document that failed for a cause now gone is retried from quarantine and archived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { keys } from '../../src/store/keys.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { startApi } from '../helpers/http.ts';
import { smallTiff } from '../helpers/small-scans.ts';

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  // A page limit of 2 makes a 3-page TIFF fail; raising the limit is the "fix" before the retry.
  world = await createWorld({ limits: { maxPages: 2 } });
  api = await startApi(world.services);
});
afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

describe('dead letters and retry', () => {
  it('lists a failed document with its reason, retries it after the fix, and archives it exactly once', async () => {
    const { db, ingest } = world.services;
    const batch = await db.createBatch({ label: 'retry', source: 'test' });
    const item = await ingest.ingest(batch.id, 'tre-pagine.tif', Readable.from([await smallTiff('retry', 3)]));
    await waitForBatch(db, batch.id, { timeoutMs: 60_000 });
    const failed = await (await fetch(`${api.url}/api/failed`, { headers: api.headers })).json();
    expect(failed.documents).toEqual([expect.objectContaining({ id: item.documentId, step: 'prepare', error: expect.stringMatching(/3 pages, more than the limit of 2/) })]);

    (world.services.config.limits as { maxPages: number }).maxPages = 10;
    const res = await fetch(`${api.url}/api/documents/${item.documentId}/retry`, { method: 'POST', headers: api.headers });
    expect(res.status).toBe(202);
    const summary = await waitForBatch(db, batch.id, { timeoutMs: 120_000 });
    expect(summary.byStatus).toEqual({ archived: 1 });
    const doc = await db.getDocument(item.documentId!);
    expect(doc).toMatchObject({ status: 'archived', pageCount: 3, error: undefined, failedStep: undefined });
    const types = (await db.listEvents({ documentId: doc!.id })).map((e) => e.type);
    expect(types).toEqual(['received', 'failed', 'reprocessed', 'classified', 'archived', 'indexed']);
    expect(await world.services.store.head(`${keys.quarantine(doc!.id)}/original`)).toBeNull();
    expect((await (await fetch(`${api.url}/api/failed`, { headers: api.headers })).json()).documents).toEqual([]);
  });

  it('refuses to retry a document that did not fail', async () => {
    const [doc] = await world.services.db.listDocuments({ status: 'archived' });
    const res = await fetch(`${api.url}/api/documents/${doc!.id}/retry`, { method: 'POST', headers: api.headers });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('CANNOT_RETRY');
  });
});
