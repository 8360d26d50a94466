// Generated box scans for the split tests: content pages from the sample generator, separator sheets printed with
// separatorSheetsPdf and "scanned" with scan-simulation, blank and near-blank pages, all at one DPI and mode, then
// assembled into a multi-page TIFF (CCITT G4 for bilevel) as a production scanner writes a box.
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { composeDocument, pickMunicipality } from '../../src/samples/generate.ts';
import { PAGE_H, PAGE_W } from '../../src/samples/layout.page.ts';
import { Rng, hashSeed } from '../../src/samples/random.ts';
import { pageSvg } from '../../src/samples/render.page.ts';
import { applyNoise, grey, rasterise, speckleSvg, type ScanLook } from '../../src/samples/scan-effects.ts';
import { separatorSheetsPdf } from '../../src/scan/separator.sheet.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';
import { renderPdfPages, simulateScan, type GreyRaster } from './scan-simulation.ts';

/** A grey raster at `dpi` (A4). */
export interface BoxPage extends GreyRaster {
  dpi: number;
}

async function toDpi(pixels300: Buffer, dpi: number, threshold?: number): Promise<BoxPage> {
  // A4 at `dpi`, the size pdf.js renders the separator sheets at (the generator's 2480 px is 209.97 mm).
  const width = Math.round((210 / 25.4) * dpi);
  const height = Math.round((297 / 25.4) * dpi);
  let img = sharp(pixels300, { raw: { width: PAGE_W, height: PAGE_H, channels: 1 } }).resize(width, height, {
    fit: 'fill',
    kernel: 'linear',
  });
  if (threshold !== undefined) img = img.threshold(threshold);
  const { data, info } = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, dpi };
}

/** One page of a generated practice document, scanned at `dpi` (bilevel when `bilevel`). `ink` overrides the ink grey. */
export async function contentPage(
  seed: number,
  dpi: number,
  opts: { bilevel?: boolean; ink?: number } = {},
): Promise<BoxPage> {
  const composed = composeDocument({
    id: `box-${seed}`,
    seed,
    kind: 'practice',
    municipality: pickMunicipality(seed),
    format: 'tiff',
    mode: 'grey',
  });
  const look: ScanLook = {
    ...composed.look,
    mode: 'grey',
    holes: false,
    ...(opts.ink !== undefined ? { ink: opts.ink, inkJitter: 0, typeStroke: 0 } : {}),
  };
  const svg = pageSvg(composed.layouts[0]!, look, new Rng(seed).fork('draw'));
  const raster = await applyNoise(await rasterise(svg, look), look, hashSeed(seed, 'noise'));
  return toDpi(raster, dpi, opts.bilevel ? look.threshold : undefined);
}

/** A blank sheet: paper, sensor noise and, with `specks`, dust and a punched hole in the margin. */
export async function blankPage(
  seed: number,
  dpi: number,
  opts: { bilevel?: boolean; specks?: number } = {},
): Promise<BoxPage> {
  const rng = new Rng(seed);
  const look = {
    mode: 'grey',
    paper: 240,
    noiseSigma: 2,
    texture: 3,
    blur: 0.6,
    speckles: opts.specks ?? 0,
    edgeShadow: false,
    threshold: 160,
  } as ScanLook;
  const holes = opts.specks
    ? `<circle cx="110" cy="${PAGE_H / 2 - 400}" r="38" fill="${grey(40)}"/><circle cx="110" cy="${PAGE_H / 2 + 400}" r="38" fill="${grey(40)}"/>`
    : '';
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE_W}" height="${PAGE_H}"><rect width="${PAGE_W}" height="${PAGE_H}" fill="${grey(look.paper)}"/>` +
    `${holes}${speckleSvg(rng, look)}</svg>`;
  const raster = await applyNoise(await rasterise(svg, look), look, hashSeed(seed, 'blank'));
  return toDpi(raster, dpi, opts.bilevel ? look.threshold : undefined);
}

/** Separator sheets printed to PDF, rendered at `dpi` and scanned with the given skew. */
export async function separatorPages(
  payloads: SeparatorPayload[],
  dpi: number,
  opts: { bilevel?: boolean; skewDeg?: number; seed?: number } = {},
): Promise<BoxPage[]> {
  const pdf = await separatorSheetsPdf(payloads, { printedOn: '2025-03-14' });
  const rendered = await renderPdfPages(pdf, dpi);
  const out: BoxPage[] = [];
  for (const [i, r] of rendered.entries()) {
    const png = await simulateScan(r, {
      dpi,
      mode: opts.bilevel ? 'bilevel' : 'grey',
      skewDeg: opts.skewDeg ?? 0,
      seed: (opts.seed ?? 1) + i,
    });
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    out.push({ data, width: info.width, height: info.height, dpi });
  }
  return out;
}

/** A multi-page TIFF of the pages (all the same size): CCITT G4 when bilevel, else deflate. */
export async function boxTiff(pages: BoxPage[], bilevel: boolean): Promise<Buffer> {
  const { width, height, dpi } = pages[0]!;
  for (const p of pages) if (p.width !== width || p.height !== height) throw new Error('pages differ in size');
  return sharp(Buffer.concat(pages.map((p) => p.data)), {
    raw: { width, height: height * pages.length, channels: 1, pageHeight: height },
    limitInputPixels: false,
  })
    .toColourspace('b-w')
    .tiff({
      compression: bilevel ? 'ccittfax4' : 'deflate',
      ...(bilevel ? { bitdepth: 1 as const } : { predictor: 'horizontal' as const }),
      xres: dpi / 25.4,
      yres: dpi / 25.4,
      resolutionUnit: 'inch',
    })
    .toBuffer();
}

/** The pages of a multi-page TIFF, one at a time, as the split step would read a box. */
export async function* tiffPages(tiff: Buffer): AsyncGenerator<{ page: number; image: Buffer; imagePage: number }> {
  const { pages = 1 } = await sharp(tiff).metadata();
  for (let i = 0; i < pages; i++) yield { page: i + 1, image: tiff, imagePage: i };
}

/** PNG of a page (density set), for single-page reader tests. */
export function pagePng(p: BoxPage): Promise<Buffer> {
  return sharp(p.data, { raw: { width: p.width, height: p.height, channels: 1 } })
    .withDensity(p.dpi)
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** An image-only PDF of the pages (one grey JPEG per A4 page), as a scanner writes a box to PDF. */
export async function boxPdf(pages: BoxPage[], quality = 75): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  for (const p of pages) {
    const jpg = await sharp(p.data, { raw: { width: p.width, height: p.height, channels: 1 } })
      .jpeg({ quality })
      .toBuffer();
    const image = await doc.embedJpg(jpg);
    doc.addPage([595.28, 841.89]).drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
