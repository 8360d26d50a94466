// The behaviour every MetadataStore adapter must have. Each adapter's test file calls metadataStoreContract with a
// factory that opens a fresh, empty store (its own file or schema) and can reopen it after close().
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentRecord, MetadataStore, PageRecord } from '../../src/db/metadata-store.ts';

export interface ContractStore {
  store: MetadataStore;
  /** A new store on the same data (file, or database + schema), as another process starting later would open it. */
  reopen: () => Promise<MetadataStore>;
  /** Closes every store opened by this harness (closing twice must be harmless) and removes the data. */
  cleanup: () => Promise<void>;
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const sha = (c: string) => c.repeat(64).slice(0, 64);
const newDoc = (s: string, batchId: string, extra: Partial<DocumentRecord> = {}) => ({
  id: s,
  sha256: s,
  batchId,
  filename: `${s.slice(0, 4)}.tif`,
  mediaType: 'image/tiff',
  size: 1234,
  ...extra,
});
const page = (documentId: string, n: number, extra: Partial<PageRecord> = {}): PageRecord => ({
  documentId,
  page: n,
  widthPx: 2480,
  heightPx: 3508,
  dpi: 300,
  confidence: 91.5,
  chars: 1000 + n,
  ...extra,
});

/** Optional fields must come back as undefined, never null. */
export function expectNoNulls(o: object): void {
  for (const [k, v] of Object.entries(o)) expect(v, `field ${k}`).not.toBeNull();
}

export function metadataStoreContract(name: string, make: () => Promise<ContractStore>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let h: ContractStore;
    let db: MetadataStore;
    beforeEach(async () => {
      h = await make();
      db = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    describe('batches', () => {
      it('creates, gets and misses a batch', async () => {
        const b = await db.createBatch({ label: 'Protocollo 1998', source: 'upload' });
        expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(b).toMatchObject({ label: 'Protocollo 1998', source: 'upload' });
        expect(b.createdAt).toMatch(ISO);
        expect(Math.abs(Date.parse(b.createdAt) - Date.now())).toBeLessThan(60_000);
        expect(await db.getBatch(b.id)).toStrictEqual(b);
        expect(await db.getBatch('00000000-0000-0000-0000-000000000000')).toBeNull();
      });

      it('takes a given id and creation time (rebuild from the archive), normalised to ISO UTC', async () => {
        const b = await db.createBatch({ id: 'lotto-1998', label: 'x', source: 'rebuild', createdAt: '1998-05-06T09:08:07.123+02:00' });
        expect(b).toStrictEqual({
          id: 'lotto-1998',
          label: 'x',
          source: 'rebuild',
          comune: 'C000',
          restricted: false,
          createdAt: '1998-05-06T07:08:07.123Z',
        });
        expect(await db.getBatch('lotto-1998')).toStrictEqual(b);
        await expect(db.createBatch({ id: 'lotto-1998', label: 'again', source: 'rebuild' })).rejects.toThrow();
        await expect(db.createBatch({ label: 'bad', source: 'rebuild', createdAt: 'ieri' })).rejects.toThrow();
        expect((await db.listBatches()).map((x) => x.label)).toEqual(['x']);
      });

      it('lists batches newest first, with limit and offset', async () => {
        const made = [];
        for (let i = 0; i < 4; i++) {
          made.push(await db.createBatch({ label: `b${i}`, source: 'test' }));
          await sleep(3); // distinct milliseconds, so the order is by time alone
        }
        expect((await db.listBatches()).map((b) => b.label)).toEqual(['b3', 'b2', 'b1', 'b0']);
        expect((await db.listBatches({ limit: 2 })).map((b) => b.label)).toEqual(['b3', 'b2']);
        expect((await db.listBatches({ limit: 2, offset: 1 })).map((b) => b.label)).toEqual(['b2', 'b1']);
        expect(await db.listBatches({ offset: 4 })).toEqual([]);
        expect((await db.listBatches())[3]).toStrictEqual(made[0]);
      });

      it('lists at most 50 batches by default', async () => {
        await Promise.all(Array.from({ length: 52 }, (_, i) => db.createBatch({ label: `b${i}`, source: 'test' })));
        expect(await db.listBatches()).toHaveLength(50);
        expect(await db.listBatches({ limit: 100 })).toHaveLength(52);
      });
    });

    describe('batch items', () => {
      it('lists the items of a batch in insertion order, optional fields undefined', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const other = await db.createBatch({ label: 'y', source: 'test' });
        await db.addBatchItem({ batchId: b.id, filename: 'z.tif', outcome: 'accepted', documentId: sha('a'), sha256: sha('a') });
        await db.addBatchItem({ batchId: other.id, filename: 'elsewhere.tif', outcome: 'accepted' });
        await db.addBatchItem({ batchId: b.id, filename: 'a.tif', outcome: 'duplicate', documentId: sha('a'), sha256: sha('a') });
        await db.addBatchItem({ batchId: b.id, filename: 'm.exe', outcome: 'rejected', error: 'tipo non ammesso' });
        const items = await db.listBatchItems(b.id);
        expect(items).toStrictEqual([
          { batchId: b.id, filename: 'z.tif', outcome: 'accepted', documentId: sha('a'), sha256: sha('a'), error: undefined },
          { batchId: b.id, filename: 'a.tif', outcome: 'duplicate', documentId: sha('a'), sha256: sha('a'), error: undefined },
          { batchId: b.id, filename: 'm.exe', outcome: 'rejected', documentId: undefined, sha256: undefined, error: 'tipo non ammesso' },
        ]);
        items.forEach(expectNoNulls);
        expect(await db.listBatchItems('no-such-batch')).toEqual([]);
      });

      it('refuses an item of an unknown batch', async () => {
        await expect(db.addBatchItem({ batchId: 'no-such-batch', filename: 'a', outcome: 'accepted' })).rejects.toThrow();
      });
    });

    describe('documents', () => {
      it('creates a document in status received with every given field, the rest undefined', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const { created, document } = await db.createDocument(newDoc(sha('a'), b.id));
        expect(created).toBe(true);
        expect(document).toStrictEqual({
          id: sha('a'),
          sha256: sha('a'),
          batchId: b.id,
          filename: 'aaaa.tif',
          mediaType: 'image/tiff',
          size: 1234,
          status: 'received',
          error: undefined,
          failedStep: undefined,
          pageCount: undefined,
          archiveKey: undefined,
          classification: undefined,
          title: undefined,
          year: undefined,
          comune: 'C000',
          restricted: false,
          boxSplit: undefined,
          splitOrigin: undefined,
          createdAt: document.createdAt,
          updatedAt: document.createdAt,
        });
        expect(document.createdAt).toMatch(ISO);
        expect(await db.getDocument(sha('a'))).toStrictEqual(document);
        expect(await db.getDocument(sha('f'))).toBeNull();

        const full = await db.createDocument(
          newDoc(sha('b'), b.id, {
            pageCount: 3,
            title: 'Delibera n. 12',
            year: 2026,
            archiveKey: 'archive/2026/bbbb',
            classification: { titolario: '1.6', tags: ['delibera'] },
            error: 'e',
            failedStep: 'ocr',
            size: 5_000_000_000, // larger than 32 bits
          }),
        );
        expect(full.created).toBe(true);
        expect(await db.getDocument(sha('b'))).toMatchObject({
          status: 'received',
          pageCount: 3,
          title: 'Delibera n. 12',
          year: 2026,
          archiveKey: 'archive/2026/bbbb',
          classification: { titolario: '1.6', tags: ['delibera'] },
          error: 'e',
          failedStep: 'ocr',
          size: 5_000_000_000,
        });
      });

      it('takes a given creation time (rebuild from the archive)', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const { document } = await db.createDocument({ ...newDoc(sha('a'), b.id), createdAt: '2001-02-03T04:05:06Z' });
        expect(document).toMatchObject({ createdAt: '2001-02-03T04:05:06.000Z', updatedAt: '2001-02-03T04:05:06.000Z' });
        expect(await db.getDocument(sha('a'))).toStrictEqual(document);
        await db.createDocument(newDoc(sha('b'), b.id));
        expect((await db.listDocuments({})).map((d) => d.id)).toEqual([sha('a'), sha('b')]);
      });

      it('does not create or overwrite a document whose sha256 exists', async () => {
        const b1 = await db.createBatch({ label: 'first', source: 'test' });
        const b2 = await db.createBatch({ label: 'second', source: 'test' });
        const first = await db.createDocument(newDoc(sha('a'), b1.id, { title: 'originale' }));
        await db.updateDocument(sha('a'), { status: 'ocr' });
        const before = await db.getDocument(sha('a'));
        const again = await db.createDocument(newDoc(sha('a'), b2.id, { filename: 'copia.pdf', mediaType: 'application/pdf', size: 1, title: 'copia' }));
        expect(first.created).toBe(true);
        expect(again.created).toBe(false);
        expect(again.document).toStrictEqual(before);
        expect(again.document).toMatchObject({ batchId: b1.id, filename: 'aaaa.tif', title: 'originale', status: 'ocr' });
        expect(await db.listDocuments({})).toHaveLength(1);
      });

      it('creates exactly one document from 10 concurrent creations of the same sha256', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => db.createDocument(newDoc(sha('c'), b.id, { filename: `copy-${i}.tif` }))),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const winner = results.find((r) => r.created)!.document;
        for (const r of results) expect(r.document).toStrictEqual(winner);
        expect(await db.listDocuments({ batchId: b.id })).toStrictEqual([winner]);
      });

