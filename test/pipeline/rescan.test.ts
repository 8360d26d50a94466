// Issue 12 acceptance: a rescanned page replaces its predecessor while the old one stays in history. Real pipeline
// (Redis queues, tesseract, SQLite, filesystem and S3 (s3rver) stores, embedded search index), real HTTP, PDFs read back with pdf.js.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { createSqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { rescanPageJob } from '../../src/rescan/rescan-page.job.ts';
import { RescanRunner } from '../../src/rescan/rescan.runner.ts';
import { auditFixity } from '../../src/store/fixity.ts';
import { sha256 } from '../../src/store/hash.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import type { Manifest } from '../../src/store/manifest.ts';
import { exportPdvToFile } from '../../src/store/pdv-export.ts';
import { verifyPdv } from '../../src/store/pdv-verify.ts';
import { rebuildFromStore } from '../../src/store/rebuild.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { validateManifestJson } from '../helpers/manifest-validator.ts';
import { createWorld, uploadAndWait, type StoreKind, type World } from '../helpers/pipeline-world.ts';
import { smallTextPage, tiffOf } from '../helpers/rescan-scans.ts';

const A = 'E730'; // Lugo
const B = 'A547'; // Bagnacavallo
let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let staffA: BearerCaller;
let staffB: BearerCaller;
let docId: string;
let pdfBefore: Buffer;
let rescanPng: Buffer;

const render = smallTextPage;

async function call(
  caller: BearerCaller | { headers: Record<string, string> },
  method: string,
  url: string,
  body?: FormData,
) {
  const res = await fetch(`${api.url}${url}`, { method, headers: caller.headers, ...(body ? { body } : {}) });
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()),
  };
}

function rescanForm(name: string, data: Buffer, reason?: string): FormData {
  const form = new FormData();
  if (reason) form.append('reason', reason);
  form.append('file', new Blob([new Uint8Array(data)]), name);
  return form;
}

