// Rendering PDF pages with pdf.js onto @napi-rs/canvas: size from the page and the dpi, /Rotate applied, vectors and
// text (embedded and standard fonts) drawn where the page puts them.
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderDpi, renderPdfPages } from '../../src/ocr/pdf-render.ts';
import { addTextPages, BORN_DIGITAL_LINES } from '../helpers/born-digital-pdf.ts';

/** Mean grey level (0 black .. 255 white) of a region of a PNG. */
async function meanGrey(
  png: Buffer,
  region: { left: number; top: number; width: number; height: number },
): Promise<number> {
  const { data } = await sharp(png).extract(region).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data.reduce((s, v) => s + v, 0) / data.length;
}

describe('renderPdfPages', () => {
  it('draws a page at 300 dpi: size from the page box, vectors where the page puts them, white elsewhere', async () => {
    const doc = await PDFDocument.create();
    // 144 x 72 pt = 2 x 1 inch; a black square 1/2 inch wide whose top-left is 1/4 inch from the top-left corner.
    doc.addPage([144, 72]).drawRectangle({ x: 18, y: 18, width: 36, height: 36, color: rgb(0, 0, 0) });
    const [page] = await renderPdfPages(await doc.save());
    expect(page).toMatchObject({ widthPx: 600, heightPx: 300, dpi: 300 });
    const meta = await sharp(page!.png).metadata();
    expect(meta).toMatchObject({ width: 600, height: 300, density: 300, channels: 3 });
    expect(await meanGrey(page!.png, { left: 80, top: 80, width: 140, height: 140 })).toBeLessThan(5);
    expect(await meanGrey(page!.png, { left: 300, top: 0, width: 300, height: 300 })).toBeGreaterThan(250);
  });

  it('applies /Rotate, as a viewer shows the page', async () => {
    const doc = await PDFDocument.create();
    const p = doc.addPage([144, 72]);
    p.drawRectangle({ x: 0, y: 0, width: 36, height: 72, color: rgb(0, 0, 0) }); // left quarter black
    p.setRotation(degrees(90));
    const [page] = await renderPdfPages(await doc.save(), { dpi: 100 });
    expect(page).toMatchObject({ widthPx: 100, heightPx: 200, dpi: 100 });
    // Turned clockwise, the left edge of the page becomes the top.
    expect(await meanGrey(page!.png, { left: 0, top: 0, width: 100, height: 45 })).toBeLessThan(5);
    expect(await meanGrey(page!.png, { left: 0, top: 60, width: 100, height: 140 })).toBeGreaterThan(250);
  });

  it('draws text in embedded and in non-embedded standard fonts', async () => {
    const doc = await PDFDocument.create();
    await addTextPages(doc, [{ lines: BORN_DIGITAL_LINES.slice(0, 2) }], 'embedded');
    const helvetica = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([420, 595]).drawText(BORN_DIGITAL_LINES[0]!, { x: 40, y: 535, size: 12, font: helvetica });
    const pages = await renderPdfPages(await doc.save(), { pages: [1, 2] });
    for (const page of pages) {
      // The first line's band (baseline 60 pt from the top) holds ink; the margin above it none.
      expect(await meanGrey(page.png, { left: 160, top: 200, width: 1200, height: 60 })).toBeLessThan(235);
      expect(await meanGrey(page.png, { left: 160, top: 40, width: 1200, height: 120 })).toBe(255);
    }
  });

  it('lowers the resolution of a page too large for the pixel budget', async () => {
    expect(renderDpi(595, 842)).toBe(300);
    const a0 = renderDpi(2384, 3370, { maxPixels: 60_000_000 });
    expect(a0).toBeLessThan(300);
    expect(((2384 * a0) / 72) * ((3370 * a0) / 72)).toBeLessThanOrEqual(60_000_000);
    const doc = await PDFDocument.create();
    doc.addPage([720, 720]);
    const [page] = await renderPdfPages(await doc.save(), { dpi: 300, maxPixels: 1_000_000 });
    expect(page!.dpi).toBe(100);
    expect(page!.widthPx * page!.heightPx).toBeLessThanOrEqual(1_000_000);
  });
});
