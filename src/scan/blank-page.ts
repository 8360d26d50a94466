// Blank and near-blank page detection for box scans (blank backs of duplex scans, blank sheets between documents).
// The page is normalised to 150 DPI grey, the margins are cut (punched holes, edge shadows), the paper level is the
// median grey, and the page is split into 5 mm tiles: a tile is inked when it holds more dark pixels than a speck of
// dust can make. A page is blank when almost no tile is inked: specks, a stray mark or a pencilled page number are
// ignored, a single line of faint text is not.
import sharp from 'sharp';
import { dpiFromDensity } from '../ocr/page-image.ts';

export interface BlankPageOptions {
  /** Fraction of each side cut away before measuring (holes, edge shadows, scanner borders). Default 0.07. */
  marginFraction?: number;
  /** A pixel is ink when darker than the paper by this many grey levels. Default 40. */
  inkDelta?: number;
  /** Ink area (mm²) a 5 mm tile needs to count as inked; a dust speck is under 0.3 mm². Default 0.5. */
  minTileInkMm2?: number;
  /** The page is blank when at most this fraction of the tiles is inked. Default 0.003. */
  maxInkedTileFraction?: number;
  /** Resolution when the image carries none. Default 300. */
  defaultDpi?: number;
  /** Known resolution: overrides the image metadata. */
  dpi?: number;
  /** Page of a multi-page input. Default 0. */
  page?: number;
}

export interface BlankPageResult {
  blank: boolean;
  /** Inked tiles / all tiles: the page's "how much is written here". */
  inkedTileFraction: number;
  inkedTiles: number;
  tiles: number;
  /** Fraction of ink pixels over the measured area. */
  inkFraction: number;
  /** Median grey of the measured area. */
  paperLevel: number;
}

const WORK_DPI = 150;
const TILE_MM = 5;

/** Grey pixels with their resolution (e.g. a page already decoded for the separator reader). */
export interface GreyPage {
  data: Uint8Array;
  width: number;
  height: number;
  dpi: number;
}

export async function detectBlankPage(input: Buffer | GreyPage, opts: BlankPageOptions = {}): Promise<BlankPageResult> {
  if (!Buffer.isBuffer(input)) {
    if (input.dpi <= WORK_DPI) return measureBlank(input, input.dpi, opts);
    const width = Math.max(1, Math.round((input.width * WORK_DPI) / input.dpi));
    const { data, info } = await sharp(input.data, { raw: { width: input.width, height: input.height, channels: 1 } })
      .resize({ width, kernel: 'linear' })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return measureBlank({ data, width: info.width, height: info.height }, (input.dpi * info.width) / input.width, opts);
  }
  const img = sharp(input, { page: opts.page ?? 0, failOn: 'error', limitInputPixels: 200_000_000 });
  const meta = await img.metadata();
  const dpi = opts.dpi ?? dpiFromDensity(meta.density, opts.defaultDpi ?? 300).dpi;
  const width = meta.autoOrient?.width ?? meta.width!;
  const scale = Math.min(1, WORK_DPI / dpi);
  let pipeline = img.autoOrient().flatten({ background: '#ffffff' }).greyscale();
  if (scale < 1) pipeline = pipeline.resize({ width: Math.max(1, Math.round(width * scale)), kernel: 'linear' });
  const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return measureBlank({ data, width: info.width, height: info.height }, (dpi * info.width) / width, opts);
}

/** The measurement on grey pixels at `dpi` (exported for callers that already hold the pixels). */
export function measureBlank(
  image: { data: Uint8Array; width: number; height: number },
  dpi: number,
  opts: BlankPageOptions = {},
): BlankPageResult {
  const { data, width, height } = image;
  const margin = opts.marginFraction ?? 0.07;
  const x0 = Math.floor(width * margin);
  const x1 = Math.ceil(width * (1 - margin));
  const y0 = Math.floor(height * margin);
  const y1 = Math.ceil(height * (1 - margin));
  if (x1 <= x0 || y1 <= y0)
    return { blank: true, inkedTileFraction: 0, inkedTiles: 0, tiles: 0, inkFraction: 0, paperLevel: 255 };

  const hist = new Uint32Array(256);
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    for (let x = x0; x < x1; x++) hist[data[row + x]!]!++;
  }
  const area = (x1 - x0) * (y1 - y0);
  let acc = 0;
  let paper = 255;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc * 2 >= area) {
      paper = v;
      break;
    }
  }
  const cut = paper - (opts.inkDelta ?? 40);

  const tilePx = Math.max(4, Math.round((TILE_MM / 25.4) * dpi));
  const cols = Math.ceil((x1 - x0) / tilePx);
  const rows = Math.ceil((y1 - y0) / tilePx);
  const counts = new Uint32Array(cols * rows);
  let ink = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    const tr = Math.floor((y - y0) / tilePx) * cols;
    for (let x = x0; x < x1; x++) {
      if (data[row + x]! < cut) {
        ink++;
        counts[tr + Math.floor((x - x0) / tilePx)]!++;
      }
    }
  }
  const pxPerMm2 = (dpi / 25.4) ** 2;
  const minTileInk = Math.max(2, (opts.minTileInkMm2 ?? 0.5) * pxPerMm2);
  let inked = 0;
  for (const c of counts) if (c >= minTileInk) inked++;
  const tiles = cols * rows;
  const inkedTileFraction = inked / tiles;
  return {
    blank: inkedTileFraction <= (opts.maxInkedTileFraction ?? 0.003),
    inkedTileFraction,
    inkedTiles: inked,
    tiles,
    inkFraction: ink / area,
    paperLevel: paper,
  };
}
