// The store is the archive of record: fixity audit finds every kind of damage, and the packages alone rebuild the
// metadata database and the search index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { auditFixity } from '../../src/store/fixity.ts';
import { rebuildFromStore } from '../../src/store/rebuild.ts';
import { PACKAGE_FILES } from '../../src/store/keys.ts';
import { MaintenanceRunner } from '../../src/workers/maintenance.runner.ts';
import { exportPdvToFile } from '../../src/store/pdv-export.ts';
import { verifyPdv } from '../../src/store/pdv-verify.ts';
import path from 'node:path';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { createSqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { createWorld, type StoreKind, type World } from '../helpers/pipeline-world.ts';
import { loadFixtures } from '../helpers/fixtures.ts';

const docs = loadFixtures()
  .filter((f) => f.pages.length === 1)
  .slice(0, 2);

describe.each<StoreKind>(['fs', 's3'])('on the %s store', (storeKind) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({}, { store: storeKind });
    const { db, ingest } = world.services;
    const batch = await db.createBatch({ label: 'integrità', source: 'test' });
    for (const f of docs) await ingest.ingest(batch.id, f.file, createReadStream(f.path));
    const summary = await waitForBatch(db, batch.id, { timeoutMs: 180_000 });
    expect(summary.byStatus.archived).toBe(docs.length);
  }, 240_000);
  afterAll(() => world?.close());

  const archived = async () =>
    (await world.services.db.listDocuments({ status: 'archived' })).map((d) => d.archiveKey!);

  describe('fixity audit and rebuild from the store', () => {
    it('finds nothing wrong in a freshly archived store', async () => {
      const report = await auditFixity(world.services);
      expect(report).toMatchObject({ ok: true, packages: docs.length, files: docs.length * 3, problems: [] });
    });

    it('runs as the scheduled maintenance job and keeps its report in the store', async () => {
      const result = await new MaintenanceRunner(world.services).run('fixity-audit');
      expect(result).toEqual({ ok: true, packages: docs.length, problems: 0 });
      const reports: string[] = [];
      for await (const k of world.services.store.list('audits/fixity/')) reports.push(k);
      expect(reports).toHaveLength(1);
      const saved = JSON.parse((await world.services.store.getBuffer(reports[0]!)).toString());
      expect(saved).toMatchObject({ ok: true, files: docs.length * 3 });
    });

    it('rebuilds the same documents and the same search answers from the packages alone', async () => {
      const { db, search } = world.services;
      const queries = ['comune', 'protocollo', 'via', 'richiesta'];
      const before = await Promise.all(queries.map((q) => search.search({ q, limit: 50 })));
      const docsBefore = (await db.listDocuments({})).map(({ updatedAt: _u, ...d }) => d);

      const dbPath = world.services.config.db.path + '.rebuilt';
      const searchPath = world.services.config.search.path + '.rebuilt';
      const freshDb = new SqliteMetadataStore(dbPath);
      const freshSearch = createSqliteSearchIndex({ path: searchPath });
      try {
        const report = await rebuildFromStore({ store: world.services.store, db: freshDb, search: freshSearch });
        expect(report).toMatchObject({ packages: docs.length, documents: docs.length, problems: [] });
        const docsAfter = (await freshDb.listDocuments({})).map(({ updatedAt: _u, ...d }) => d);
        expect(docsAfter).toEqual(docsBefore);
        const after = await Promise.all(queries.map((q) => freshSearch.search({ q, limit: 50 })));
        const view = (r: (typeof after)[number]) => ({
          total: r.total,
          hits: r.hits.map((h) => [h.documentId, h.page, h.title]),
          facets: r.facets,
        });
        expect(after.map(view)).toEqual(before.map(view));
        expect(before.some((r) => r.total > 0)).toBe(true);
        // Running it again refreshes, never duplicates.
        const again = await rebuildFromStore({ store: world.services.store, db: freshDb, search: freshSearch });
        expect(again.documents).toBe(0);
        expect(await freshDb.listDocuments({})).toHaveLength(docs.length);
        // The event log comes back from the manifest (it was written before the document was indexed).
        const evView = (ev: Array<{ at: string; type: string; actor: string }>) =>
          ev.map((e) => [e.at, e.type, e.actor]);
        const id0 = docsAfter[0]!.id;
        // Pages come back with their quality warnings and measures (kept in text.json).
        const pagesBefore = await db.listPages(id0);
        expect(pagesBefore.some((p) => p.quality !== undefined)).toBe(true);
        expect(await freshDb.listPages(id0)).toEqual(pagesBefore);
        expect(evView(await freshDb.listEvents({ documentId: id0 }))).toEqual(
          evView((await db.listEvents({ documentId: id0 })).filter((e) => e.type !== 'indexed')),
        );
      } finally {
        await freshSearch.close();
        await freshDb.close();
        await rm(dbPath, { force: true });
        await rm(searchPath, { force: true });
      }
    });

    it('exports the archive as a submission package (PdV) that verifies clean', async () => {
      const out = path.join(world.dataDir, 'pdv.tar');
      const result = await exportPdvToFile(world.services, out, { selection: {}, id: `pdv-${storeKind}` });
      expect(result).toMatchObject({ documents: docs.length });
      const report = await verifyPdv(out);
      expect(report).toMatchObject({ ok: true, documents: docs.length, problems: [] });
    });

    it('reports altered, missing and orphan objects, and a package the database expects', async () => {
      const { store } = world.services;
      const [a, b] = await archived();
      await store.put(`${a}/${PACKAGE_FILES.pdf}`, Buffer.from('not the pdf any more'));
      await store.delete(`${b}/${PACKAGE_FILES.text}`);
      await store.put(`${b}/intruso.bin`, Buffer.from('x'));
      await store.put('archive/2020/stray.txt', Buffer.from('y'));
      const report = await auditFixity(world.services);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'altered', key: `${a}/${PACKAGE_FILES.pdf}` }),
          expect.objectContaining({ kind: 'missing', key: `${b}/${PACKAGE_FILES.text}` }),
          expect.objectContaining({ kind: 'orphan', key: `${b}/intruso.bin` }),
          expect.objectContaining({ kind: 'orphan', key: 'archive/2020/stray.txt' }),
        ]),
      );
      expect(report.problems).toHaveLength(4);
      for (const key of [`${b}/${PACKAGE_FILES.manifest}`, `${b}/${PACKAGE_FILES.pdf}`, `${b}/intruso.bin`])
        await store.delete(key);
      await store.delete(`${b}/${PACKAGE_FILES.original('jpg')}`);
      await store.delete(`${b}/${PACKAGE_FILES.original('tif')}`);
      await store.delete(`${b}/${PACKAGE_FILES.original('pdf')}`);
      const gone = await auditFixity(world.services);
      expect(gone.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'missing-package', key: b })]),
      );
    });
  });
});
