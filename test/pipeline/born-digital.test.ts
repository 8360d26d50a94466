// Born-digital, mixed and fax-compressed originals through the real pipeline (real Redis, embedded stores): a page
// with a text layer keeps its text exactly and is never OCR'd, scanned and drawn pages are OCR'd, a CCITT G4 TIFF
// is read like any scan.
import { Readable } from 'node:stream';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import type { DocumentText } from '../../src/ocr/assemble.job.ts';
import type { OcrEngine } from '../../src/ocr/ocr-engine.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { PACKAGE_FILES } from '../../src/store/keys.ts';
import { addTextPages, bornDigitalPdf, BORN_DIGITAL_LINES } from '../helpers/born-digital-pdf.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { renderTextPage } from '../helpers/render-text-page.ts';

async function ingestAll(world: World, files: Array<{ name: string; data: Uint8Array }>): Promise<Map<string, string>> {
  const { db, ingest } = world.services;
  const batch = await db.createBatch({ label: 'nati digitali', source: 'test' });
  const ids = new Map<string, string>();
  for (const f of files) {
    const item = await ingest.ingest(batch.id, f.name, Readable.from([Buffer.from(f.data)]));
    ids.set(f.name, item.documentId!);
  }
  await waitForBatch(db, batch.id, { timeoutMs: 150_000 });
  return ids;
}

/** The archived package's file, parsed or raw. */
async function packageFile(world: World, id: string, name: string): Promise<Buffer> {
  const doc = await world.services.db.getDocument(id);
  expect(doc?.status, doc?.error).toBe('archived');
  return world.services.store.getBuffer(`${doc!.archiveKey}/${name}`);
}
const textJson = async (world: World, id: string) =>
  JSON.parse((await packageFile(world, id, PACKAGE_FILES.text)).toString()) as DocumentText;

const flat = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

/** A small scan of two short lines, as PNG at 300 dpi. */
const scan = (text: string) => renderTextPage({ text, widthMm: 110, heightMm: 30, marginMm: 6, fontSizePt: 14 });

