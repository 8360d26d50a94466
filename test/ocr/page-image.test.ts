import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dpiFromDensity, InvalidImageError, preparePageImage } from '../../src/ocr/page-image.ts';
import { ITALIAN_SAMPLE_TEXT, renderTextPage } from '../helpers/render-text-page.ts';

async function grey(width: number, height: number, fill = 255): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: fill, g: fill, b: fill } } })
    .png()
    .toBuffer();
}

/** Fraction of dark pixels in a grey raw image region. */
async function darkFraction(png: Buffer): Promise<number> {
  const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const v of data) if (v < 128) dark++;
  return dark / data.length;
}

describe('preparePageImage', () => {
  it('applies the EXIF orientation (and does not reuse a rotated JPEG)', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#fff' } })
      .jpeg()
      .withMetadata({ orientation: 6, density: 300 })
      .toBuffer();
    const p = await preparePageImage(jpeg);
    expect([p.widthPx, p.heightPx]).toEqual([200, 400]);
    expect(p.pdfImageReused).toBe(false);
    const ocrMeta = await sharp(p.ocrImage).metadata();
    expect([ocrMeta.width, ocrMeta.height, ocrMeta.orientation ?? 1]).toEqual([200, 400, 1]);
    const pdfMeta = await sharp(p.pdfImage).metadata();
    expect([pdfMeta.format, pdfMeta.width, pdfMeta.height, pdfMeta.orientation ?? 1]).toEqual(['jpeg', 200, 400, 1]);
  });

  it('turns by an extra rotation (e.g. a PDF page /Rotate)', async () => {
    const p = await preparePageImage(await grey(300, 100), { rotate: 90 });
    expect([p.widthPx, p.heightPx]).toEqual([100, 300]);
  });

  it('flattens transparency onto white and makes a grey PNG with the density', async () => {
    // fully transparent black: must become white, not black
    const rgba = await sharp({
      create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .withMetadata({ density: 200 })
      .toBuffer();
    const p = await preparePageImage(rgba);
    const meta = await sharp(p.ocrImage).metadata();
    expect(meta.format).toBe('png');
    expect(meta.channels).toBe(1);
    expect(meta.hasAlpha).toBe(false);
    expect(Math.round(meta.density ?? 0)).toBe(200);
    expect(p.dpi).toBe(200);
    expect(p.dpiSource).toBe('metadata');
    expect(await darkFraction(p.ocrImage)).toBe(0);
    expect(await darkFraction(p.pdfImage)).toBe(0);
  });

  it('takes the dpi from metadata when plausible, else the default', async () => {
    expect(dpiFromDensity(300)).toEqual({ dpi: 300, source: 'metadata' });
    expect(dpiFromDensity(72)).toEqual({ dpi: 300, source: 'default' });
    expect(dpiFromDensity(undefined, 200)).toEqual({ dpi: 200, source: 'default' });
    expect(dpiFromDensity(100000)).toEqual({ dpi: 300, source: 'default' });
    const noDensity = await grey(50, 50);
    expect((await preparePageImage(noDensity)).dpi).toBe(300);
    expect((await preparePageImage(noDensity, { dpi: 240 })).dpi).toBe(240);
    const at72 = await sharp(noDensity).withMetadata({ density: 72 }).png().toBuffer();
    expect(await preparePageImage(at72)).toMatchObject({ dpi: 300, dpiSource: 'default' });
  });

  it('removes salt-and-pepper noise with the median filter', async () => {
    const w = 400;
    const h = 400;
    const px = Buffer.alloc(w * h, 255);
    for (let i = 0; i < px.length; i += 97) px[i] = 0; // ~1% isolated black dots
    const noisy = await sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toBuffer();
    // Clean-up off: a regular dot lattice has "lines" a deskew would follow, and this test is about the median.
    const cleaned = await preparePageImage(noisy, { cleanup: false });
    const raw = await preparePageImage(noisy, { median: 0, cleanup: false });
    expect(await darkFraction(raw.ocrImage)).toBeGreaterThan(0.009);
    expect(await darkFraction(cleaned.ocrImage)).toBeLessThan(0.0005);
  });

  it('reuses an upright sRGB/grey JPEG as the PDF image; converts CMYK', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const p = await preparePageImage(jpeg);
    expect(p.pdfImageReused).toBe(true);
    expect(p.pdfImage).toBe(jpeg);
    const cmyk = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c33' } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const q = await preparePageImage(cmyk);
    expect(q.pdfImageReused).toBe(false);
    expect((await sharp(q.pdfImage).metadata()).space).toBe('srgb');
    const g = await preparePageImage(jpeg, { pdfColour: 'grey' });
    expect((await sharp(g.pdfImage).metadata()).channels).toBe(1);
  });

  it('reads one page of a multi-page TIFF', async () => {
    const a = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#fff' } })
      .raw()
      .toBuffer();
    const b = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#000' } })
      .raw()
      .toBuffer();
    const tiff = await sharp(Buffer.concat([a, b]), {
      raw: { width: 40, height: 60, channels: 3, pageHeight: 30 },
    } as never)
      .tiff()
      .toBuffer();
    expect((await sharp(tiff).metadata()).pages).toBe(2);
    const p1 = await preparePageImage(tiff, { page: 1 });
    expect([p1.widthPx, p1.heightPx]).toEqual([40, 30]);
    expect(await darkFraction(p1.ocrImage)).toBe(1);
  });

  it('refuses images over the pixel limit and unreadable input with InvalidImageError', async () => {
    const big = await grey(2000, 1000);
    await expect(preparePageImage(big, { limitInputPixels: 1_000_000 })).rejects.toBeInstanceOf(InvalidImageError);
    await expect(preparePageImage(Buffer.from('definitely not an image'))).rejects.toBeInstanceOf(InvalidImageError);
    const truncated = (
      await sharp({ create: { width: 500, height: 500, channels: 3, background: '#888' } })
        .jpeg()
        .toBuffer()
    ).subarray(0, 300);
    await expect(preparePageImage(truncated)).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('records the clean-up of a plain upright scan: nothing to change, the JPEG is reused', async () => {
    const text = ITALIAN_SAMPLE_TEXT.split('\n').slice(0, 3).join('\n');
    const page = await renderTextPage({ text, widthMm: 150, fitHeight: true, marginMm: 10, format: 'jpeg' });
    const p = await preparePageImage(page.image);
    expect(p.pdfImageReused).toBe(true);
    expect([p.widthPx, p.heightPx]).toEqual([page.widthPx, page.heightPx]);
    expect(p.cleanup).toMatchObject({
      orientation: { degrees: 0, method: 'profile' }, // on by default: measured, nothing to turn
      deskew: { degrees: 0, method: 'projection-profile' },
      denoise: { median: 3 },
      contrast: { method: 'normalise', applied: false },
      border: { top: 0, right: 0, bottom: 0, left: 0 },
    });
    expect(Math.abs(p.cleanup.deskew.measured!)).toBeLessThan(0.1);
    expect(p.cleanupMs).toBeGreaterThanOrEqual(0);
    // The record is plain JSON (it goes into the manifest and the text record).
    expect(JSON.parse(JSON.stringify(p.cleanup))).toEqual(p.cleanup);
  });

  it('with cleanup false records every step as off and changes nothing but the median', async () => {
    const page = await renderTextPage({ text: 'Comune di Modena', widthMm: 80, fitHeight: true, skewDeg: 2 });
    const p = await preparePageImage(page.image, { cleanup: false });
    expect(p.cleanup).toEqual({
      orientation: { degrees: 0, method: 'off', confidence: 0 },
      deskew: { degrees: 0, measured: null, method: 'off' },
      denoise: { median: 3 },
      contrast: { method: 'off', applied: false },
      border: { top: 0, right: 0, bottom: 0, left: 0 },
    });
    expect([p.widthPx, p.heightPx]).toEqual([page.widthPx, page.heightPx]);
  });

  it('applies a PDF /Rotate before measuring: the clean-up sees the page as the PDF shows it', async () => {
    const text = ITALIAN_SAMPLE_TEXT.split('\n').slice(0, 5).join('\n');
    const page = await renderTextPage({ text, widthMm: 150, fitHeight: true, marginMm: 10 });
    // Stored sideways with /Rotate 90 fixing it: nothing left for the clean-up to turn.
    const sideways = await sharp(page.image).rotate(270).png().toBuffer();
    const p = await preparePageImage(sideways, { rotate: 90 });
    expect(p.cleanup.orientation.degrees).toBe(0);
    expect([p.widthPx, p.heightPx]).toEqual([page.widthPx, page.heightPx]);
  });
});