      it('refuses a document of an unknown batch', async () => {
        await expect(db.createDocument(newDoc(sha('a'), 'no-such-batch'))).rejects.toThrow();
        expect(await db.getDocument(sha('a'))).toBeNull();
      });

      it('keeps a box scan\'s split mode and a part\'s provenance (JSON), counts "split" as terminal', async () => {
        const b = await db.createBatch({ label: 'scatola', source: 'test' });
        await db.createDocument(newDoc(sha('b'), b.id));
        await db.createDocument(newDoc(sha('p'), b.id, { filename: 'scatola.parte-01.pdf' }));
        const origin = {
          boxScan: sha('b'),
          boxFilename: 'scatola.tif',
          part: 1,
          pages: [2, 3],
          separatorPages: [1],
          blankPages: [],
          warnings: ['Pagina 1: è così'],
          hints: { practiceKey: 'PE 123/1987', comune: 'Città di Castello', documentType: 'elaborato_grafico' },
        };
        await db.updateDocument(sha('b'), { boxSplit: 'separators+blank', status: 'split' });
        await db.updateDocument(sha('p'), { splitOrigin: origin, status: 'archived' });
        expect(await db.getDocument(sha('b'))).toMatchObject({ boxSplit: 'separators+blank', status: 'split' });
        expect((await db.getDocument(sha('b')))!.splitOrigin).toBeUndefined();
        expect((await db.getDocument(sha('p')))!.splitOrigin).toStrictEqual(origin);
        expect((await db.getDocument(sha('p')))!.boxSplit).toBeUndefined();
        expect(await db.batchSummary(b.id)).toMatchObject({ byStatus: { split: 1, archived: 1 }, done: true });
        await db.updateDocument(sha('p'), { splitOrigin: undefined });
        expect((await db.getDocument(sha('p')))!.splitOrigin).toBeUndefined();
      });

