// Sorting PDF pages into text / image / render, on PDFs made here: born-digital text, scans, a scan with a digital
// protocol stamp, vector drawings and several images on one page.
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyPdfPages, pageKind, textLayerStats, type ClassifiedPdfPage } from '../../src/ocr/pdf-page-kind.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { addTextPages, BORN_DIGITAL_LINES } from '../helpers/born-digital-pdf.ts';
import { renderTextPage } from '../helpers/render-text-page.ts';

describe('textLayerStats and pageKind', () => {
  it('counts letters and digits, and characters of fonts without a Unicode mapping as garbage', () => {
    expect(textLayerStats('Città 12, via Roma!')).toEqual({ realChars: 14, garbageChars: 0 });
    expect(textLayerStats('ab\uFFFD\uE001\u0003 \n')).toEqual({ realChars: 2, garbageChars: 3 });
  });

  it('needs a few words on a page without a scan, a whole text layer on a scanned page', () => {
    const stats = (realChars: number, garbageChars = 0) => ({ realChars, garbageChars });
    expect(pageKind(stats(25), false).kind).toBe('text');
    expect(pageKind(stats(5), false)).toEqual({
      kind: 'render',
      reason: 'only 5 letters and digits of text, fewer than 20',
    });
    expect(pageKind(stats(0), false)).toEqual({ kind: 'render', reason: 'no text layer' });
    // A protocol stamp on a scan is not the page's text: the scan is still OCR'd.
    expect(pageKind(stats(60), true).kind).toBe('image');
    expect(pageKind(stats(1200), true).kind).toBe('text');
    expect(pageKind(stats(300, 100), false)).toEqual({
      kind: 'render',
      reason: 'the text layer is unreadable (25% unmapped characters)',
    });
    expect(pageKind(stats(25), false, { minChars: 30 }).kind).toBe('render');
  });
});

describe('classifyPdfPages', () => {
  let pdf: Uint8Array;
  let scanJpeg: Buffer;
  const pages: ClassifiedPdfPage[] = [];

  beforeAll(async () => {
    const scan = await renderTextPage({
      text: 'Verbale di sopralluogo\nprotocollo 1234',
      widthMm: 100,
      heightMm: 40,
      marginMm: 6,
      dpi: 200,
      format: 'jpeg',
    });
    scanJpeg = scan.image;
    const doc = await PDFDocument.create();
    await addTextPages(doc, [{ lines: BORN_DIGITAL_LINES }]); // 1: born-digital
    const jpg = await doc.embedJpg(scanJpeg);
    const sizePt: [number, number] = [(scan.widthPx / 200) * 72, (scan.heightPx / 200) * 72];
    doc.addPage(sizePt).drawImage(jpg, { x: 0, y: 0, width: sizePt[0], height: sizePt[1] }); // 2: scan
    const stamped = doc.addPage(sizePt); // 3: scan + digital protocol stamp
    stamped.drawImage(jpg, { x: 0, y: 0, width: sizePt[0], height: sizePt[1] });
    const helvetica = await doc.embedFont(StandardFonts.Helvetica);
    stamped.drawText('Prot. N. 0012345 del 12/03/2024', { x: 4, y: sizePt[1] - 10, size: 6, font: helvetica });
    const drawing = doc.addPage([300, 200]); // 4: vector drawing with a label
    drawing.drawRectangle({ x: 20, y: 20, width: 120, height: 80, borderColor: rgb(0, 0, 0), borderWidth: 2 });
    drawing.drawLine({ start: { x: 20, y: 20 }, end: { x: 140, y: 100 }, thickness: 2 });
    drawing.drawText('N 1:100', { x: 160, y: 60, size: 10, font: helvetica });
    const two = doc.addPage(sizePt); // 5: two images
    two.drawImage(jpg, { x: 0, y: sizePt[1] / 2, width: sizePt[0], height: sizePt[1] / 2 });
    two.drawImage(await doc.embedPng(await sharp(scanJpeg).png().toBuffer()), {
      x: 0,
      y: 0,
      width: sizePt[0],
      height: sizePt[1] / 2,
    });
    pdf = await doc.save();
    for await (const p of classifyPdfPages(pdf)) pages.push(p);
  });

  it('gives each page its kind, in order', () => {
    expect(pages.map((p) => [p.pageNumber, p.kind])).toEqual([
      [1, 'text'],
      [2, 'image'],
      [3, 'image'],
      [4, 'render'],
      [5, 'render'],
    ]);
    expect(pages[3]!.reason).toMatch(/draws no image.*only 5 letters and digits/);
    expect(pages[4]!.reason).toMatch(/draws 2 images/);
  });

  it('keeps the exact text of a born-digital page, with word boxes in pixels at 300 dpi', async () => {
    const p = pages[0]!;
    if (p.kind !== 'text') throw new Error('page 1 is not a text page');
    const [expected] = await extractPdfText(pdf);
    expect(p.textLayer.text).toBe(expected);
    expect(p.textLayer.text).toBe(BORN_DIGITAL_LINES.join('\n'));
    expect(p.textLayer).toMatchObject({ widthPx: 1750, heightPx: 2479, dpi: 300 });
    expect(p.textLayer.words.map((w) => w.text).join(' ')).toBe(BORN_DIGITAL_LINES.join(' '));
    const first = p.textLayer.words[0]!;
    // "Comune" starts at x = 40 pt, baseline 60 pt below the top: 167 px and 250 px at 300 dpi.
    expect(first.bbox.x0).toBeCloseTo(167, -1);
    expect(first.bbox.y1).toBeGreaterThan(250);
    expect(first.bbox.y0).toBeLessThan(250 - 30);
    for (const w of p.textLayer.words) {
      expect(w.bbox.x0).toBeGreaterThanOrEqual(0);
      expect(w.bbox.x1).toBeLessThanOrEqual(1750);
      expect(w.bbox.x1).toBeGreaterThan(w.bbox.x0);
      expect(w.bbox.y1).toBeGreaterThan(w.bbox.y0);
    }
  });

  it('hands over the scan image at its native resolution, the stamped one too', () => {
    for (const p of [pages[1]!, pages[2]!]) {
      if (p.kind !== 'image') throw new Error(`page ${p.pageNumber} is not an image page`);
      expect(p.image.dpi).toBe(200);
      expect(p.image.input.equals(scanJpeg)).toBe(true);
    }
    expect(pages[2]!.stats.realChars).toBeGreaterThan(15);
  });

  it('renders the other pages at 300 dpi', async () => {
    const p = pages[3]!;
    if (p.kind !== 'render') throw new Error('page 4 is not rendered');
    expect(p.rendered).toMatchObject({ widthPx: 1250, heightPx: 833, dpi: 300 });
    const meta = await sharp(p.rendered.png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1250, height: 833, density: 300 });
  });
});
