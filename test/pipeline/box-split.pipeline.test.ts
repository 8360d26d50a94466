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
