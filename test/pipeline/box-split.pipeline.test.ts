// Issue 12 acceptance through the real pipeline (real Redis, real stores, real OCR): a generated box scan — 3 practice
// separators, 2 document-type separators, 2 blank pages, bilevel 200 DPI with ±2° skew, CCITT G4 TIFF — uploaded as
// a box scan is split into one document per part, with the right pages (compared pixel by pixel), practices and
// types; separator pages are in no document; the box scan's own bytes stay stored and it ends 'split'.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../../src/db/metadata-store.ts';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { pdfPageImages } from '../../src/ocr/pdf-images.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';
import type { SplitPlan } from '../../src/scan/split-plan.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import { ACCEPTANCE_BOX, EXPECTED_SPLIT } from '../scan/acceptance-box.ts';
import { blankPage, boxTiff, contentPage, separatorPages, type BoxPage } from '../scan/box-scan.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { collectAttestation } from '../../src/conformity/attestation.ts';
import { attestationPdf } from '../../src/conformity/attestation.pdf.ts';
import type { VerificationReport } from '../../src/conformity/conformity-store.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { createSqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { auditFixity } from '../../src/store/fixity.ts';
import { manifestSchema, type Manifest } from '../../src/store/manifest.schema.ts';
import { exportPdvToFile } from '../../src/store/pdv-export.ts';
import { verifyPdv } from '../../src/store/pdv-verify.ts';
import { rebuildFromStore } from '../../src/store/rebuild.ts';
import { readPdv } from '../helpers/pdv-tar.ts';

const DPI = 200;

/** The acceptance box with every content page different (so each part's bytes, and each page, are its own). */
async function acceptanceBox(): Promise<BoxPage[]> {
  const seps = ACCEPTANCE_BOX.filter((x): x is SeparatorPayload => typeof x !== 'string');
  const scanned = [
    ...(await separatorPages(seps.slice(0, 3), DPI, { bilevel: true, skewDeg: 2, seed: 1 })),
    ...(await separatorPages(seps.slice(3), DPI, { bilevel: true, skewDeg: -2, seed: 2 })),
  ];
  const out: BoxPage[] = [];
  let s = 0;
  let b = 0;
  for (const [i, x] of ACCEPTANCE_BOX.entries()) {
    if (x === 'content') out.push(await contentPage(300 + i, DPI, { bilevel: true }));
    else if (x === 'blank') out.push(await blankPage(400 + i, DPI, { bilevel: true, specks: b++ ? 140 : 0 }));
    else out.push(scanned[s++]!);
  }
  return out;
}

/** Mean absolute difference of two grey rasters of the same size (Infinity when the sizes differ). */
function difference(a: { data: Uint8Array; width: number; height: number }, b: BoxPage): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

/** The page images of a PDF as grey rasters. */
async function pdfRasters(pdf: Buffer) {
  const out: Array<{ data: Uint8Array; width: number; height: number }> = [];
  for await (const p of pdfPageImages(pdf)) {
    if (p.kind !== 'image') throw new Error(`page ${p.pageNumber} has no image`);
    const { data, info } = await sharp(p.image.input).greyscale().raw().toBuffer({ resolveWithObject: true });
    out.push({ data, width: info.width, height: info.height });
  }
  return out;
}

