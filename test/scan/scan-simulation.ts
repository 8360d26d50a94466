// Prints and scans a PDF page without paper: pdf.js renders the page (src/ocr/pdf-render.ts) at the scanner's DPI,
// then the sample generator's scan effects add skew, softness, noise and the bilevel threshold. Used by the separator
// tests and by bench/qr-readers.ts.
import sharp from 'sharp';
import { renderPdfPages as renderPdfPagesRgb } from '../../src/ocr/pdf-render.ts';
import { applyNoise, type ScanLook } from '../../src/samples/scan-effects.ts';

export interface GreyRaster {
  data: Buffer;
  width: number;
  height: number;
}

/** Renders pages of a PDF to 8-bit grey at `dpi` (1-based page numbers; all pages by default). */
export async function renderPdfPages(pdf: Uint8Array, dpi: number, pages?: number[]): Promise<GreyRaster[]> {
  const rendered = await renderPdfPagesRgb(pdf, { dpi, pages });
  return Promise.all(
    rendered.map(async (r) => {
      const { data, info } = await sharp(r.png)
        .greyscale()
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    }),
  );
}

export interface ScanConditions {
  /** Scanner resolution the raster was rendered at (written into the output's density). */
  dpi: number;
  mode: 'grey' | 'bilevel';
  /** Skew in degrees, positive counter-clockwise. Default 0. */
  skewDeg?: number;
  /** Sensor noise standard deviation in grey levels. Default 2. */
  noiseSigma?: number;
  /** Scanner softness (sharp blur sigma). Default 0.6. */
  blur?: number;
  /** Paper grey level. Default 245. */
  paper?: number;
  /** Bilevel cut. Default 160. */
  threshold?: number;
  /** Encode as JPEG at this quality instead of PNG. */
  jpegQuality?: number;
  /** Scale the page content by this factor before scanning, e.g. 0.5 for a sheet printed at half size. Default 1. */
  printScale?: number;
  /** Marks on the paper (millimetres from the top-left corner): a stamp ring, or a filled dot (a punched hole). */
  marks?: Array<{ xMm: number; yMm: number; rMm: number; ringMm?: number; ink?: number }>;
  seed?: number;
}

/** A scanned page image (PNG, or JPEG with jpegQuality) from a clean grey raster of the same page. */
export async function simulateScan(page: GreyRaster, c: ScanConditions): Promise<Buffer> {
  const { width, height } = page;
  const paper = c.paper ?? 245;
  let img = sharp(page.data, { raw: { width, height, channels: 1 } });
  // Paper tone: white maps to `paper`, black stays black.
  img = img.linear(paper / 255, 0);
  let raw = await img.toColourspace('b-w').raw().toBuffer();
  if (c.printScale && c.printScale !== 1) {
    const sw = Math.round(width * c.printScale);
    const sh = Math.round(height * c.printScale);
    const small = await sharp(raw, { raw: { width, height, channels: 1 } })
      .resize(sw, sh)
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    raw = await sharp(small, { raw: { width: sw, height: sh, channels: 1 } })
      .extend({ top: 0, left: 0, right: width - sw, bottom: height - sh, background: { r: paper, g: paper, b: paper } })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
  }
  if (c.marks?.length) {
    const px = (mm: number) => ((mm * c.dpi) / 25.4).toFixed(1);
    const shapes = c.marks.map((m) => {
      const ink = `rgb(${m.ink ?? 30},${m.ink ?? 30},${m.ink ?? 30})`;
      return m.ringMm
        ? `<circle cx="${px(m.xMm)}" cy="${px(m.yMm)}" r="${px(m.rMm)}" fill="none" stroke="${ink}" stroke-width="${px(m.ringMm)}"/>`
        : `<circle cx="${px(m.xMm)}" cy="${px(m.yMm)}" r="${px(m.rMm)}" fill="${ink}"/>`;
    });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
    raw = await sharp(raw, { raw: { width, height, channels: 1 } })
      .composite([{ input: Buffer.from(svg), blend: 'multiply' }])
      .toColourspace('b-w')
      .raw()
      .toBuffer();
  }
  if (c.skewDeg) {
    const rotated = await sharp(raw, { raw: { width, height, channels: 1 } })
      .rotate(-c.skewDeg, { background: { r: paper, g: paper, b: paper } })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const left = Math.floor((rotated.info.width - width) / 2);
    const top = Math.floor((rotated.info.height - height) / 2);
    raw = await sharp(rotated.data, { raw: { width: rotated.info.width, height: rotated.info.height, channels: 1 } })
      .extract({ left, top, width, height })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
  }
  const blur = c.blur ?? 0.6;
  if (blur > 0)
    raw = await sharp(raw, { raw: { width, height, channels: 1 } })
      .blur(blur)
      .toColourspace('b-w')
      .raw()
      .toBuffer();
  const look = {
    mode: c.mode,
    noiseSigma: c.noiseSigma ?? 2,
    texture: 0, // paper blotches are sized for the 300 DPI generator pages; sensor noise is enough here
    threshold: c.threshold ?? 160,
  } as ScanLook;
  await applyNoise(raw, look, c.seed ?? 1);
  const out = sharp(raw, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .withDensity(c.dpi);
  if (c.jpegQuality) return out.jpeg({ quality: c.jpegQuality }).toBuffer();
  return out.png({ compressionLevel: 1, ...(c.mode === 'bilevel' ? { palette: true, colours: 2 } : {}) }).toBuffer();
}