describe('born-digital PDFs: text kept, no OCR', () => {
  let world: World;
  let calls = 0;
  let ids: Map<string, string>;
  const embedded = bornDigitalPdf(
    [{ lines: BORN_DIGITAL_LINES }, { lines: BORN_DIGITAL_LINES.slice(3), rotate: 90 }],
    'embedded',
  );
  const standard = bornDigitalPdf([{ lines: BORN_DIGITAL_LINES.slice(0, 4) }], 'standard');

  beforeAll(async () => {
    world = await createWorld({}, { workers: false });
    // Any OCR of a page with a text layer is a failure: the engine throws, and the document would fail.
    const refusing: OcrEngine = {
      async recognise() {
        calls++;
        throw new Error('the OCR engine must not run for pages with a text layer');
      },
      async close() {},
    };
    world.services.ocr = () => refusing;
    world.runner.start();
    ids = await ingestAll(world, [
      { name: 'determina.pdf', data: await embedded },
      { name: 'lettera-helvetica.pdf', data: await standard },
    ]);
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('archives both documents without calling the OCR engine', async () => {
    for (const id of ids.values()) expect((await world.services.db.getDocument(id))?.status).toBe('archived');
    expect(calls).toBe(0);
  });

  it('records the text layer of each page exactly, as the PDF text layer engine, with word boxes at 300 dpi', async () => {
    const id = ids.get('determina.pdf')!;
    const original = await extractPdfText(await embedded);
    const text = await textJson(world, id);
    expect(text.pages.map((p) => p.text)).toEqual(original);
    expect(text.pages[0]!.text).toBe(BORN_DIGITAL_LINES.join('\n'));
    for (const p of text.pages) {
      expect(p).toMatchObject({ kind: 'text', confidence: 100, dpi: 300, engine: { name: 'pdf-text-layer' } });
      expect(p.words.map((w) => w.text).join(' ')).toBe(p.text.split(/\s+/).join(' '));
    }
    // Page 2 is turned a quarter: A5 landscape as shown.
    expect(text.pages.map((p) => [p.widthPx, p.heightPx])).toEqual([
      [1750, 2479],
      [2479, 1750],
    ]);
  });

  it('copies the original pages into the searchable PDF: same text, same rotation, and PDF/A-2b with embedded fonts', async () => {
    const id = ids.get('determina.pdf')!;
    const pdf = await packageFile(world, id, PACKAGE_FILES.pdf);
    expect(await extractPdfText(pdf)).toEqual(await extractPdfText(await embedded));
    const out = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(out.getPages().map((p) => p.getRotation().angle)).toEqual([0, 90]);
    expect(pdf.toString('latin1')).toContain('<pdfaid:part>2</pdfaid:part>');
    expect((await textJson(world, id)).pdfa).toEqual({ conformant: true, level: 'PDF/A-2b', issues: [] });
  });

  it('keeps a page whose font is not embedded but drops the PDF/A claim and records why', async () => {
    const id = ids.get('lettera-helvetica.pdf')!;
    const pdf = await packageFile(world, id, PACKAGE_FILES.pdf);
    expect(await extractPdfText(pdf)).toEqual([BORN_DIGITAL_LINES.slice(0, 4).join('\n')]);
    expect(pdf.toString('latin1')).not.toContain('pdfaid');
    expect((await textJson(world, id)).pdfa).toEqual({ conformant: false, issues: ['font Helvetica is not embedded'] });
  });
});

describe('mixed PDFs and CCITT G4 TIFFs, with the real OCR engine', () => {
  let world: World;
  let ids: Map<string, string>;
  let mixed: Uint8Array;
  let g4: Buffer;

  beforeAll(async () => {
    world = await createWorld();
    const [scanned, drawn, fax] = await Promise.all([
      scan('Verbale scansionato\nsopralluogo cantiere'),
      scan('Planimetria disegnata\nprospetto nord'),
      scan('Comunicazione via fax\nrichiesta integrazione'),
    ]);
    // Page 1 born-digital, page 2 a scanned JPEG, page 3 the drawing split over two images (rendered, then OCR'd).
    const doc = await PDFDocument.create();
    await addTextPages(doc, [{ lines: BORN_DIGITAL_LINES }]);
    const size: [number, number] = [(scanned.widthPx / 300) * 72, (scanned.heightPx / 300) * 72];
    const jpg = await doc.embedJpg(await sharp(scanned.image).jpeg({ quality: 90 }).toBuffer());
    doc.addPage(size).drawImage(jpg, { x: 0, y: 0, width: size[0], height: size[1] });
    const half = Math.floor(drawn.heightPx / 2);
    const top = await doc.embedPng(
      await sharp(drawn.image).extract({ left: 0, top: 0, width: drawn.widthPx, height: half }).png().toBuffer(),
    );
    const bottom = await doc.embedPng(
      await sharp(drawn.image)
        .extract({ left: 0, top: half, width: drawn.widthPx, height: drawn.heightPx - half })
        .png()
        .toBuffer(),
    );
    const p3 = doc.addPage(size);
    const halfPt = (half / 300) * 72;
    p3.drawImage(top, { x: 0, y: size[1] - halfPt, width: size[0], height: halfPt });
    p3.drawImage(bottom, { x: 0, y: 0, width: size[0], height: size[1] - halfPt });
    mixed = await doc.save();
    g4 = await sharp(fax.image)
      .toColourspace('b-w')
      .withDensity(300)
      .tiff({ compression: 'ccittfax4', bitdepth: 1 })
      .toBuffer();
    ids = await ingestAll(world, [
      { name: 'fascicolo-misto.pdf', data: mixed },
      { name: 'fax.tif', data: g4 },
    ]);
  }, 240_000);
  afterAll(async () => {
    await world?.close();
  });

  it('handles a mixed PDF page by page: text kept, scan OCR\u2019d, drawing rendered and OCR\u2019d', async () => {
    const id = ids.get('fascicolo-misto.pdf')!;
    const text = await textJson(world, id);
    expect(text.pages.map((p) => p.kind)).toEqual(['text', 'image', 'render']);
    expect(text.pages.map((p) => p.engine.name)).toEqual(['pdf-text-layer', 'tesseract.js', 'tesseract.js']);
    expect(text.pages[0]!.text).toBe((await extractPdfText(mixed))[0]);
    expect(flat(text.pages[1]!.text)).toContain('verbale scansionato sopralluogo cantiere');
    expect(flat(text.pages[2]!.text)).toContain('planimetria disegnata prospetto nord');
    expect(text.pages[2]).toMatchObject({ kind: 'render', dpi: 300 });
    // The clean-up record of the page images travels from prepare to text.json; a text page has none.
    expect(text.pages[1]!.cleanup).toEqual(expect.any(Object));
    // A rendered page is not cleaned: it has no scanner defects, and its orientation is the page's own.
    expect(text.pages[2]!.cleanup).toMatchObject({ orientation: { method: 'off' }, deskew: { method: 'off' }, denoise: { median: 0 } });
    expect(text.pages[0]!.cleanup).toBeUndefined();

    const pdf = await packageFile(world, id, PACKAGE_FILES.pdf);
    const pages = await extractPdfText(pdf);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toBe(BORN_DIGITAL_LINES.join('\n'));
    const squash = (s: string) => s.replace(/\s+/g, '');
    pages.slice(1).forEach((p, i) => expect(squash(p)).toBe(squash(text.pages[i + 1]!.text)));
    expect(text.pdfa).toMatchObject({ conformant: true });
  });

  it('reads a CCITT G4 TIFF like any scan', async () => {
    // The file really is Group 4: TIFF tag 259 (Compression) = 4 in the first IFD.
    const ifd = g4.readUInt32LE(4);
    const tags = Array.from({ length: g4.readUInt16LE(ifd) }, (_, i) => ifd + 2 + 12 * i);
    const compression = tags.find((o) => g4.readUInt16LE(o) === 259);
    expect(compression && g4.readUInt16LE(compression + 8)).toBe(4);
    const text = await textJson(world, ids.get('fax.tif')!);
    expect(text.pages).toHaveLength(1);
    expect(flat(text.pages[0]!.text)).toContain('comunicazione via fax richiesta integrazione');
  });
});
