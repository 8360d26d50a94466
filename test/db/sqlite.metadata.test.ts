// What only the SQLite adapter has: its file, its migrations, and SQL-level rules checked with raw SQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
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

  it('refuses any UPDATE, DELETE or overwrite of a protocol register entry, also in raw SQL', async () => {
    const { entry } = await db.registerProtocol({ documentId: 'a'.repeat(64), number: 12, year: 2026, source: 'ocr', registeredBy: 'system' });
    const raw = new Database(path.join(tmp.dir, 'meta.db'));
    try {
      const immutable = /protocol register entries are immutable/;
      expect(() => raw.prepare('UPDATE protocol_register SET number = 13').run()).toThrow(immutable);
      expect(() => raw.prepare('DELETE FROM protocol_register WHERE document_id = ?').run(entry.documentId)).toThrow(immutable);
      expect(() => raw.prepare('DELETE FROM protocol_register').run()).toThrow(immutable);
      const overwrite = (verb: string, tail = '') =>
        raw.prepare(`${verb} INTO protocol_register VALUES (?, 99, 2026, NULL, 'manual', '2026-01-01T00:00:00.000Z', 'x', 'C000') ${tail}`).run(entry.documentId);
      expect(() => overwrite('INSERT OR REPLACE')).toThrow(immutable);
      expect(() => overwrite('REPLACE')).toThrow(immutable);
      expect(() => overwrite('INSERT', 'ON CONFLICT (document_id) DO UPDATE SET number = excluded.number')).toThrow(immutable);
    } finally {
      raw.close();
    }
    expect(await db.getProtocol(entry.documentId)).toStrictEqual(entry);
  });

  it('migrates a version-1 database to the current schema, keeping its data', async () => {
    await db.close();
    const file = path.join(tmp.dir, 'old.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO batches VALUES ('lotto-1', 'vecchio', 'cli', '2020-01-01T00:00:00.000Z')").run();
    old.close();
    db = new SqliteMetadataStore(file);
    expect(await db.getBatch('lotto-1')).toMatchObject({ label: 'vecchio' });
    expect((await db.registerProtocol({ documentId: 'b'.repeat(64), number: 1, year: 2020, source: 'manual', registeredBy: 'x' })).created).toBe(true);
    expect((await db.createPractice({ key: 'PE 1/2020', label: 'x' })).created).toBe(true);
    await db.close();
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    check.close();
    db = new SqliteMetadataStore(file);
  });

  it('migrates a version-2 database to tenancy: rows join the default Comune, practices keep their members', async () => {
    await db.close();
    const file = path.join(tmp.dir, 'v2.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec(MIGRATIONS[0]!);
    old.exec(MIGRATIONS[1]!);
    old.pragma('user_version = 2');
    const t = '2020-01-01T00:00:00.000Z';
    const id = 'a'.repeat(64);
    old.prepare("INSERT INTO batches VALUES ('lotto-1', 'vecchio', 'cli', ?)").run(t);
    old
      .prepare("INSERT INTO documents (id, sha256, batch_id, filename, media_type, size, status, created_at, updated_at) VALUES (?, ?, 'lotto-1', 'a.pdf', 'application/pdf', 1, 'archived', ?, ?)")
      .run(id, id, t, t);
    old.prepare("INSERT INTO practices VALUES ('p1', 'PE 1/2000', 'PE 1/2000', 'pe 1/2000', 'pe 1/2000', ?, ?)").run(t, t);
    old.prepare("INSERT INTO practice_members VALUES (?, 'p1', 1, 'r', 'mrossi', 1, 'PE 1/2000', NULL, NULL, ?)").run(id, t);
    old.prepare("INSERT INTO protocol_register VALUES (?, 12, 2020, NULL, 'manual', ?, 'mrossi')").run(id, t);
    old.close();

    db = new SqliteMetadataStore(file);
    expect(await db.getBatch('lotto-1')).toMatchObject({ comune: 'C000', restricted: false });
    expect(await db.getDocument(id)).toMatchObject({ comune: 'C000', restricted: false, status: 'archived' });
    expect(await db.getPracticeByKey('PE 1/2000', 'C000')).toMatchObject({ id: 'p1', comune: 'C000', label: 'PE 1/2000' });
    expect(await db.practiceMember(id)).toMatchObject({ practiceId: 'p1', locked: true, practiceKey: 'PE 1/2000' });
    expect(await db.getProtocol(id)).toMatchObject({ comune: 'C000', number: 12 });
    expect(await db.listPractices({ q: 'pe 1' })).toMatchObject([{ id: 'p1', documents: 1 }]);
    expect((await db.createPractice({ key: 'PE 1/2000', label: 'x' })).created).toBe(false);
    expect((await db.createPractice({ key: 'PE 1/2000', label: 'x', comune: 'E730' })).created).toBe(true);
    // Foreign keys are back on after the table rebuild.
    await expect(db.linkDocument({ practiceId: 'nope', documentId: 'b'.repeat(64), confidence: 1, reason: 'r', linkedBy: 'x', locked: false })).rejects.toThrow(/FOREIGN KEY/);
    const check = new Database(file);
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(check.pragma('foreign_key_check')).toEqual([]);
    } finally {
      check.close();
    }
  });
});
