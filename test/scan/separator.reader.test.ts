// Separator sheets printed as PDF, read back with pdf.js, "scanned" (rendered at the scanner's DPI, skewed, noised,
// thresholded) and decoded by the reader.
import QRCode from 'qrcode';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { encodeSeparator, type SeparatorPayload } from '../../src/scan/separator.payload.ts';
import { readSeparator } from '../../src/scan/separator.reader.ts';
import { separatorSheetsPdf, winAnsiSafe } from '../../src/scan/separator.sheet.ts';
import { contentPage, pagePng } from './box-scan.ts';
import { renderPdfPages, simulateScan } from './scan-simulation.ts';

const PRACTICE: SeparatorPayload = {
  kind: 'practice',
  comune: 'Castelnuovo Berardenga',
  pratica: 'PE 123/1987',
  proc: 'permesso_di_costruire',
  box: 'Archivio di deposito, scaffale 3, faldone 12',
};
const DOC_TYPE: SeparatorPayload = { kind: 'document-type', tipo: 'elaborato_grafico' };
const GENERIC: SeparatorPayload = { kind: 'generic' };

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await separatorSheetsPdf([PRACTICE, DOC_TYPE, GENERIC], {
    printedOn: '2025-03-14',
    issuer: 'Ufficio Archivio',
  });
});

describe('separator sheets', () => {
  it('one A4 PDF holds one sheet per separator, with the Italian heading, details and instructions as text', async () => {
    const pages = await extractPdfText(pdf);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toContain('FOGLIO SEPARATORE — PRATICA');
    expect(pages[0]).toContain('PRATICA PE 123/1987');
    expect(pages[0]).toContain('Comune: Castelnuovo Berardenga');
    expect(pages[0]).toContain('Procedimento: Permesso di costruire');
    expect(pages[0]).toContain('Collocazione: Archivio di deposito, scaffale 3, faldone 12');
    expect(pages[0]).toContain('Inserire questo foglio PRIMA dei documenti della pratica indicata.');
    expect(pages[0]).toContain('stampato il 14/03/2025');
    expect(pages[1]).toContain('FOGLIO SEPARATORE — TIPO DI DOCUMENTO');
    expect(pages[1]).toContain('ELABORATO GRAFICO');
    expect(pages[2]).toContain('FOGLIO SEPARATORE — GENERICO');
    expect(pages[2]).toContain('foglio 3 di 3');
  });

  it('the same input prints the same bytes', async () => {
    const again = await separatorSheetsPdf([PRACTICE, DOC_TYPE, GENERIC], {
      printedOn: '2025-03-14',
      issuer: 'Ufficio Archivio',
    });
    expect(Buffer.from(again).equals(Buffer.from(pdf))).toBe(true);
  });

  it('names the standard fonts cannot draw are printed without failing', async () => {
    expect(winAnsiSafe('Località Ōsaka – Łódź')).toBe('Località Osaka – Lódz');
    const out = await separatorSheetsPdf([{ kind: 'practice', comune: 'Łódź', pratica: 'PE 1/1990' }], {
      printedOn: '2025-01-01',
    });
    expect((await extractPdfText(out))[0]).toContain('Comune: Lódz');
  });
});

describe('separator reader', () => {
  it('a practice separator printed, scanned at 200 DPI bilevel with 2° skew is read back as the same payload', async () => {
    const [page] = await renderPdfPages(pdf, 200, [1]);
    expect(page!.width).toBe(1654); // A4 at 200 DPI
    const scan = await simulateScan(page!, { dpi: 200, mode: 'bilevel', skewDeg: 2, seed: 11 });
    expect((await sharp(scan).stats()).channels[0]!.min).toBe(0);
    const reading = await readSeparator(scan);
    expect(reading.payload).toEqual(PRACTICE);
    expect(reading.text).toBe(encodeSeparator(PRACTICE));
    expect(reading.foreign).toEqual([]);
  });

  it('document-type and generic separators are read at 200 DPI bilevel, skewed the other way', async () => {
    const pages = await renderPdfPages(pdf, 200, [2, 3]);
    for (const [i, expected] of [DOC_TYPE, GENERIC].entries()) {
      const scan = await simulateScan(pages[i]!, { dpi: 200, mode: 'bilevel', skewDeg: -2, seed: 20 + i });
      expect((await readSeparator(scan)).payload).toEqual(expected);
    }
  });

  it('a grey 300 DPI JPEG scan is read too', async () => {
    const [page] = await renderPdfPages(pdf, 300, [1]);
    const scan = await simulateScan(page!, { dpi: 300, mode: 'grey', skewDeg: 1, jpegQuality: 60, seed: 3 });
    expect((await readSeparator(scan)).payload).toEqual(PRACTICE);
  });

  it('a separator on an A3 page scanned at 300 DPI (4961 px, past the decoder limit of 4096) is read', async () => {
    const [page] = await renderPdfPages(pdf, 300, [3]);
    const a3 = await sharp(page!.data, { raw: { width: page!.width, height: page!.height, channels: 1 } })
      .extend({ right: 3508 - page!.width, bottom: 4961 - page!.height, background: '#ffffff' })
      .withDensity(300)
      .png({ compressionLevel: 1 })
      .toBuffer();
    const reading = await readSeparator(a3, { exhaustive: true });
    expect(reading.payload).toEqual(GENERIC);
  });

  it('a page without a code gives null quickly, after the two cheap passes only', async () => {
    const page = await pagePng(await contentPage(41, 200, { bilevel: true }));
    await readSeparator(page); // warm-up: the WebAssembly module is compiled once per process
    const reading = await readSeparator(page);
    expect(reading.payload).toBeNull();
    expect(reading.invalid).toBeUndefined();
    expect(reading.attempts).toBeLessThanOrEqual(2);
    expect(reading.ms).toBeLessThan(2000); // typically ~0.2 s; generous for a shared machine
  });

  it('a foreign QR code on a content page is reported, never taken for a separator', async () => {
    const page = await contentPage(42, 200);
    const qr = await QRCode.toBuffer('https://checkout.pagopa.it/avviso/123', { type: 'png', scale: 6, margin: 4 });
    const withQr = await sharp(await pagePng(page))
      .composite([{ input: qr, left: 1100, top: 1700 }])
      .png()
      .toBuffer();
    const reading = await readSeparator(withQr);
    expect(reading.payload).toBeNull();
    expect(reading.foreign).toEqual(['https://checkout.pagopa.it/avviso/123']);
  });

  it('a Faldone code of an unsupported version is reported as an invalid separator', async () => {
    const qr = await QRCode.toBuffer('FALDONE:SEP:9:P|comune=X|pratica=PE 1/1990', {
      type: 'png',
      scale: 12,
      margin: 4,
    });
    const sheet = await sharp({ create: { width: 1654, height: 2339, channels: 3, background: '#ffffff' } })
      .composite([{ input: qr, left: 500, top: 700 }])
      .withDensity(200)
      .png()
      .toBuffer();
    const reading = await readSeparator(sheet);
    expect(reading.payload).toBeNull();
    expect(reading.invalid).toMatch(/version 9/);
  });
});