      it('lists documents by batch and status, in creation order, with paging', async () => {
        const b1 = await db.createBatch({ label: '1', source: 'test' });
        const b2 = await db.createBatch({ label: '2', source: 'test' });
        const order: string[] = [];
        for (const [i, c] of ['e', 'a', 'd', 'b', 'c'].entries()) {
          await db.createDocument(newDoc(sha(c), i % 2 ? b2.id : b1.id));
          order.push(sha(c));
          await sleep(3);
        }
        await db.updateDocument(sha('a'), { status: 'archived' });
        await db.updateDocument(sha('b'), { status: 'archived' });
        await db.updateDocument(sha('d'), { status: 'failed' });
        const ids = (ds: DocumentRecord[]) => ds.map((d) => d.id);
        expect(ids(await db.listDocuments({}))).toEqual(order);
        expect(ids(await db.listDocuments({ batchId: b1.id }))).toEqual([sha('e'), sha('d'), sha('c')]);
        expect(ids(await db.listDocuments({ batchId: b2.id }))).toEqual([sha('a'), sha('b')]);
        expect(ids(await db.listDocuments({ status: 'archived' }))).toEqual([sha('a'), sha('b')]);
        expect(ids(await db.listDocuments({ batchId: b2.id, status: 'archived' }))).toEqual([sha('a'), sha('b')]);
        expect(ids(await db.listDocuments({ batchId: b1.id, status: 'archived' }))).toEqual([]);
        expect(ids(await db.listDocuments({ status: 'received' }))).toEqual([sha('e'), sha('c')]);
        expect(ids(await db.listDocuments({ limit: 2 }))).toEqual(order.slice(0, 2));
        expect(ids(await db.listDocuments({ limit: 2, offset: 2 }))).toEqual(order.slice(2, 4));
        expect(ids(await db.listDocuments({ limit: 2, offset: 4 }))).toEqual(order.slice(4));
        expect(ids(await db.listDocuments({ offset: 5 }))).toEqual([]);
        expect(await db.listDocuments({ batchId: 'no-such-batch' })).toEqual([]);
        (await db.listDocuments({})).forEach(expectNoNulls);
      });

