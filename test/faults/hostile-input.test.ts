// Nothing let in: broken and hostile files each fail alone with a reason for people, their originals kept in
// quarantine, while the rest of the batch completes and the worker stays up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import { sha256 } from '../../src/store/hash.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { fixture } from '../helpers/fixtures.ts';
import { smallPng } from '../helpers/small-scans.ts';
import { encryptedPdf, manyPagesPdf, pdfWithScriptAndAttachment, pixelBombPng } from '../helpers/hostile-files.ts';

let world: World;
let batchId: string;
const files = new Map<string, Buffer>();
const outcome = new Map<string, { documentId?: string; outcome: string }>();

beforeAll(async () => {
  world = await createWorld({ limits: { maxPages: 2000, maxPixels: 200_000_000 } });
  const tiff = await readFile(fixture('tiff').path);
  const jpeg = await readFile(fixture('jpeg').path);
  const pdf = await readFile(fixture('pdf').path);
  files.set('vuoto.pdf', Buffer.alloc(0));
  files.set('troncato.tif', tiff.subarray(0, 2000));
  files.set('troncato.jpg', jpeg.subarray(0, 3000));
  files.set('troncato.pdf', pdf.subarray(0, 4000));
  files.set('cifrato.pdf', await encryptedPdf());
  files.set('bomba.png', pixelBombPng());
  files.set('cinquemila.pdf', await manyPagesPdf(5000));
  files.set('testo.tif', Buffer.from('Questo non è una scansione, è un file di testo.\n'));
  files.set(
    'con-script.pdf',
    await pdfWithScriptAndAttachment(
      await (
        await import('sharp')
      )
        .default(await smallPng('js'))
        .jpeg()
        .toBuffer(),
    ),
  );
  files.set('png-travestito.pdf', await smallPng('travestito'));
  files.set('../../../../etc/' + 'x'.repeat(600) + '\ud800.png', await smallPng('lungo'));
  const { db, ingest } = world.services;
  const batch = await db.createBatch({ label: 'ostile', source: 'test' });
  batchId = batch.id;
  for (const [name, data] of files) outcome.set(name, await ingest.ingest(batchId, name, Readable.from([data])));
  await waitForBatch(db, batchId, { timeoutMs: 240_000 });
}, 300_000);
afterAll(() => world?.close());

async function doc(name: string) {
  const id = outcome.get(name)!.documentId!;
  return (await world.services.db.getDocument(id))!;
}

describe('hostile and broken inputs', () => {
  it.each([
    ['vuoto.pdf', /empty/],
    ['troncato.tif', /TIFF/],
    ['troncato.jpg', /JPEG/],
    ['troncato.pdf', /PDF/],
    ['cifrato.pdf', /encrypt/i],
    ['bomba.png', /pixel/i],
    ['cinquemila.pdf', /5000 pages, more than the limit of 2000/],
    ['testo.tif', /unsupported file type/],
  ])('%s fails alone with a clear reason and its original in quarantine', async (name, reason) => {
    const d = await doc(name);
    expect(d.status).toBe('failed');
    expect(d.error).toMatch(reason);
    const kept = await world.services.store.getBuffer(`${keys.quarantine(d.id)}/original`);
    expect(sha256(kept)).toBe(sha256(files.get(name)!));
  });

  it('a scanned PDF carrying JavaScript and an attachment is archived, and neither reaches the searchable PDF', async () => {
    const d = await doc('con-script.pdf');
    expect(d.status).toBe('archived');
    const out = (await world.services.store.getBuffer(`${d.archiveKey}/${PACKAGE_FILES.pdf}`)).toString('latin1');
    expect(out).not.toMatch(/JavaScript|EmbeddedFile|OpenAction|payload\.sh/);
  });

  it('types come from content: a PNG named .pdf is archived as a PNG', async () => {
    const d = await doc('png-travestito.pdf');
    expect(d).toMatchObject({ status: 'archived', mediaType: 'image/png' });
  });

  it('a hostile, overlong, ill-formed name becomes a harmless display name and the file is processed', async () => {
    const d = await doc([...files.keys()].find((n) => n.startsWith('../'))!);
    expect(d.status).toBe('archived');
    expect(d.filename).not.toContain('/');
    expect(d.filename).not.toMatch(/[\ud800-\udfff]/);
    expect(Array.from(d.filename).length).toBeLessThanOrEqual(255);
  });

  it('the batch completes and the worker is still working afterwards', async () => {
    const s = await world.services.db.batchSummary(batchId);
    expect(s).toMatchObject({ done: true, byStatus: { failed: 8, archived: 3 } });
    const { db, ingest } = world.services;
    const after = await db.createBatch({ label: 'dopo', source: 'test' });
    await ingest.ingest(after.id, 'dopo.png', Readable.from([await smallPng('dopo')]));
    expect((await waitForBatch(db, after.id, { timeoutMs: 60_000 })).byStatus.archived).toBe(1);
  });
});
