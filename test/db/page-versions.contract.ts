// Page versions (rescanned pages): the behaviour every MetadataStore adapter must have. Called by each adapter's
// contract test file with its harness.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore } from '../../src/db/metadata-store.ts';
import type { NewPageVersion } from '../../src/db/page-versions.ts';
import { ISO, expectNoNulls, sha, type ContractStore } from './metadata.contract.ts';

const rescan = (documentId: string, page: number, extra: Partial<NewPageVersion> = {}): NewPageVersion => ({
  documentId,
  page,
  sha256: sha('e'),
  size: 4321,
  mediaType: 'image/png',
  filename: 'pagina-2.png',
  createdBy: 'mrossi',
  reason: 'pagina storta',
  ...extra,
});

export function pageVersionsContract(name: string, make: () => Promise<ContractStore>): void {
  describe(`MetadataStore contract, page versions: ${name}`, () => {
    let h: ContractStore;
    let db: MetadataStore;
    const doc = sha('d');
    beforeEach(async () => {
      h = await make();
      db = h.store;
      const b = await db.createBatch({ label: 'lotto', source: 'test' });
      await db.createDocument({
        id: doc,
        sha256: doc,
        batchId: b.id,
        filename: 'd.tif',
        mediaType: 'image/tiff',
        size: 1,
      });
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    it('numbers the rescans of a page from 2, each page on its own, pending until applied', async () => {
      const v2 = await db.addPageVersion(rescan(doc, 2));
      expect(v2).toMatchObject({
        documentId: doc,
        page: 2,
        version: 2,
        status: 'pending',
        createdBy: 'mrossi',
        reason: 'pagina storta',
      });
      expect(v2.createdAt).toMatch(ISO);
      expectNoNulls(v2);
      expect((await db.addPageVersion(rescan(doc, 2, { sha256: sha('f'), reason: undefined }))).version).toBe(3);
      expect((await db.addPageVersion(rescan(doc, 5))).version).toBe(2);
      expect(await db.getPageVersion(doc, 2, 2)).toStrictEqual(v2);
      expect(await db.getPageVersion(doc, 2, 9)).toBeNull();
      const page2 = await db.listPageVersions({ documentId: doc, page: 2 });
      expect(page2.map((v) => v.version)).toEqual([2, 3]);
      expect(page2[1]!.reason).toBeUndefined();
    });

    it('records the outcome of a version and lists by status', async () => {
      await db.addPageVersion(rescan(doc, 2));
      await db.addPageVersion(rescan(doc, 3));
      await db.updatePageVersion(doc, 2, 2, {
        status: 'applied',
        appliedAt: '2026-01-02T03:04:05.678+01:00',
        edition: 2,
      });
      await db.updatePageVersion(doc, 3, 2, { status: 'failed', error: 'immagine illeggibile' });
      expect(await db.getPageVersion(doc, 2, 2)).toMatchObject({
        status: 'applied',
        appliedAt: '2026-01-02T02:04:05.678Z',
        edition: 2,
      });
      expect(await db.getPageVersion(doc, 3, 2)).toMatchObject({ status: 'failed', error: 'immagine illeggibile' });
      expect((await db.listPageVersions({ status: 'applied' })).map((v) => v.page)).toEqual([2]);
      expect(await db.listPageVersions({ status: 'pending' })).toEqual([]);
      await db.updatePageVersion(doc, 3, 2, { status: 'pending', error: undefined });
      const back = await db.getPageVersion(doc, 3, 2);
      expect(back?.status).toBe('pending');
      expect(back?.error).toBeUndefined();
    });

    it('takes an explicit version once (rebuild) and refuses a version for an unknown document', async () => {
      const given = rescan(doc, 4, {
        version: 3,
        status: 'applied',
        createdAt: '2025-05-05T05:05:05.000Z',
        edition: 3,
      });
      const first = await db.addPageVersion(given);
      expect(first).toMatchObject({ version: 3, status: 'applied', createdAt: '2025-05-05T05:05:05.000Z', edition: 3 });
      expect(await db.addPageVersion({ ...given, reason: 'altro' })).toStrictEqual(first);
      expect((await db.addPageVersion(rescan(doc, 4))).version).toBe(4);
      await expect(db.addPageVersion(rescan(sha('9'), 1))).rejects.toThrow();
    });

    it('keeps the versions across a reopen', async () => {
      await db.addPageVersion(rescan(doc, 2));
      const again = await h.reopen();
      expect((await again.listPageVersions({ documentId: doc })).map((v) => [v.page, v.version])).toEqual([[2, 2]]);
    });
  });
}