      it('pages through documents created in the same instant without skipping or repeating', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        // Same filename everywhere: only the id can break ties between documents created in the same millisecond.
        await Promise.all(['1', '2', '3', '4', '5', '6', '7', '8'].map((c) => db.createDocument(newDoc(sha(c), b.id, { filename: 'scan.tif' }))));
        const all = (await db.listDocuments({ batchId: b.id })).map((d) => d.id);
        const paged: string[] = [];
        for (let off = 0; off < 8; off += 3) paged.push(...(await db.listDocuments({ batchId: b.id, limit: 3, offset: off })).map((d) => d.id));
        expect(paged).toEqual(all);
        expect(new Set(paged).size).toBe(8);
      });

      it('patches only the given fields and moves updatedAt', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const { document: created } = await db.createDocument(newDoc(sha('a'), b.id, { title: 'titolo', year: 2025 }));
        await sleep(5);
        await db.updateDocument(sha('a'), { status: 'failed', error: 'pagina illeggibile', failedStep: 'ocr' });
        const failed = await db.getDocument(sha('a'));
        expect(failed).toStrictEqual({
          ...created,
          status: 'failed',
          error: 'pagina illeggibile',
          failedStep: 'ocr',
          updatedAt: failed!.updatedAt,
        });
        expect(failed!.updatedAt).toMatch(ISO);
        expect(Date.parse(failed!.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

        await db.updateDocument(sha('a'), { pageCount: 4, archiveKey: 'archive/2026/aaaa', title: 'Nuovo titolo' });
        expect(await db.getDocument(sha('a'))).toMatchObject({
          status: 'failed',
          error: 'pagina illeggibile',
          pageCount: 4,
          archiveKey: 'archive/2026/aaaa',
          title: 'Nuovo titolo',
          year: 2025,
        });
      });

      it('clears a field patched to undefined (NULL), but never the status', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        await db.createDocument(newDoc(sha('a'), b.id));
        await db.updateDocument(sha('a'), { status: 'failed', error: 'boom', failedStep: 'ocr', title: 't', classification: { a: 1 } });
        await db.updateDocument(sha('a'), { status: undefined, error: undefined, failedStep: undefined, classification: undefined });
        const d = await db.getDocument(sha('a'));
        expect(d).toMatchObject({ status: 'failed', title: 't' });
        expect(d!.error).toBeUndefined();
        expect(d!.failedStep).toBeUndefined();
        expect(d!.classification).toBeUndefined();
        expectNoNulls(d!);
        await db.updateDocument(sha('a'), { classification: null });
        expect((await db.getDocument(sha('a')))!.classification).toBeUndefined();
      });

      it('leaves the document untouched on an empty patch, and ignores unknown ids', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const { document } = await db.createDocument(newDoc(sha('a'), b.id));
        await sleep(3);
        await db.updateDocument(sha('a'), {});
        expect(await db.getDocument(sha('a'))).toStrictEqual(document);
        await db.updateDocument(sha('f'), { status: 'archived' });
        expect(await db.getDocument(sha('f'))).toBeNull();
      });

      it('round-trips JSON classification values', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        await db.createDocument(newDoc(sha('a'), b.id));
        const values: unknown[] = [
          {
            titolario: { titolo: 'I', classe: 6, label: 'Organi di governo' },
            ufficio: 'Segreteria',
            confidence: 0.8125,
            entities: [{ type: 'data', value: '12/03/1998' }, { type: 'cf', value: null }],
            flags: { manual: false, reviewed: true },
            text: 'Città di Cefalù — «delibera» “n. 12” €',
            empty: {},
            list: [],
          },
          ['a', 1, true, null],
          'solo testo',
          42,
          false,
        ];
        for (const v of values) {
          await db.updateDocument(sha('a'), { classification: v });
          expect((await db.getDocument(sha('a')))!.classification).toStrictEqual(v);
        }
      });
    });

    describe('batch summary', () => {
      it('is null for an unknown batch, done for an empty one', async () => {
        expect(await db.batchSummary('no-such-batch')).toBeNull();
        const b = await db.createBatch({ label: 'vuoto', source: 'test' });
        expect(await db.batchSummary(b.id)).toStrictEqual({
          batch: b,
          items: 0,
          accepted: 0,
          duplicates: 0,
          rejected: 0,
          byStatus: {},
          done: true,
        });
      });

      it('counts items by outcome and documents by status; done when all accepted are archived or failed', async () => {
        const b = await db.createBatch({ label: 'lotto', source: 'test' });
        const other = await db.createBatch({ label: 'altro', source: 'test' });
        await db.createDocument(newDoc(sha('0'), other.id)); // another batch: not counted
        await db.addBatchItem({ batchId: other.id, filename: 'o', outcome: 'accepted', documentId: sha('0') });
        for (const c of ['a', 'b', 'c']) {
          await db.createDocument(newDoc(sha(c), b.id));
          await db.addBatchItem({ batchId: b.id, filename: c, outcome: 'accepted', documentId: sha(c), sha256: sha(c) });
        }
        await db.addBatchItem({ batchId: b.id, filename: 'dup1', outcome: 'duplicate', documentId: sha('0') });
        await db.addBatchItem({ batchId: b.id, filename: 'dup2', outcome: 'duplicate', documentId: sha('a') });
        await db.addBatchItem({ batchId: b.id, filename: 'bad', outcome: 'rejected', error: 'vuoto' });
        await db.updateDocument(sha('a'), { status: 'archived' });
        await db.updateDocument(sha('b'), { status: 'ocr' });

        let s = await db.batchSummary(b.id);
        expect(s).toStrictEqual({
          batch: b,
          items: 6,
          accepted: 3,
          duplicates: 2,
          rejected: 1,
          byStatus: { archived: 1, ocr: 1, received: 1 },
          done: false,
        });
        await db.updateDocument(sha('b'), { status: 'failed', error: 'x' });
        await db.updateDocument(sha('c'), { status: 'indexing' });
        s = await db.batchSummary(b.id);
        expect(s).toMatchObject({ byStatus: { archived: 1, failed: 1, indexing: 1 }, done: false });
        expect(Object.keys(s!.byStatus).sort()).toEqual(['archived', 'failed', 'indexing']);
        await db.updateDocument(sha('c'), { status: 'archived' });
        s = await db.batchSummary(b.id);
        expect(s).toMatchObject({ byStatus: { archived: 2, failed: 1 }, done: true });
        expect((await db.batchSummary(other.id))?.done).toBe(false); // its document is still 'received'
      });
    });

    describe('pages', () => {
      it('replaces the pages of a document, listed by page number', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        await db.createDocument(newDoc(sha('a'), b.id));
        await db.createDocument(newDoc(sha('b'), b.id));
        await db.replacePages(sha('b'), [page(sha('b'), 1)]);
        expect(await db.listPages(sha('a'))).toEqual([]);
        await db.replacePages(sha('a'), [page(sha('a'), 3), page(sha('a'), 1, { dpi: 299.5, confidence: 87.25 }), page(sha('a'), 2)]);
        expect(await db.listPages(sha('a'))).toStrictEqual([page(sha('a'), 1, { dpi: 299.5, confidence: 87.25 }), page(sha('a'), 2), page(sha('a'), 3)]);
        await db.replacePages(sha('a'), [page(sha('a'), 1, { chars: 7 })]);
        expect(await db.listPages(sha('a'))).toStrictEqual([page(sha('a'), 1, { chars: 7 })]);
        await db.replacePages(sha('a'), []);
        expect(await db.listPages(sha('a'))).toEqual([]);
        expect(await db.listPages(sha('b'))).toStrictEqual([page(sha('b'), 1)]); // untouched
      });

      it('replaces atomically: a failing replacement keeps the previous pages', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        await db.createDocument(newDoc(sha('a'), b.id));
        const before = [page(sha('a'), 1), page(sha('a'), 2)];
        await db.replacePages(sha('a'), before);
        // Page 2 twice violates the primary key half-way through the replacement.
        await expect(db.replacePages(sha('a'), [page(sha('a'), 1, { chars: 1 }), page(sha('a'), 2), page(sha('a'), 2)])).rejects.toThrow();
        expect(await db.listPages(sha('a'))).toStrictEqual(before);
      });

      it('refuses pages of an unknown document', async () => {
        await expect(db.replacePages(sha('f'), [page(sha('f'), 1)])).rejects.toThrow();
        expect(await db.listPages(sha('f'))).toEqual([]);
      });
    });

    describe('page quality', () => {
      const quality = (code: 'low-dpi' | 'blank' | null) => ({
        warnings: code
          ? [{ code, message: `avviso ${code}`, value: code === 'low-dpi' ? 150 : null, threshold: 200 }]
          : [],
        measures: {
          dpi: code === 'low-dpi' ? 150 : null,
          meanLuminance: 240.5,
          paperLevel: 245,
          inkCoverage: 0.02,
          inkedTileFraction: 0.3,
          skewDegrees: null,
          edgeInk: { top: 0, right: 0, bottom: 0, left: 0.5 },
        },
      });

      it("records quality before OCR, keeps it through the page replacement, and lists a batch's pages", async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        const other = await db.createBatch({ label: 'y', source: 'test' });
        await db.createDocument(newDoc(sha('a'), b.id));
        await db.createDocument(newDoc(sha('b'), other.id));
        const at = (n: number, q: ReturnType<typeof quality>) => ({
          page: n,
          widthPx: 1240,
          heightPx: 1754,
          dpi: 150,
          quality: q,
        });
        await db.savePageQuality(sha('a'), [at(1, quality('low-dpi')), at(2, quality(null))]);
        await db.savePageQuality(sha('b'), [at(1, quality('blank'))]);
        // Before OCR: rows with the geometry and no recognition yet.
        expect(await db.listPages(sha('a'))).toStrictEqual([
          page(sha('a'), 1, {
            widthPx: 1240,
            heightPx: 1754,
            dpi: 150,
            confidence: 0,
            chars: 0,
            quality: quality('low-dpi'),
          }),
          page(sha('a'), 2, {
            widthPx: 1240,
            heightPx: 1754,
            dpi: 150,
            confidence: 0,
            chars: 0,
            quality: quality(null),
          }),
        ]);
        // Saved again (a redelivered prepare job): replaced, not duplicated; an OCR'd row keeps its recognition.
        await db.replacePages(sha('a'), [page(sha('a'), 1, { quality: quality('low-dpi') }), page(sha('a'), 2)]);
        await db.savePageQuality(sha('a'), [at(2, quality('blank'))]);
        expect(await db.listPages(sha('a'))).toStrictEqual([
          page(sha('a'), 1, { quality: quality('low-dpi') }),
          page(sha('a'), 2, { quality: quality('blank') }),
        ]);
        expect(await db.listPageQuality({ batchId: b.id })).toStrictEqual([
          { documentId: sha('a'), page: 1, quality: quality('low-dpi') },
          { documentId: sha('a'), page: 2, quality: quality('blank') },
        ]);
        expect(await db.listPageQuality({ batchId: other.id })).toStrictEqual([
          { documentId: sha('b'), page: 1, quality: quality('blank') },
        ]);
        // A page replaced without quality (a text-layer page) is no longer listed.
        await db.replacePages(sha('a'), [page(sha('a'), 1)]);
        expect(await db.listPageQuality({ batchId: b.id })).toEqual([]);
      });

      it('lists only the documents the filter covers (Comune, scope)', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test', comune: 'A', restricted: true });
        await db.createDocument(newDoc(sha('a'), b.id));
        await db.savePageQuality(sha('a'), [
          { page: 1, widthPx: 10, heightPx: 10, dpi: 300, quality: quality('blank') },
        ]);
        expect(await db.listPageQuality({ batchId: b.id, comuni: ['A'] })).toHaveLength(1);
        expect(await db.listPageQuality({ batchId: b.id, comuni: ['B'] })).toEqual([]);
        expect(await db.listPageQuality({ batchId: b.id, scope: { full: ['B'] } })).toEqual([]);
        expect(await db.listPageQuality({ batchId: b.id, scope: { full: ['A'] } })).toHaveLength(1);
      });
    });

    describe('events', () => {
      it('lists events in insertion order (by id), filtered by document and/or batch', async () => {
        const b = await db.createBatch({ label: 'x', source: 'test' });
        await db.addEvent({ type: 'received', documentId: sha('a'), batchId: b.id, actor: 'system', detail: { filename: 'a.tif', size: 3 } });
        await db.addEvent({ type: 'rejected', batchId: b.id, actor: 'system', detail: { error: 'vuoto' } });
        await db.addEvent({ type: 'step.done', documentId: sha('a'), actor: 'system', at: '2001-01-01T00:00:00.000Z' }); // older `at`
        await db.addEvent({ type: 'received', documentId: sha('b'), batchId: 'other', actor: 'mario.rossi' });
        await db.addEvent({ type: 'archived', documentId: sha('a'), batchId: b.id, actor: 'system', detail: { archiveKey: 'archive/2026/a', nested: { list: [1, 'two', null], ok: true } } });

        const all = await db.listEvents({});
        expect(all.map((e) => e.type)).toEqual(['received', 'rejected', 'step.done', 'received', 'archived']);
        for (let i = 1; i < all.length; i++) expect(all[i]!.id).toBeGreaterThan(all[i - 1]!.id);
        all.forEach(expectNoNulls);
        for (const e of all) expect(e.at).toMatch(ISO);
        expect(all[0]).toStrictEqual({
          id: all[0]!.id,
          at: all[0]!.at,
          type: 'received',
          documentId: sha('a'),
          batchId: b.id,
          actor: 'system',
          detail: { filename: 'a.tif', size: 3 },
        });
        expect(all[1]).toMatchObject({ documentId: undefined, batchId: b.id });
        expect(all[2]).toMatchObject({ at: '2001-01-01T00:00:00.000Z', batchId: undefined, detail: undefined });
        expect(all[4]!.detail).toStrictEqual({ archiveKey: 'archive/2026/a', nested: { list: [1, 'two', null], ok: true } });

        const types = async (f: { documentId?: string; batchId?: string }) => (await db.listEvents(f)).map((e) => e.type);
        expect(await types({ documentId: sha('a') })).toEqual(['received', 'step.done', 'archived']);
        expect(await types({ batchId: b.id })).toEqual(['received', 'rejected', 'archived']);
        expect(await types({ documentId: sha('a'), batchId: b.id })).toEqual(['received', 'archived']);
        expect(await types({ documentId: sha('f') })).toEqual([]);
      });

      it('stamps events with the current time, and normalises a given time to ISO UTC', async () => {
        const t0 = Date.now();
        await db.addEvent({ type: 'a', actor: 'system' });
        await db.addEvent({ type: 'b', actor: 'system', at: '2026-03-01T10:00:00+01:00' });
        const [a, b] = await db.listEvents({});
        expect(a!.at).toMatch(ISO);
        expect(Math.abs(Date.parse(a!.at) - t0)).toBeLessThan(60_000);
        expect(b!.at).toBe('2026-03-01T09:00:00.000Z');
        await expect(db.addEvent({ type: 'c', actor: 'system', at: 'not a date' })).rejects.toThrow();
      });
    });

    describe('lifecycle', () => {
      it('keeps the data across close and reopen', async () => {
        const b = await db.createBatch({ label: 'persistente', source: 'test' });
        await db.createDocument(newDoc(sha('a'), b.id, { classification: { k: [1, 2] } }));
        await db.addBatchItem({ batchId: b.id, filename: 'a', outcome: 'accepted', documentId: sha('a') });
        await db.replacePages(sha('a'), [page(sha('a'), 1)]);
        await db.addEvent({ type: 'received', documentId: sha('a'), actor: 'system', detail: { x: 1 } });
        const doc = await db.getDocument(sha('a'));
        const events = await db.listEvents({});
        await db.close();
        await db.close(); // harmless
        await expect(db.getBatch(b.id)).rejects.toThrow(); // a closed store does not answer

        const again = await h.reopen();
        expect(await again.getBatch(b.id)).toStrictEqual(b);
        expect(await again.getDocument(sha('a'))).toStrictEqual(doc);
        expect(await again.listBatchItems(b.id)).toHaveLength(1);
        expect(await again.listPages(sha('a'))).toStrictEqual([page(sha('a'), 1)]);
        expect(await again.listEvents({})).toStrictEqual(events);
        expect((await again.createDocument(newDoc(sha('a'), b.id))).created).toBe(false);
        await again.addEvent({ type: 'after', actor: 'system' });
        const after = await again.listEvents({});
        expect(after.at(-1)!.id).toBeGreaterThan(events.at(-1)!.id);
      });
    });
  });
}
