// Batches are loaded for a Comune, shared or restricted; their documents inherit both. Real SQLite and filesystem
// store; the pipeline is not started (what it does with the documents is tested elsewhere).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger } from '../../src/core/logger.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { importFolder } from '../../src/ingest/folder-import.ts';
import { pollInbox } from '../../src/ingest/inbox.ts';
import { IngestService } from '../../src/ingest/ingest.service.ts';
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let db: SqliteMetadataStore;
let store: FsObjectStore;
let ingest: IngestService;
let started: string[];

beforeEach(async () => {
  tmp = await makeTmpDir();
  db = new SqliteMetadataStore(path.join(tmp.dir, 'meta.db'));
  store = new FsObjectStore(path.join(tmp.dir, 'store'));
  started = [];
  ingest = new IngestService({
    store,
    db,
    logger: silentLogger,
    spoolDir: path.join(tmp.dir, 'spool'),
    maxFileBytes: 1_000_000,
    zipLimits: { maxEntries: 10, maxBytes: 1_000_000, maxRatio: 100 },
    startPipeline: async (documentId) => void started.push(documentId),
  });
});
afterEach(async () => {
  await db.close();
  await tmp.cleanup();
});

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

async function folderOf(files: Record<string, Buffer>): Promise<string> {
  const dir = path.join(tmp.dir, `scans-${Object.keys(files).join('-')}`);
  await mkdir(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) await writeFile(path.join(dir, name), data);
  return dir;
}

describe('loading scans for a Comune', () => {
  it('a folder imported for a Comune, restricted, gives a batch and documents of that Comune, restricted', async () => {
    const folder = await folderOf({ 'a.pdf': pdf('lettera a'), 'b.pdf': pdf('lettera b') });
    const { batchId, items } = await importFolder({ db, ingest }, folder, { comune: 'E730', restricted: true });
    expect(items.map((i) => i.outcome)).toEqual(['accepted', 'accepted']);
    expect(await db.getBatch(batchId)).toMatchObject({ comune: 'E730', restricted: true, source: 'cli' });
    const docs = await db.listDocuments({ batchId });
    expect(docs.map((d) => [d.filename, d.comune, d.restricted])).toEqual([
      ['a.pdf', 'E730', true],
      ['b.pdf', 'E730', true],
    ]);
    expect(started).toHaveLength(2);
    expect(await db.countDocuments({ scope: { full: [] } })).toBe(0);
    expect(await db.countDocuments({ scope: { full: ['E730'] } })).toBe(2);
  });

  it('without a Comune the batch is the default one and shared; a duplicate keeps the first Comune', async () => {
    const first = await folderOf({ 'uno.pdf': pdf('stessa') });
    const { batchId } = await importFolder({ db, ingest }, first, { label: 'vecchio' });
    expect(await db.getBatch(batchId)).toMatchObject({ label: 'vecchio', comune: 'C000', restricted: false });

    const second = await folderOf({ 'copia.pdf': pdf('stessa') });
    const again = await importFolder({ db, ingest }, second, { comune: 'A547' });
    expect(again.items).toEqual([expect.objectContaining({ outcome: 'duplicate' })]);
    expect(await db.getBatch(again.batchId)).toMatchObject({ comune: 'A547' });
    expect(await db.getDocument(again.items[0]!.documentId!)).toMatchObject({ batchId, comune: 'C000' });
  });

  it('the inbox loads its batches for the configured Comune', async () => {
    await store.put('inbox/new/lettera.pdf', pdf('dalla stazione'));
    const result = await pollInbox(
      { store, db, ingest, logger: silentLogger },
      {
        newPrefix: 'inbox/new/',
        donePrefix: 'inbox/done/',
        failedPrefix: 'inbox/failed/',
        maxFilesPerPoll: 10,
        comune: 'A547',
        restricted: true,
      },
    );
    expect(result.picked).toBe(1);
    expect(await db.getBatch(result.batchId!)).toMatchObject({ comune: 'A547', restricted: true, source: 'inbox' });
    expect(await db.getDocument(result.items[0]!.documentId!)).toMatchObject({ comune: 'A547', restricted: true });
  });
});
