// OCR two rendered pages, assemble the searchable PDF, open it back with pdf.js: pages, sizes, text, alignment,
// PDF/A-2b identification and a clean `qpdf --check`.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseText } from '../../src/ocr/cer.ts';
import { preparePageImage, type PreparedPageImage } from '../../src/ocr/page-image.ts';
import { extractPdfText, pdfjsNodeParams } from '../../src/ocr/pdf-text.ts';
import { buildDocumentPdf, buildSearchablePdf, SearchablePdfError } from '../../src/ocr/searchable-pdf.ts';
import { createTesseractEngine, type TesseractEngine, type TesseractPageResult } from '../../src/ocr/tesseract.engine.ts';
import { addTextPages, bornDigitalPdf, BORN_DIGITAL_LINES } from '../helpers/born-digital-pdf.ts';
import { ITALIAN_SAMPLE_TEXT, renderTextPage } from '../helpers/render-text-page.ts';

/** `qpdf --check` finds no syntax or stream errors in the file. */
async function qpdfCheck(pdf: Uint8Array): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'faldone-qpdf-'));
  try {
    await writeFile(path.join(dir, 'doc.pdf'), pdf);
    const r = spawnSync('qpdf', ['--check', path.join(dir, 'doc.pdf')], { encoding: 'utf8' });
    if (r.error) throw new Error('qpdf is not installed: run scripts/ensure-deps.sh --test');
    expect(r.stdout).toContain('No syntax or stream encoding errors found');
    expect(r.status).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const words = (s: string) => normaliseText(s).split(' ').filter(Boolean);

describe('buildSearchablePdf', () => {
  let engine: TesseractEngine;
  const prepared: PreparedPageImage[] = [];
  const ocr: TesseractPageResult[] = [];
  let pdf: Uint8Array;
  const meta = { title: 'Pratica 1987/123', author: 'Comune di Castelfranco Emilia', keywords: ['edilizia', 'permesso'], creationDate: new Date('2024-05-06T07:08:09Z') };

  beforeAll(async () => {
    engine = createTesseractEngine({ workers: 2 });
    const pages = await Promise.all([
      // page 1: skewed (the text layer is rotated back onto the unrotated image), 300 dpi, colour-free PNG
      renderTextPage({ text: ITALIAN_SAMPLE_TEXT, fitHeight: true, skewDeg: 2, noise: 0.001 }),
      // page 2: a 200-dpi JPEG (reused as is in the PDF)
      renderTextPage({ text: ITALIAN_SAMPLE_TEXT.split('\n').slice(0, 3).join('\n'), dpi: 200, widthMm: 148, fitHeight: true, format: 'jpeg', fontSizePt: 14 }),
    ]);
    prepared.push(...(await Promise.all(pages.map((p) => preparePageImage(p.image)))));
    ocr.push(...(await Promise.all(prepared.map((p) => engine.recognise(p.ocrImage, { dpi: p.dpi })))));
    pdf = await buildSearchablePdf(
      prepared.map((p, i) => ({ jpeg: p.pdfImage, widthPx: p.widthPx, heightPx: p.heightPx, dpi: p.dpi, textPdf: ocr[i]!.textPdf })),
      meta,
    );
  });
  afterAll(() => engine.close());

  it('opens in pdf.js with one page per image, sized from pixels and dpi', async () => {
    expect(prepared[1]!.dpi).toBe(200);
    expect(prepared[1]!.pdfImageReused).toBe(true);
    const doc = await getDocument({ ...pdfjsNodeParams(), data: new Uint8Array(pdf) }).promise;
    try {
      expect(doc.numPages).toBe(2);
      for (let i = 0; i < 2; i++) {
        const [x0, y0, x1, y1] = (await doc.getPage(i + 1)).view;
        expect(x1! - x0!).toBeCloseTo((prepared[i]!.widthPx / prepared[i]!.dpi) * 72, 1);
        expect(y1! - y0!).toBeCloseTo((prepared[i]!.heightPx / prepared[i]!.dpi) * 72, 1);
      }
      const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown> };
      expect(info).toMatchObject({ Title: meta.title, Author: meta.author, Producer: 'Faldone' });
    } finally {
      await doc.destroy();
    }
  });

  it('extracted text of each page equals the OCR text (same word sequence)', async () => {
    const texts = await extractPdfText(pdf);
    expect(texts).toHaveLength(2);
    texts.forEach((t, i) => expect(words(t)).toEqual(words(ocr[i]!.text)));
    // and lines survive: the rotated layer of page 1 is not split into one word per line
    expect(texts[0]!.split('\n').length).toBeLessThan(words(texts[0]!).length / 4);
  });

  it('puts each word of the text layer over the word in the image', async () => {
    const doc = await getDocument({ ...pdfjsNodeParams(), data: new Uint8Array(pdf) }).promise;
    try {
      for (let i = 0; i < 2; i++) {
        const page = await doc.getPage(i + 1);
        const items = (await page.getTextContent()).items.filter((it): it is TextItem => 'str' in it && it.str.trim() !== '');
        const ptPerPx = 72 / prepared[i]!.dpi;
        const pageH = page.view[3]!;
        let checked = 0;
        const seen = new Map<string, number>();
        for (const w of ocr[i]!.words.slice(0, 40)) {
          // the n-th occurrence of a word in the OCR is the n-th item with that text (both in reading order)
          const n = seen.get(w.text) ?? 0;
          seen.set(w.text, n + 1);
          const item = items.filter((it) => it.str === w.text)[n];
          if (!item) continue;
          // item origin = left end of the baseline; compare with the box's left edge and bottom, in points
          const [, , , , ex, ey] = item.transform as number[];
          expect(Math.abs(ex! - w.bbox.x0 * ptPerPx)).toBeLessThan(6);
          expect(Math.abs(pageH - ey! - w.bbox.y1 * ptPerPx)).toBeLessThan(8);
          checked++;
        }
        expect(checked).toBeGreaterThan(10);
      }
    } finally {
      await doc.destroy();
    }
  });

  it('is deterministic: same input, same bytes', async () => {
    const again = await buildSearchablePdf(
      prepared.map((p, i) => ({ jpeg: p.pdfImage, widthPx: p.widthPx, heightPx: p.heightPx, dpi: p.dpi, textPdf: ocr[i]!.textPdf })),
      meta,
    );
    expect(Buffer.from(again).equals(Buffer.from(pdf))).toBe(true);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getCreationDate()?.toISOString()).toBe(meta.creationDate.toISOString());
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/\/ID \[ ?<[0-9A-F]{32}> ?<[0-9A-F]{32}> ?\]/i);
  });

  it('is identified as PDF/A-2b: XMP equal to the Info dictionary, sRGB output intent, clean qpdf --check', async () => {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const xmpStream = doc.context.lookup(doc.catalog.get(PDFName.of('Metadata'))) as PDFRawStream;
    const xmp = Buffer.from(xmpStream.getContents()).toString('utf8');
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain(`<rdf:li xml:lang="x-default">${meta.title}</rdf:li>`);
    expect(xmp).toContain('<xmp:CreateDate>2024-05-06T07:08:09Z</xmp:CreateDate>');
    expect(xmp).toContain('<pdf:Producer>Faldone</pdf:Producer>');
    expect(doc.getProducer()).toBe('Faldone');
    // pdf.js parses the packet as XMP
    const loaded = await getDocument({ data: new Uint8Array(pdf), ...pdfjsNodeParams() }).promise;
    const { metadata } = await loaded.getMetadata();
    expect(metadata?.get('dc:title')).toBe(meta.title);
    await loaded.destroy();

    const intents = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))).toEqual(PDFName.of('GTS_PDFA1'));
    const icc = doc.context.lookup(intent.get(PDFName.of('DestOutputProfile'))) as PDFRawStream;
    const profile = Buffer.from(decodePDFRawStream(icc).decode());
    expect(profile.toString('ascii', 36, 40)).toBe('acsp');
    expect(profile.toString('ascii', 16, 20)).toBe('RGB ');
    expect(profile.readUInt32BE(0)).toBe(profile.length);

    await qpdfCheck(pdf);
  });

  it('keeps the JPEG bytes of the page image unchanged', async () => {
    const raw = Buffer.from(pdf);
    expect(raw.includes(prepared[1]!.pdfImage)).toBe(true);
  });

  it('builds image-only pages without a text layer and refuses bad input', async () => {
    const p = prepared[1]!;
    const only = await buildSearchablePdf([{ jpeg: p.pdfImage, widthPx: p.widthPx, heightPx: p.heightPx, dpi: p.dpi }]);
    expect(await extractPdfText(only)).toEqual(['']);
    await expect(buildSearchablePdf([])).rejects.toBeInstanceOf(SearchablePdfError);
    await expect(buildSearchablePdf([{ jpeg: Buffer.from('png?'), widthPx: 10, heightPx: 10, dpi: 300 }])).rejects.toThrow(/not a JPEG/);
    await expect(buildSearchablePdf([{ jpeg: p.pdfImage, widthPx: p.widthPx, heightPx: p.heightPx, dpi: 0 }])).rejects.toThrow(/dpi/);
  });
});

