import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let db: SqliteMetadataStore;
beforeEach(async () => {
  tmp = await makeTmpDir();
  db = new SqliteMetadataStore(path.join(tmp.dir, 'meta.db'));
});
afterEach(async () => {
  await db.close();
  await tmp.cleanup();
});

const doc = (sha: string, batchId: string) => ({ id: sha, sha256: sha, batchId, filename: `${sha}.tif`, mediaType: 'image/tiff', size: 10 });

describe('SQLite metadata store', () => {
  it('creates a document once per content hash', async () => {
    const batch = await db.createBatch({ label: 'lotto', source: 'test' });
    const first = await db.createDocument(doc('a'.repeat(64), batch.id));
    const second = await db.createDocument({ ...doc('a'.repeat(64), batch.id), filename: 'other.tif' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.document.filename).toBe('a'.repeat(64) + '.tif');
    expect(first.document.status).toBe('received');
  });

  it('summarises a batch: done only when every accepted document is archived or failed', async () => {
    const batch = await db.createBatch({ label: 'lotto', source: 'test' });
    for (const c of ['a', 'b']) {
      await db.createDocument(doc(c.repeat(64), batch.id));
      await db.addBatchItem({ batchId: batch.id, filename: c, outcome: 'accepted', documentId: c.repeat(64) });
    }
    await db.addBatchItem({ batchId: batch.id, filename: 'dup', outcome: 'duplicate', documentId: 'a'.repeat(64) });
    await db.updateDocument('a'.repeat(64), { status: 'archived' });
    let s = await db.batchSummary(batch.id);
    expect(s).toMatchObject({ accepted: 2, duplicates: 1, done: false, byStatus: { archived: 1, received: 1 } });
    await db.updateDocument('b'.repeat(64), { status: 'failed', error: 'corrotto', failedStep: 'prepare' });
    s = await db.batchSummary(batch.id);
    expect(s?.done).toBe(true);
    expect((await db.getDocument('b'.repeat(64)))?.error).toBe('corrotto');
  });

  it('keeps migrations idempotent across reopenings', async () => {
    const batch = await db.createBatch({ label: 'x', source: 'test' });
    await db.close();
    db = new SqliteMetadataStore(path.join(tmp.dir, 'meta.db'));
    expect((await db.getBatch(batch.id))?.label).toBe('x');
  });

  it('replaces the pages of a document and records events in order', async () => {
    const batch = await db.createBatch({ label: 'x', source: 'test' });
    await db.createDocument(doc('c'.repeat(64), batch.id));
    const page = { documentId: 'c'.repeat(64), page: 1, widthPx: 10, heightPx: 10, dpi: 300, confidence: 90, chars: 5 };
    await db.replacePages('c'.repeat(64), [page, { ...page, page: 2 }]);
    await db.replacePages('c'.repeat(64), [page]);
    expect(await db.listPages('c'.repeat(64))).toHaveLength(1);
    await db.addEvent({ type: 'received', documentId: 'c'.repeat(64), actor: 'system' });
    await db.addEvent({ type: 'archived', documentId: 'c'.repeat(64), actor: 'system', detail: { k: 1 } });
    expect((await db.listEvents({ documentId: 'c'.repeat(64) })).map((e) => e.type)).toEqual(['received', 'archived']);
  });
});