describe('a box scan through the pipeline', () => {
  let world: World;
  let pages: BoxPage[];
  let tiff: Buffer;
  let boxId: string;
  let batchId: string;
  let parts: DocumentRecord[];

  beforeAll(async () => {
    world = await createWorld();
    pages = await acceptanceBox();
    tiff = await boxTiff(pages, true);
    const { db, ingest } = world.services;
    const batch = await db.createBatch({ label: 'scatola 12', source: 'test' });
    batchId = batch.id;
    const item = await ingest.ingest(batch.id, 'scatola-12.tif', Readable.from([tiff]), 0, {
      split: 'separators+blank',
    });
    expect(item.outcome).toBe('accepted');
    boxId = item.documentId!;
    const summary = await waitForBatch(db, batch.id, { timeoutMs: 400_000 });
    expect(summary.byStatus).toEqual({ split: 1, archived: 6 });
    parts = (await db.listDocuments({ batchId })).filter((d) => d.id !== boxId);
    parts.sort((a, b) => a.splitOrigin!.part - b.splitOrigin!.part);
  }, 600_000);
  afterAll(async () => {
    await world?.close();
  });

  it('keeps the box scan as an original, ends it "split" and stores its plan', async () => {
    const { db, store } = world.services;
    const box = await db.getDocument(boxId);
    expect(box).toMatchObject({ status: 'split', boxSplit: 'separators+blank', pageCount: 16 });
    const stored = await store.getBuffer(keys.original(boxId));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(boxId);
    expect(stored.equals(tiff)).toBe(true);
    const plan = JSON.parse((await store.getBuffer(keys.splitPlan(boxId))).toString()) as SplitPlan;
    expect(plan.parts.map((p) => p.pages)).toEqual(EXPECTED_SPLIT.map((p) => p.pages));
    expect(plan.parts.map((p) => p.documentId)).toEqual(parts.map((p) => p.id));
    expect(plan.summary.separatorPages).toEqual([1, 4, 7, 12, 13]);
    expect(plan.summary.blankPages).toEqual([9, 15]);
    const events = await db.listEvents({ documentId: boxId });
    expect(events.filter((e) => e.type === 'split.part')).toHaveLength(6);
    expect(events.find((e) => e.type === 'split')?.detail).toMatchObject({ parts: 6, pages: 16 });
    // The box scan is not OCR'd: no page images or text were made for it.
    const work: string[] = [];
    for await (const k of store.list(keys.work(boxId))) work.push(k);
    expect(work).toEqual([]);
  });

  it('makes one archived document per part, of the same batch and Comune, with its provenance', async () => {
    expect(parts).toHaveLength(6);
    const items = await world.services.db.listBatchItems(batchId);
    expect(items.filter((i) => i.outcome === 'accepted')).toHaveLength(7);
    for (const [i, p] of parts.entries()) {
      const want = EXPECTED_SPLIT[i]!;
      expect(p.status, p.error).toBe('archived');
      expect(p.filename).toBe(`scatola-12.parte-0${i + 1}.pdf`);
      expect(p.comune).toBe('C000');
      expect(p.pageCount).toBe(want.pages.length);
      expect(p.splitOrigin).toMatchObject({
        boxScan: boxId,
        part: i + 1,
        pages: want.pages,
        separatorPages: want.separatorPages,
        blankPages: want.blankPages,
      });
      expect(p.splitOrigin!.hints).toEqual({
        practiceKey: want.practice,
        comune: 'Siena',
        ...(i < 2 ? { proc: 'licenza_edilizia', box: 'Faldone 12' } : i >= 4 ? { proc: 'permesso_di_costruire' } : {}),
        ...(want.documentType ? { documentType: want.documentType } : {}),
      });
    }
  });

  it('puts exactly the content pages of each part in its PDF, and no separator or blank page in any', async () => {
    const { store } = world.services;
    const seen: number[] = [];
    for (const [i, p] of parts.entries()) {
      // The part's original, as archived in its package.
      const rasters = await pdfRasters(await store.getBuffer(`${p.archiveKey}/${PACKAGE_FILES.original('pdf')}`));
      expect(rasters).toHaveLength(EXPECTED_SPLIT[i]!.pages.length);
      for (const [j, r] of rasters.entries()) {
        // The closest page of the box is the expected one, and it is the same image (lossless copy).
        const diffs = pages.map((bp) => difference(r, bp));
        const best = diffs.indexOf(Math.min(...diffs)) + 1;
        expect(best).toBe(EXPECTED_SPLIT[i]!.pages[j]);
        expect(diffs[best - 1]).toBeLessThan(1);
        seen.push(best);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual([2, 3, 5, 6, 8, 10, 11, 14, 16]);
  });

  it("takes each part's type from its document-type separator and links it to its separator's practice", async () => {
    const { db } = world.services;
    for (const [i, p] of parts.entries()) {
      const want = EXPECTED_SPLIT[i]!;
      const meta = p.classification as { documentType: string; confidence: number; practice?: { key: string } };
      expect(meta.practice?.key).toBe(want.practice);
      if (want.documentType) expect(meta).toMatchObject({ documentType: want.documentType, confidence: 1 });
      const member = await db.practiceMember(p.id);
      const practice = await db.getPractice(member!.practiceId);
      expect(practice).toMatchObject({ key: want.practice, comune: 'C000' });
      expect(member).toMatchObject({ confidence: 1, reason: `foglio separatore (pratica ${want.practice})` });
    }
    // Three practices, one per practice separator.
    expect(new Set(parts.map((p) => p.splitOrigin!.hints.practiceKey)).size).toBe(3);
  });

  const manifestOf = async (p: DocumentRecord): Promise<Manifest> =>
    JSON.parse((await world.services.store.getBuffer(`${p.archiveKey}/${PACKAGE_FILES.manifest}`)).toString());

  it("writes each part's provenance in its archive package manifest", async () => {
    const box = (await world.services.db.getDocument(boxId))!;
    for (const [i, p] of parts.entries()) {
      const want = EXPECTED_SPLIT[i]!;
      const manifest = await manifestOf(p);
      expect(() => manifestSchema.parse(manifest)).not.toThrow();
      expect(manifest.provenienza).toEqual({
        scansioneDiScatola: {
          impronta: boxId,
          nomeOriginale: 'scatola-12.tif',
          formato: 'image/tiff',
          dimensione: tiff.length,
          dataAcquisizione: box.createdAt,
          modalitaSuddivisione: 'separators+blank',
          chiaveOriginale: keys.original(boxId),
          chiavePiano: keys.splitPlan(boxId),
        },
        parte: i + 1,
        pagineDellaScatola: want.pages,
        pagineSeparatore: want.separatorPages,
        pagineBianche: want.blankPages,
        separatore: {
          pratica: want.practice,
          comune: 'Siena',
          ...(i < 2 ? { procedimento: 'licenza_edilizia', scatola: 'Faldone 12' } : {}),
          ...(i >= 4 ? { procedimento: 'permesso_di_costruire' } : {}),
          ...(want.documentType ? { tipologiaDocumentale: want.documentType } : {}),
        },
        avvisi: p.splitOrigin!.warnings,
      });
    }
  });

  it("audits the box scan's original and split plan with the packages, and finds them altered or missing", async () => {
    const { store, db } = world.services;
    const clean = await auditFixity({ store, db });
    expect(clean).toMatchObject({ ok: true, packages: 6, boxScans: 1, files: 6 * 3 + 2, problems: [] });
    // Store alone (no database): the parts' manifests cite the box scan.
    expect(await auditFixity({ store })).toMatchObject({ ok: true, boxScans: 1, files: 6 * 3 + 2 });

    const planBytes = await store.getBuffer(keys.splitPlan(boxId));
    const tampered = Buffer.from(tiff);
    tampered.writeUInt8(tampered[tampered.length - 1]! ^ 0xff, tampered.length - 1);
    await store.put(keys.original(boxId), tampered);
    const plan = JSON.parse(planBytes.toString()) as SplitPlan;
    [plan.parts[0]!.documentId, plan.parts[1]!.documentId] = [plan.parts[1]!.documentId, plan.parts[0]!.documentId];
    await store.put(keys.splitPlan(boxId), Buffer.from(JSON.stringify(plan)));
    try {
      const report = await auditFixity({ store, db });
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => [p.kind, p.key])).toEqual([
        ['altered', keys.original(boxId)],
        ['altered', keys.splitPlan(boxId)],
        ['altered', keys.splitPlan(boxId)],
      ]);
      await store.delete(keys.original(boxId));
      await store.put(keys.splitPlan(boxId), Buffer.from('{ not json'));
      const gone = await auditFixity({ store, db });
      expect(gone.problems.map((p) => [p.kind, p.key])).toEqual([
        ['missing', keys.original(boxId)],
        ['unreadable-plan', keys.splitPlan(boxId)],
      ]);
    } finally {
      await store.put(keys.original(boxId), tiff);
      await store.put(keys.splitPlan(boxId), planBytes);
    }
    expect((await auditFixity({ store, db })).ok).toBe(true);
  });

  it('rebuilds the parts with their provenance and the box scan, split and with its event log, from the store alone', async () => {
    const { db, store, config } = world.services;
    const dbPath = config.db.path + '.rebuilt';
    const searchPath = config.search.path + '.rebuilt';
    const freshDb = new SqliteMetadataStore(dbPath);
    const freshSearch = createSqliteSearchIndex({ path: searchPath });
    try {
      const report = await rebuildFromStore({ store, db: freshDb, search: freshSearch });
      expect(report).toMatchObject({ packages: 6, documents: 6, boxScans: 1, problems: [] });
      const box = (await db.getDocument(boxId))!;
      expect(await freshDb.getDocument(boxId)).toMatchObject({
        id: boxId,
        sha256: boxId,
        batchId,
        filename: 'scatola-12.tif',
        mediaType: box.mediaType,
        size: tiff.length,
        createdAt: box.createdAt,
        comune: box.comune,
        restricted: box.restricted,
        status: 'split',
        boxSplit: 'separators+blank',
        pageCount: 16,
      });
      for (const p of parts) expect((await freshDb.getDocument(p.id))?.splitOrigin).toEqual(p.splitOrigin);
      expect((await freshDb.batchSummary(batchId))?.byStatus).toEqual({ split: 1, archived: 6 });
      // The box scan's own event log comes back from its copy beside the plan, as it was.
      const eventsOf = async (from: typeof db) =>
        (await from.listEvents({ documentId: boxId })).map((e) => [e.at, e.type, e.actor, e.batchId, e.detail ?? null]);
      const liveEvents = await eventsOf(db);
      expect(liveEvents.map((e) => e[1])).toEqual(expect.arrayContaining(['received', 'split.part', 'split']));
      expect(liveEvents.filter((e) => e[1] === 'split.part')).toHaveLength(6);
      expect(await eventsOf(freshDb)).toEqual(liveEvents);
      // Again: refreshed, nothing duplicated.
      expect(await rebuildFromStore({ store, db: freshDb, search: freshSearch })).toMatchObject({
        documents: 0,
        boxScans: 0,
      });
      expect(await freshDb.countDocuments({ batchId })).toBe(7);
      expect(await eventsOf(freshDb)).toEqual(liveEvents);
    } finally {
      await freshSearch.close();
      await freshDb.close();
      await rm(dbPath, { force: true });
      await rm(searchPath, { force: true });
    }
  });

  it('exports in a PdV the box scan the parts come from, its original and plan with their SHA-256', async () => {
    const { db, store, config } = world.services;
    const out = path.join(config.dataDir, 'pdv-scatola.tar');
    await exportPdvToFile({ db, store }, out, { selection: {}, id: 'pdv-scatola' });
    expect((await verifyPdv(out)).ok).toBe(true);
    const pdv = await readPdv(out);
    const planBytes = await store.getBuffer(keys.splitPlan(boxId));
    const folder = `scansioni-di-scatola/${boxId}`;
    expect(pdv.files.get(`${folder}/originale.tif`)!.equals(tiff)).toBe(true);
    expect(pdv.files.get(`${folder}/plan.json`)!.equals(planBytes)).toBe(true);
    const planSha = createHash('sha256').update(planBytes).digest('hex');
    const group = pdv.index.groups.find((g) => g.files.some((f) => f.path.startsWith(`${folder}/`)));
    expect(group?.documentId).toBeUndefined();
    expect(group?.files).toEqual([
      expect.objectContaining({ path: `${folder}/originale.tif`, sha256: boxId, size: tiff.length }),
      expect.objectContaining({ path: `${folder}/plan.json`, sha256: planSha, size: planBytes.length }),
    ]);
    expect(pdv.summary.related).toEqual([
      {
        kind: 'scansione-di-scatola',
        id: boxId,
        files: [
          expect.objectContaining({
            path: `${folder}/originale.tif`,
            sha256: boxId,
            role: 'originale-scansione-di-scatola',
          }),
          expect.objectContaining({ path: `${folder}/plan.json`, sha256: planSha, role: 'piano-di-suddivisione' }),
        ],
      },
    ]);
    // Once, though six parts cite it; and an altered original is not exported.
    expect([...pdv.files.keys()].filter((k) => k.startsWith('scansioni-di-scatola/'))).toHaveLength(2);
    const tampered = Buffer.from(tiff);
    tampered.writeUInt8(tampered[100]! ^ 0xff, 100);
    await store.put(keys.original(boxId), tampered);
    try {
      await expect(exportPdvToFile({ db, store }, out + '.2', { selection: {}, id: 'pdv-scatola-2' })).rejects.toThrow(
        keys.original(boxId),
      );
    } finally {
      await store.put(keys.original(boxId), tiff);
    }
  });

  it("lists the box scan in the batch's attestation of conformity, its original and plan hashed from the store", async () => {
    const { db, store } = world.services;
    const batch = (await db.getBatch(batchId))!;
    const report = {
      checkedBy: { id: 'u1', username: 'ufficiale' },
      closedAt: '2026-11-26T08:00:00.000Z',
      sampleSize: 1,
      pagesChecked: 1,
      population: 9,
      documents: 6,
      conformi: 1,
      nonConformi: 0,
      problems: [],
      outcome: 'conforme',
    } as VerificationReport;
    const input = {
      batch,
      comuneName: 'Siena',
      verification: { id: 'v1', report, verbale: { chiave: 'conformity/x/verifica-v1.json', sha256: '0'.repeat(64) } },
    };
    const data = await collectAttestation({ db, store }, input);
    const planBytes = await store.getBuffer(keys.splitPlan(boxId));
    expect(data.problemi).toEqual([]);
    expect(data.documenti).toHaveLength(6);
    expect(data.scansioniDiScatola).toEqual([
      {
        documentId: boxId,
        filename: 'scatola-12.tif',
        pages: 16,
        mode: 'separators+blank',
        files: [
          {
            name: 'scatola-12.tif',
            key: keys.original(boxId),
            role: 'originale-scansione-di-scatola',
            size: tiff.length,
            sha256: boxId,
          },
          {
            name: 'plan.json',
            key: keys.splitPlan(boxId),
            role: 'piano-di-suddivisione',
            size: planBytes.length,
            sha256: createHash('sha256').update(planBytes).digest('hex'),
          },
        ],
        parts: parts.map((p, i) => ({
          part: i + 1,
          documentId: p.id,
          filename: p.filename,
          pages: EXPECTED_SPLIT[i]!.pages,
        })),
      },
    ]);
    expect(data.totali).toMatchObject({ documenti: 6, scansioniDiScatola: 1, file: 6 * 4 + 2 });
    const text = (await extractPdfText(await attestationPdf(data))).join('\n');
    expect(text).toContain('Scansioni di scatola');
    expect(text).toContain('S1. scatola-12.tif');
    expect(text).toContain(boxId);
    expect(text).toContain('parte 6:');

    // Hashed from the stored bytes: an altered box scan is a problem, and no attestation is issued over it.
    const tampered = Buffer.from(tiff);
    tampered.writeUInt8(tampered[100]! ^ 0xff, 100);
    await store.put(keys.original(boxId), tampered);
    try {
      const bad = await collectAttestation({ db, store }, input);
      expect(bad.problemi.map((p) => [p.kind, p.key])).toEqual([['altered', keys.original(boxId)]]);
      expect(bad.scansioniDiScatola[0]!.files[0]!.sha256).not.toBe(boxId);
    } finally {
      await store.put(keys.original(boxId), tiff);
    }
  });

  it('a redelivered split re-creates nothing', async () => {
    const { db } = world.services;
    const before = {
      docs: await db.countDocuments({ batchId }),
      items: (await db.listBatchItems(batchId)).length,
      events: (await db.listEvents({ batchId })).length,
    };
    // The status guard skips a redelivered step once the box scan is 'split'; run the split itself again too.
    await db.updateDocument(boxId, { status: 'preparing' });
    const { splitBoxScanJob } = await import('../../src/ingest/box-scan.job.ts');
    const res = await splitBoxScanJob(
      { ...world.services, log: world.services.logger, jobId: 'again', attempt: 2 },
      { documentId: boxId, batchId },
      (await db.getDocument(boxId))!,
    );
    expect(res).toEqual({ pageCount: 16, parts: 6 });
    expect(await db.countDocuments({ batchId })).toBe(before.docs);
    expect((await db.listBatchItems(batchId)).length).toBe(before.items);
    expect((await db.listEvents({ batchId })).length).toBe(before.events);
    for (const p of parts) expect((await db.getDocument(p.id))?.status).toBe('archived');
    expect((await db.getDocument(boxId))?.status).toBe('split');
  });
});