async function waitForVersion(page: number, version: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await world.services.db.getPageVersion(docId, page, version);
    if (v && v.status !== 'pending') return v;
    if (Date.now() > deadline) throw new Error(`version ${version} of page ${page} still pending`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const squash = (s: string) => s.replace(/\s+/g, ' ').toUpperCase();
const manifestOf = async () => {
  const doc = await world.services.db.getDocument(docId);
  return JSON.parse(
    (await world.services.store.getBuffer(`${doc!.archiveKey}/${PACKAGE_FILES.manifest}`)).toString(),
  ) as Manifest;
};

describe.each<StoreKind>(['fs', 's3'])('on the %s store', (storeKind) => {
  beforeAll(async () => {
    world = await createWorld(
      {
        union: {
          name: 'Unione di prova',
          comuni: [
            { code: A, name: 'Lugo' },
            { code: B, name: 'Bagnacavallo' },
          ],
        },
      },
      { store: storeKind },
    );
    api = await startApi(world.services);
    staffA = await bearerUser(world.services, 'archivist', { comune: A });
    staffB = await bearerUser(world.services, 'archivist', { comune: B });
    const tiff = await tiffOf([
      await render('Comune di Lugo pratica edilizia\nRELAZIONE TECNICA pagina uno'),
      await render('Seconda pagina della relazione\nTESTO VECCHIO sbiadito'),
    ]);
    const upload = await uploadAndWait(
      world,
      api.url,
      staffA,
      { name: 'relazione.tif', data: tiff },
      { query: { comune: A }, timeoutMs: 120_000 },
    );
    docId = upload.documentId;
    expect(upload.document?.status).toBe('archived');
    pdfBefore = (await call(staffA, 'GET', `/api/documents/${docId}/pdf`)).body as Buffer;
    rescanPng = await render('Seconda pagina della relazione\nTESTO NUOVO leggibile');
  }, 180_000);

  afterAll(async () => {
    await api?.app.close();
    await world?.close();
  });

  describe('a rescanned page', () => {
    it('is refused to staff of another Comune and to a professional, and when it is not one page of an image', async () => {
      const form = () => rescanForm('p2.png', rescanPng);
      expect((await call(staffB, 'POST', `/api/documents/${docId}/pages/2/rescan`, form())).status).toBe(403);
      const pro = await bearerUser(world.services, 'professional');
      expect((await call(pro, 'POST', `/api/documents/${docId}/pages/2/rescan`, form())).status).toBe(403);
      expect((await call(staffA, 'POST', `/api/documents/${'0'.repeat(64)}/pages/2/rescan`, form())).status).toBe(404);
      expect((await call(staffA, 'POST', `/api/documents/${docId}/pages/3/rescan`, form())).status).toBe(404);
      const twoPages = await tiffOf([rescanPng, rescanPng]);
      const bad = await call(staffA, 'POST', `/api/documents/${docId}/pages/2/rescan`, rescanForm('due.tif', twoPages));
      expect(bad).toMatchObject({ status: 422, body: { error: { code: 'NOT_ONE_PAGE' } } });
      const text = await call(
        staffA,
        'POST',
        `/api/documents/${docId}/pages/2/rescan`,
        rescanForm('nota.txt', Buffer.from('ciao')),
      );
      expect(text).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_TYPE' } } });
      expect(await world.services.db.listPageVersions({ documentId: docId })).toEqual([]);
    });

    it('replaces page 2 through the queue: search finds the new text and not the old one', async () => {
      const res = await call(
        staffA,
        'POST',
        `/api/documents/${docId}/pages/2/rescan`,
        rescanForm('pagina-2.png', rescanPng, 'pagina sbiadita'),
      );
      expect(res.status).toBe(202);
      expect(res.body.version).toMatchObject({ page: 2, version: 2, status: 'pending', sha256: sha256(rescanPng) });
      const v = await waitForVersion(2, 2);
      expect(v).toMatchObject({ status: 'applied', edition: 2 });
      const search = async (q: string) =>
        (await call(staffA, 'GET', `/api/search?q=${q}`)).body.hits as Array<{ documentId: string; page: number }>;
      expect(await search('nuovo')).toEqual([expect.objectContaining({ documentId: docId, page: 2 })]);
      expect((await search('vecchio')).filter((h) => h.documentId === docId)).toEqual([]);
      expect(await search('lugo')).toEqual([expect.objectContaining({ documentId: docId, page: 1 })]);
    });

    it('is in the searchable PDF in place of the old page, the other page unchanged', async () => {
      const after = (await call(staffA, 'GET', `/api/documents/${docId}/pdf`)).body as Buffer;
      const [before1, before2] = await extractPdfText(new Uint8Array(pdfBefore));
      const pages = await extractPdfText(new Uint8Array(after));
      expect(pages).toHaveLength(2);
      expect(squash(before2!)).toContain('VECCHIO');
      expect(squash(pages[1]!)).toContain('TESTO NUOVO');
      expect(squash(pages[1]!)).not.toContain('VECCHIO');
      expect(squash(pages[0]!)).toBe(squash(before1!));
      const text = (await call(staffA, 'GET', `/api/documents/${docId}/text`)).body;
      expect(text.pdfa).toMatchObject({ conformant: true, level: 'PDF/A-2b' });
      expect(squash(text.pages[1].text)).toContain('TESTO NUOVO');
      // The new scan went through page quality control like any scanned page, and its row carries the result.
      expect(text.pages[1].quality).toMatchObject({ warnings: expect.any(Array) });
      const rows = (await world.services.db.listPageQuality({})).filter((p) => p.documentId === docId);
      expect(rows.find((p) => p.page === 2)?.quality).toEqual(text.pages[1].quality);
    });

    it('keeps the first original, the rescan and the previous edition in the package with their SHA-256', async () => {
      const { store, db } = world.services;
      const doc = (await db.getDocument(docId))!;
      const at = (n: string) => `${doc.archiveKey}/${n}`;
      expect(sha256(await store.getBuffer(at('original.tif')))).toBe(docId);
      expect(sha256(await store.getBuffer(at('rescan-page-0002-v2.png')))).toBe(sha256(rescanPng));
      expect(sha256(await store.getBuffer(at('document.v1.pdf')))).toBe(sha256(pdfBefore));
      expect(await store.head(keys.rescanInbox(docId, 2, 2))).toBeNull();
      const manifest = await manifestOf();
      expect(validateManifestJson(manifest), JSON.stringify(validateManifestJson.errors)).toBe(true);
      for (const f of manifest.files) expect(sha256(await store.getBuffer(at(f.name))), f.name).toBe(f.sha256);
      expect(Object.fromEntries(manifest.files.map((f) => [f.name, f.role]))).toEqual({
        'original.tif': 'originale',
        'document.pdf': 'copia-per-immagine-ricercabile',
        'text.json': 'testo-ocr',
        'document.v1.pdf': 'copia-per-immagine-ricercabile-precedente',
        'text.v1.json': 'testo-ocr-precedente',
        'rescan-page-0002-v2.png': 'scansione-sostitutiva-pagina',
      });
      expect(manifest.edizione).toBe(2);
      expect(manifest.versioniPagine).toEqual([
        {
          pagina: 2,
          versioni: [
            expect.objectContaining({
              versione: 1,
              impronta: docId,
              file: 'original.tif',
              paginaDelFile: 2,
              edizione: 1,
            }),
            expect.objectContaining({
              versione: 2,
              impronta: sha256(rescanPng),
              file: 'rescan-page-0002-v2.png',
              soggetto: staffA.user.username,
              motivo: 'pagina sbiadita',
              edizione: 2,
            }),
          ],
        },
      ]);
      expect(manifest.tracciatureModifiche).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ tipo: 'page-rescan-requested', soggetto: staffA.user.username }),
          expect.objectContaining({
            tipo: 'page-rescanned',
            dettaglio: expect.objectContaining({ page: 2, version: 2, reason: 'pagina sbiadita' }),
          }),
        ]),
      );
    });

    it('lists v1 and v2 with who and why, and serves each version’s image as received', async () => {
      const res = await call(staffA, 'GET', `/api/documents/${docId}/pages/2/versions`);
      expect(res.status).toBe(200);
      expect(res.body.versions).toEqual([
        expect.objectContaining({ version: 1, sha256: docId, current: false, status: 'applied' }),
        expect.objectContaining({
          version: 2,
          sha256: sha256(rescanPng),
          by: staffA.user.username,
          reason: 'pagina sbiadita',
          current: true,
        }),
      ]);
      const v2 = await call(staffA, 'GET', `/api/documents/${docId}/pages/2/versions/2/image`);
      expect(v2.type).toBe('image/png');
      expect(sha256(v2.body as Buffer)).toBe(sha256(rescanPng));
      const v1 = await call(staffA, 'GET', `/api/documents/${docId}/pages/2/versions/1/image`);
      expect(v1.type).toBe('image/png');
      const meta = await sharp(v1.body as Buffer).metadata();
      expect([meta.width, meta.height]).toEqual([
        (await sharp(rescanPng).metadata()).width,
        (await sharp(rescanPng).metadata()).height,
      ]);
      expect((await call(staffA, 'GET', `/api/documents/${docId}/pages/2/versions/3/image`)).status).toBe(404);
      const other = await bearerUser(world.services, 'archivist', { comune: B });
      expect((await call(other, 'GET', `/api/documents/${docId}/pages/2/versions`)).status).toBe(200); // shared document
    });

    it('passes the fixity audit, exports and verifies as a PdV, and rebuilds with its versions', async () => {
      const report = await auditFixity(world.services);
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      const out = path.join(world.dataDir, 'pdv.tar');
      await exportPdvToFile(world.services, out, { selection: {}, id: `pdv-rescan-${storeKind}` });
      expect(await verifyPdv(out)).toMatchObject({ ok: true, problems: [] });

      const db = new SqliteMetadataStore(path.join(world.dataDir, 'rebuilt.db'));
      const search = createSqliteSearchIndex({ path: path.join(world.dataDir, 'rebuilt-search.db') });
      try {
        const rebuilt = await rebuildFromStore({ store: world.services.store, db, search });
        expect(rebuilt.problems).toEqual([]);
        expect(await db.listPageVersions({ documentId: docId })).toEqual([
          expect.objectContaining({
            page: 2,
            version: 2,
            status: 'applied',
            sha256: sha256(rescanPng),
            createdBy: staffA.user.username,
            reason: 'pagina sbiadita',
            edition: 2,
          }),
        ]);
        expect((await search.search({ q: 'nuovo' })).hits).toEqual([
          expect.objectContaining({ documentId: docId, page: 2 }),
        ]);
        expect((await search.search({ q: 'vecchio' })).hits).toEqual([]);
      } finally {
        await search.close();
        await db.close();
      }
    });

    it('gives the same package when the job runs again for the same version (crash after writing, before applied)', async () => {
      const { db, store } = world.services;
      const before = await manifestOf();
      // As if the worker died after the package was written: the version is still pending, the inbox copy still there.
      await db.updatePageVersion(docId, 2, 2, { status: 'pending', appliedAt: undefined, edition: undefined });
      await store.put(keys.rescanInbox(docId, 2, 2), rescanPng);
      const doc = (await db.getDocument(docId))!;
      const result = await rescanPageJob(
        { ...world.services, log: world.services.logger, jobId: 'again', attempt: 2 },
        { documentId: docId, batchId: doc.batchId, page: 2, version: 2 },
      );
      expect(result.edition).toBe(2);
      const after = await manifestOf();
      // Same files; the edition it replaced, the original and the rescan byte for byte (OCR timings make the new
      // text.json, and so the new edition, differ in their bytes).
      expect(after.files.map((f) => f.name)).toEqual(before.files.map((f) => f.name));
      const kept = (m: Manifest) =>
        m.files.filter((f) => !['document.pdf', 'text.json'].includes(f.name)).map((f) => f.sha256);
      expect(kept(after)).toEqual(kept(before));
      expect(after.edizione).toBe(2);
      expect(after.tracciatureModifiche.filter((e) => e.tipo === 'page-rescanned')).toHaveLength(1);
      expect((await auditFixity(world.services)).problems).toEqual([]);
    }, 60_000);
    it('fails alone on an unreadable image: the version says why, the document and its package stay as they were', async () => {
      const broken = Buffer.concat([rescanPng.subarray(0, 64), Buffer.alloc(2000, 7)]);
      const pdf = (await call(staffA, 'GET', `/api/documents/${docId}/pdf`)).body as Buffer;
      const res = await call(staffA, 'POST', `/api/documents/${docId}/pages/1/rescan`, rescanForm('rotta.png', broken));
      expect(res.status).toBe(202);
      const v = await waitForVersion(1, 2);
      expect(v.status).toBe('failed');
      expect(v.error).toMatch(/rescan/i);
      expect((await world.services.db.getDocument(docId))?.status).toBe('archived');
      expect(sha256((await call(staffA, 'GET', `/api/documents/${docId}/pdf`)).body as Buffer)).toBe(sha256(pdf));
      // The bytes received are kept (never lost), outside the package.
      expect(sha256(await world.services.store.getBuffer(keys.rescanInbox(docId, 1, 2)))).toBe(sha256(broken));
      const history = (await call(staffA, 'GET', `/api/documents/${docId}/pages/1/versions`)).body.versions;
      expect(history).toEqual([
        expect.objectContaining({ version: 1, current: true }),
        expect.objectContaining({ version: 2, status: 'failed', current: false }),
      ]);
      expect((await auditFixity(world.services)).problems).toEqual([]);
    }, 60_000);

    it('is picked up when the workers start if its process died before enqueuing it, and makes edition 3', async () => {
      const { db, store } = world.services;
      const page1 = await render('Comune di Lugo pratica edilizia\nPRIMA PAGINA RIFATTA');
      const v = await db.addPageVersion({
        documentId: docId,
        page: 1,
        sha256: sha256(page1),
        size: page1.length,
        mediaType: 'image/png',
        filename: 'p1.png',
        createdBy: staffA.user.username,
      });
      await store.put(keys.rescanInbox(docId, 1, v.version), page1);
      const runner = new RescanRunner(world.services);
      try {
        expect(await runner.resumePending()).toBe(1);
        expect(await waitForVersion(1, v.version)).toMatchObject({ status: 'applied', edition: 3 });
      } finally {
        await runner.close();
      }
      const pages = await extractPdfText(
        new Uint8Array((await call(staffA, 'GET', `/api/documents/${docId}/pdf`)).body as Buffer),
      );
      expect(squash(pages[0]!)).toContain('RIFATTA');
      expect(squash(pages[1]!)).toContain('TESTO NUOVO');
      const manifest = await manifestOf();
      expect(manifest.edizione).toBe(3);
      expect(manifest.files.map((f) => f.name)).toEqual(
        expect.arrayContaining(['document.v1.pdf', 'document.v2.pdf', 'rescan-page-0001-v3.png']),
      );
      expect(manifest.versioniPagine?.map((p) => [p.pagina, p.versioni.map((x) => x.versione)])).toEqual([
        [1, [1, 3]],
        [2, [1, 2]],
      ]);
      expect(validateManifestJson(manifest), JSON.stringify(validateManifestJson.errors)).toBe(true);
      expect((await auditFixity(world.services)).problems).toEqual([]);
    }, 60_000);
    it('applies two rescans sent together one after the other, each edition built on the one before', async () => {
      const p1 = await render('Comune di Lugo pratica edilizia\nPRIMA PAGINA TERZA');
      const p2 = await render('Seconda pagina della relazione\nSECONDA PAGINA QUARTA');
      const [r1, r2] = await Promise.all([
        call(staffA, 'POST', `/api/documents/${docId}/pages/1/rescan`, rescanForm('p1.png', p1)),
        call(staffA, 'POST', `/api/documents/${docId}/pages/2/rescan`, rescanForm('p2.png', p2)),
      ]);
      expect([r1.status, r2.status]).toEqual([202, 202]);
      const a = await waitForVersion(1, r1.body.version.version);
      const b = await waitForVersion(2, r2.body.version.version);
      expect([a.status, b.status]).toEqual(['applied', 'applied']);
      expect([a.edition, b.edition].sort()).toEqual([4, 5]);
      const pages = await extractPdfText(
        new Uint8Array((await call(staffA, 'GET', `/api/documents/${docId}/pdf`)).body as Buffer),
      );
      expect(squash(pages[0]!)).toContain('TERZA');
      expect(squash(pages[1]!)).toContain('QUARTA');
      const manifest = await manifestOf();
      expect(manifest.edizione).toBe(5);
      expect(manifest.files.map((f) => f.name)).toEqual(expect.arrayContaining(['document.v3.pdf', 'document.v4.pdf']));
      expect((await auditFixity(world.services)).problems).toEqual([]);
    }, 90_000);
  });
});