describe('buildDocumentPdf with pages copied from born-digital PDFs', () => {
  const catalogHas = async (pdf: Uint8Array, key: string) =>
    (await PDFDocument.load(pdf, { updateMetadata: false })).catalog.has(PDFName.of(key));
  const scan = async () => {
    const jpeg = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#eeeeee' } })
      .jpeg()
      .toBuffer();
    return { jpeg, widthPx: 400, heightPx: 200, dpi: 100 };
  };

  it('copies born-digital pages beside a scan with their text exactly, and stays PDF/A-2b with embedded fonts', async () => {
    const source = await bornDigitalPdf([
      { lines: BORN_DIGITAL_LINES },
      { lines: BORN_DIGITAL_LINES.slice(2), rotate: 90 },
    ]);
    const meta = { title: 'Nato digitale', creationDate: new Date('2024-05-06T07:08:09Z') };
    const pages = [{ copyOf: { pdf: source, page: 2 } }, await scan(), { copyOf: { pdf: source, page: 1 } }];
    const { pdf, pdfa } = await buildDocumentPdf(pages, meta);
    expect(pdfa).toEqual({ conformant: true, level: 'PDF/A-2b', issues: [] });
    const [one, two] = await extractPdfText(source);
    expect(await extractPdfText(pdf)).toEqual([two, '', one]);
    const out = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(out.getPage(0).getRotation().angle).toBe(90);
    expect(out.getPage(2).getSize()).toEqual({ width: 420, height: 595 });
    expect(await catalogHas(pdf, 'Metadata')).toBe(true);
    expect(await catalogHas(pdf, 'OutputIntents')).toBe(true);
    // The shared font is copied once, not once per page.
    expect(
      Buffer.from(pdf)
        .toString('latin1')
        .match(/\/FontFile2/g),
    ).toHaveLength(1);
    await qpdfCheck(pdf);
    const again = await buildDocumentPdf(pages, meta);
    expect(Buffer.from(again.pdf).equals(Buffer.from(pdf))).toBe(true);
  });

  it('drops the PDF/A claim when a copied page uses a font that is not embedded, and says why', async () => {
    const source = await bornDigitalPdf([{ lines: BORN_DIGITAL_LINES }], 'standard');
    const { pdf, pdfa } = await buildDocumentPdf([{ copyOf: { pdf: source, page: 1 } }], { title: 'Helvetica' });
    expect(pdfa).toEqual({ conformant: false, issues: ['font Helvetica is not embedded'] });
    expect(await catalogHas(pdf, 'Metadata')).toBe(false);
    expect(await catalogHas(pdf, 'OutputIntents')).toBe(false);
    expect(Buffer.from(pdf).toString('latin1')).not.toContain('pdfaid');
    expect(await extractPdfText(pdf)).toEqual(await extractPdfText(source));
    await qpdfCheck(pdf);
  });

  it('strips active content from a copied page and finds CMYK colour', async () => {
    const doc = await PDFDocument.create();
    await addTextPages(doc, [{ lines: BORN_DIGITAL_LINES }]);
    const ctx = doc.context;
    const page = doc.getPage(0);
    const cmyk = ctx.register(ctx.flateStream('0 0 0 1 k 10 10 50 50 re f'));
    page.node.set(PDFName.of('Contents'), ctx.obj([page.node.get(PDFName.of('Contents'))!, cmyk]));
    const js = ctx.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [0, 0, 10, 10],
      A: { S: 'JavaScript', JS: PDFHexString.fromText('app.alert(1)') },
    });
    const attachment = ctx.obj({
      Type: 'Annot',
      Subtype: 'FileAttachment',
      Rect: [0, 0, 10, 10],
      FS: { Type: 'Filespec', F: PDFHexString.fromText('a.exe') },
    });
    page.node.set(PDFName.of('Annots'), ctx.obj([ctx.register(js), ctx.register(attachment)]));
    page.node.set(PDFName.of('AA'), ctx.obj({ O: { S: 'JavaScript', JS: PDFHexString.fromText('app.alert(2)') } }));
    const { pdf, pdfa } = await buildDocumentPdf([{ copyOf: { pdf: await doc.save(), page: 1 } }]);
    expect(pdfa).toEqual({ conformant: false, issues: ['DeviceCMYK colour (the output intent is sRGB)'] });
    const raw = Buffer.from(pdf).toString('latin1');
    for (const gone of ['JavaScript', 'FileAttachment', '/AA']) expect(raw).not.toContain(gone);
    const out = await PDFDocument.load(pdf);
    expect(out.getPage(0).node.Annots()!.size()).toBe(1);
    await qpdfCheck(pdf);
  });

  it('cuts a copied page loose: no other page comes along, internal links go, web links stay and print', async () => {
    const doc = await PDFDocument.create();
    await addTextPages(doc, [
      { lines: BORN_DIGITAL_LINES },
      { lines: ['Pagina due, che non va copiata con la prima.'] },
    ]);
    const ctx = doc.context;
    const [first, second] = doc.getPages();
    const internal = ctx.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [40, 500, 200, 520],
      Dest: [second!.ref, 'Fit'],
      P: first!.ref,
    });
    const web = ctx.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [40, 480, 200, 500],
      A: { S: 'URI', URI: PDFHexString.fromText('https://www.comune.example.it') },
      P: first!.ref,
    });
    first!.node.set(PDFName.of('Annots'), ctx.obj([ctx.register(internal), ctx.register(web)]));
    const { pdf, pdfa } = await buildDocumentPdf([{ copyOf: { pdf: await doc.save(), page: 1 } }]);
    expect(pdfa.conformant).toBe(true);
    const out = await PDFDocument.load(pdf, { updateMetadata: false });
    const pageObjects = out.context
      .enumerateIndirectObjects()
      .filter(([, o]) => o instanceof PDFDict && o.get(PDFName.of('Type')) === PDFName.of('Page'));
    expect(pageObjects).toHaveLength(1);
    const annots = out
      .getPage(0)
      .node.Annots()!
      .asArray()
      .map((a) => out.context.lookup(a, PDFDict));
    expect(annots).toHaveLength(2);
    expect(annots.some((a) => a.has(PDFName.of('Dest')))).toBe(false);
    expect(annots.filter((a) => a.has(PDFName.of('A')))).toHaveLength(1);
    for (const a of annots) expect(a.get(PDFName.of('F'))?.toString()).toBe('4');
    await qpdfCheck(pdf);
  });
});
