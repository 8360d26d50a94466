// An object store that fails while the prepare step writes page images is an outage, not a bad file: the step must
// throw a retryable error (the document goes on when the store is back), never a PermanentError that would fail the
// document. The store is the real filesystem store; only its writes of page images are made to fail.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { prepareJob } from '../../src/ingest/prepare.job.ts';
import type { ObjectStore } from '../../src/store/object-store.ts';
import type { JobContext } from '../../src/workers/job-context.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { smallPng } from '../helpers/small-scans.ts';

let world: World;
beforeAll(async () => {
  world = await createWorld({}, { workers: false });
});
afterAll(async () => world?.close());

function failingWrites(store: ObjectStore, failing: (key: string) => boolean): ObjectStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'put')
        return (key: string, ...rest: unknown[]) =>
          failing(key)
            ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' }))
            : (target.put as (...a: unknown[]) => unknown).call(target, key, ...rest);
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('prepare step during an object-store outage', () => {
  it('throws a retryable error when page images cannot be written, and prepares the pages once the store is back', async () => {
    const { db, ingest } = world.services;
    const batch = await db.createBatch({ label: 'outage', source: 'test' });
    const item = await ingest.ingest(batch.id, 'pagina.png', Readable.from([await smallPng('prepare outage')]));
    const documentId = item.documentId!;
    const ctx = (store: ObjectStore): JobContext => ({
      ...world.services,
      store,
      log: createLogger('silent'),
      jobId: 'test',
      attempt: 1,
    });

    const down = failingWrites(world.services.store, (key) => key.includes('/work/') || key.startsWith('work/'));
    const err = await prepareJob(ctx(down), { documentId, batchId: batch.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err).not.toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);

    const done = await prepareJob(ctx(world.services.store), { documentId, batchId: batch.id });
    expect(done.pageCount).toBe(1);
    expect((await db.getDocument(documentId))?.pageCount).toBe(1);
  });
});
