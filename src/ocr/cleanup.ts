// Page clean-up planning on a downscaled grey copy: dark scanner borders to trim, the quarter turn and the skew to
// correct, the grey levels of ink and paper for contrast normalisation. page-image.ts applies the plan with sharp.
import sharp from 'sharp';
import {
  estimateSkew,
  greyHistogram,
  otsuOfHistogram,
  textInkPointsOf,
  type Box,
  type GreyRaster,
  type InkPoints,
} from './deskew.ts';
import { estimateOrientation, lineStrokes, turnPoints, type QuarterTurn } from './orientation.ts';
import type { PageCleanupOptions, PageCleanupRecord } from './page-image.ts';

export interface Sides {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface BorderOptions {
  /** A row/column with at least this fraction of dark pixels is border. Default 0.5. */
  darkFraction?: number;
  /** Largest trim per side, as a fraction of the page side; a darker band deeper than this is content. Default 0.2. */
  maxFraction?: number;
  /** Grey level at or below which a pixel is dark. Default 96. */
  darkLevel?: number;
}

/**
 * Dark bands along the edges of a page (the scanner lid or bed around a smaller or skewed sheet, black edges of
 * a photocopy), in raster pixels per side. A band must start at the edge (within 1% of it); its shaded inner rim is
 * included. Zero when a side has none, or when the band is deeper than maxFraction (then it is content).
 */
export function findDarkBorders(r: GreyRaster, opts: BorderOptions = {}): Sides {
  const frac = opts.darkFraction ?? 0.5;
  const maxFrac = opts.maxFraction ?? 0.2;
  const level = opts.darkLevel ?? 96;
  const { width: w, height: h, data } = r;
  const sides: Sides = { top: 0, right: 0, bottom: 0, left: 0 };
  if (w < 8 || h < 8) return sides;

  // Every other row/column is plenty to measure a band's darkness (and halves the cost).
  const rowDark = (x0: number, x1: number): Float64Array => {
    const out = new Float64Array(h);
    for (let y = 0; y < h; y++) {
      let n = 0;
      let m = 0;
      const row = y * w;
      for (let x = x0; x < x1; x += 2, m++) if (data[row + x]! <= level) n++;
      out[y] = n / Math.max(1, m);
    }
    return out;
  };
  const colDark = (y0: number, y1: number): Float64Array => {
    const out = new Float64Array(w);
    let m = 0;
    for (let y = y0; y < y1; y += 2, m++) {
      const row = y * w;
      for (let x = 0; x < w; x++) if (data[row + x]! <= level) out[x]! += 1;
    }
    for (let x = 0; x < w; x++) out[x] = out[x]! / Math.max(1, m);
    return out;
  };
  /** Depth of the dark band at the start of `profile` (read forwards or backwards). */
  const depth = (profile: Float64Array, fromEnd: boolean): number => {
    const n = profile.length;
    const at = (i: number) => profile[fromEnd ? n - 1 - i : i]!;
    const slack = Math.max(2, Math.ceil(n * 0.01));
    const limit = Math.floor(n * maxFrac);
    let i = 0;
    while (i < slack && at(i) < frac) i++;
    if (i >= slack) return 0;
    while (i < n && at(i) >= frac) i++;
    if (i > limit) return 0;
    // The inner rim: shading and the paper's shadow, up to 1% more.
    const rim = Math.min(n, i + slack);
    while (i < rim && at(i) > 0.05) i++;
    return Math.min(i + 1, limit);
  };

  const cols = colDark(0, h);
  sides.left = depth(cols, false);
  sides.right = depth(cols, true);
  const rows = rowDark(sides.left, w - sides.right);
  sides.top = depth(rows, false);
  sides.bottom = depth(rows, true);
  if (sides.top || sides.bottom) {
    // Top and bottom bands darken every column: measure left and right again between them.
    const inner = colDark(sides.top, h - sides.bottom);
    sides.left = depth(inner, false);
    sides.right = depth(inner, true);
  }
  return sides;
}

export interface InkPaperLevels {
  /** Grey level of the darkest ink (a low percentile). */
  ink: number;
  /** Grey level of the paper (a high percentile). */
  paper: number;
}

/** Ink and paper grey levels from a histogram: the `lowPct` and `highPct` percentiles (0..100). */
export function inkPaperLevels(hist: Float64Array, lowPct = 0.5, highPct = 90): InkPaperLevels {
  let total = 0;
  for (let v = 0; v < 256; v++) total += hist[v]!;
  const at = (pct: number) => {
    const target = (total * pct) / 100;
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= target) return v;
    }
    return 255;
  };
  return { ink: at(lowPct), paper: at(highPct) };
}

/** Linear map (a·v + b) that sends `ink` to 0 and `paper` to 255. */
export function stretchOf(levels: InkPaperLevels): { a: number; b: number } {
  const span = Math.max(1, levels.paper - levels.ink);
  const a = 255 / span;
  return { a, b: -levels.ink * a };
}

/**
 * Paper brightness per cell of a raster: the brightest pixel of each cell (cells are larger than letters, so each
 * holds some paper), then the brightest of its 3×3 neighbours (for cells covered by ink) and a 3×3 mean.
 */
export function paperMap(r: GreyRaster, cell: number): GreyRaster {
  const gw = Math.ceil(r.width / cell);
  const gh = Math.ceil(r.height / cell);
  const m = new Uint8Array(gw * gh);
  const cellOfX = new Int32Array(r.width);
  for (let x = 0; x < r.width; x++) cellOfX[x] = (x / cell) | 0;
  for (let y = 0; y < r.height; y++) {
    const row = y * r.width;
    const grow = ((y / cell) | 0) * gw;
    for (let x = 0; x < r.width; x++) {
      const v = r.data[row + x]!;
      const k = grow + cellOfX[x]!;
      if (v > m[k]!) m[k] = v;
    }
  }
  const neighbours = (src: Uint8Array, reduce: (vals: number[]) => number): Uint8Array => {
    const out = new Uint8Array(gw * gh);
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        const vals: number[] = [];
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < gh && xx >= 0 && xx < gw) vals.push(src[yy * gw + xx]!);
          }
        }
        out[y * gw + x] = reduce(vals);
      }
    }
    return out;
  };
  const dilated = neighbours(m, (v) => Math.max(...v));
  const smooth = neighbours(dilated, (v) => Math.round(v.reduce((a, b) => a + b, 0) / v.length));
  return { data: smooth, width: gw, height: gh };
}

/** Range of paper brightness (5th and 95th percentiles of the cells inside `box`, given in raster pixels). */
export function paperRange(map: GreyRaster, cell: number, box: Box): { min: number; max: number } {
  const vals: number[] = [];
  for (let y = Math.floor(box.top / cell); y < Math.ceil((box.top + box.height) / cell) && y < map.height; y++) {
    for (let x = Math.floor(box.left / cell); x < Math.ceil((box.left + box.width) / cell) && x < map.width; x++) {
      vals.push(map.data[y * map.width + x]!);
    }
  }
  vals.sort((a, b) => a - b);
  if (vals.length === 0) return { min: 255, max: 255 };
  return { min: vals[Math.floor(vals.length * 0.05)]!, max: vals[Math.floor(vals.length * 0.95)]! };
}

/** Divides a raster by the paper map (upsampled smoothly): shaded paper becomes white, ink keeps its contrast. */
export async function flattenBackground(
  r: { data: Uint8Array; width: number; height: number },
  map: GreyRaster,
): Promise<Buffer> {
  const bg = await sharp(Buffer.from(map.data.buffer, map.data.byteOffset, map.data.length), {
    raw: { width: map.width, height: map.height, channels: 1 },
  })
    .resize(r.width, r.height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  const out = Buffer.allocUnsafe(r.width * r.height);
  for (let i = 0; i < out.length; i++) {
    const v = (r.data[i]! * 255) / Math.max(16, bg[i]!);
    out[i] = v > 255 ? 255 : v;
  }
  return out;
}

export interface CleanupPlan {
  /** Region kept after trimming the borders, full resolution, in the input frame. */
  trim?: Box;
  /** Clockwise quarter turn. */
  turn: QuarterTurn;
  /** Clockwise rotation after the turn, degrees (the opposite of the measured skew). */
  deskewDegrees: number;
  /** Linear contrast stretch, applied to the OCR image when record.contrast.applied (identity otherwise). */
  stretch: { a: number; b: number };
  /** Paper brightness per cell of the analysis copy, when the OCR image's background is to be flattened. */
  background?: { map: GreyRaster };
  /** True when the page geometry changes (trim, turn or deskew). */
  changesGeometry: boolean;
  record: PageCleanupRecord;
  /** The grey page before clean-up at the analysis resolution, with the region kept after trimming (page quality
   *  checks measure it: src/scan/page-quality.ts). Absent when every step is off. */
  analysis?: AnalysisCopy;
  /** Time spent measuring and probing, ms. */
  ms: number;
}

/** A downscaled grey copy of a page in its input frame and the region inside its dark borders (analysis pixels). */
export interface AnalysisCopy extends GreyRaster {
  dpi: number;
  box: Box;
}

/** Fewer ink pixels than this (on the analysis copy) is a blank or near-blank page: nothing to measure. */
const MIN_INK_POINTS = 200;
/** Ink lighter than this, or paper darker than that, calls for a contrast stretch. */
const FADED_INK = 48;
const DIM_PAPER = 224;
/** Paper brighter in one place than another by this many grey levels is flattened before OCR. */
const UNEVEN_PAPER = 40;
/** Lines must stand out this much (profile sharpness) before a skew is trusted. */
const MIN_SKEW_SHARPNESS = 2;
/** Axis confidence above which the probe only chooses the direction along the axis. */
const AXIS_SURE = 0.8;
/** A half turn decided on the image with less confidence than this is shown to the probe (when there is one). */
const SURE_HALF_TURN = 0.8;
/** An unsure page whose strokes lean upright by this much (OrientationEstimate.lean) is left as it is, unprobed. */
const UPRIGHT_LEAN = 1;

/** Measures the page and decides the clean-up. `grey` is the full-resolution one-channel page. */
export async function planCleanup(
  grey: { data: Buffer; width: number; height: number },
  dpi: number,
  opts: PageCleanupOptions | false,
  median: number,
): Promise<CleanupPlan> {
  const started = performance.now();
  const o = opts === false ? OFF : opts;
  const orientationOn = o.orientation !== false;
  const deskewOn = o.deskew !== false;
  const contrastMethod = o.contrast === undefined ? 'normalise' : o.contrast;
  const trimOn = o.trimBorders !== false;
  const record: PageCleanupRecord = {
    orientation: { degrees: 0, method: orientationOn ? 'undecided' : 'off', confidence: 0 },
    deskew: { degrees: 0, measured: null, method: deskewOn ? 'projection-profile' : 'off' },
    denoise: { median: median > 1 ? median : 0 },
    contrast: { method: contrastMethod || 'off', applied: false },
    border: { top: 0, right: 0, bottom: 0, left: 0 },
  };
  const plan: CleanupPlan = {
    turn: 0,
    deskewDegrees: 0,
    stretch: { a: 1, b: 0 },
    changesGeometry: false,
    record,
    ms: 0,
  };
  if (!orientationOn && !deskewOn && !contrastMethod && !trimOn) return plan;

  const a = await analysisCopy(grey, dpi, o.analysisDpi ?? 100);
  plan.analysis = { ...a, dpi: (dpi * a.width) / grey.width, box: { left: 0, top: 0, width: a.width, height: a.height } };
  const sx = grey.width / a.width;
  const sy = grey.height / a.height;

  // Borders first: a black band would dominate both the skew profile and the contrast levels.
  let box: Box = { left: 0, top: 0, width: a.width, height: a.height };
  if (trimOn) {
    const b = findDarkBorders(a, { maxFraction: o.borderMaxFraction });
    if (b.left + b.right < a.width - 8 && b.top + b.bottom < a.height - 8 && b.left + b.right + b.top + b.bottom > 0) {
      box = { left: b.left, top: b.top, width: a.width - b.left - b.right, height: a.height - b.top - b.bottom };
      plan.analysis.box = box;
      const left = Math.min(grey.width - 1, Math.ceil(b.left * sx));
      const top = Math.min(grey.height - 1, Math.ceil(b.top * sy));
      const right = Math.ceil(b.right * sx);
      const bottom = Math.ceil(b.bottom * sy);
      plan.trim = {
        left,
        top,
        width: Math.max(1, grey.width - left - right),
        height: Math.max(1, grey.height - top - bottom),
      };
      record.border = {
        top,
        right: grey.width - left - plan.trim.width,
        bottom: grey.height - top - plan.trim.height,
        left,
      };
    }
  }

  // Uneven paper (a shadow, a lamp, a book's gutter) defeats one global threshold: flatten it first, then measure.
  let measured: GreyRaster = a;
  if (contrastMethod === 'normalise') {
    const cell = Math.max(8, Math.round((a.width / grey.width) * dpi * (6 / 25.4))); // ~6 mm cells
    const map = paperMap(a, cell);
    const range = paperRange(map, cell, box);
    const flatten = range.max - range.min >= UNEVEN_PAPER;
    record.contrast.background = { min: range.min, max: range.max, flattened: flatten };
    if (flatten) {
      plan.background = { map };
      measured = { data: await flattenBackground(a, map), width: a.width, height: a.height };
    }
  }
  const hist = greyHistogram(measured, box);
  if (contrastMethod === 'normalise' || contrastMethod === 'stretch' || contrastMethod === 'clahe') {
    const levels = inkPaperLevels(hist);
    // Only faded or dim pages (or flattened ones): a plain scan is left as it is, and a blank page (no ink to
    // speak of) is never stretched, which would only amplify its noise.
    const needed = levels.ink > FADED_INK || levels.paper < DIM_PAPER || plan.background !== undefined;
    const applied = needed && levels.paper - levels.ink >= 32;
    record.contrast = { ...record.contrast, applied, ink: levels.ink, paper: levels.paper };
    if (applied && contrastMethod !== 'clahe') plan.stretch = stretchOf(levels);
  }

  if (orientationOn || deskewOn) {
    // Letters only: runs of ink longer than ~5 mm are rules, frames, holes or shadows.
    const maxRun = Math.max(8, Math.round((a.width / grey.width) * dpi * (5 / 25.4)));
    const points = textInkPointsOf(measured, otsuOfHistogram(hist), maxRun, box);
    const maxDegrees = o.deskewMaxDegrees ?? 5;
    let skew: { degrees: number; sharpness: number; lines: number } | null = null;
    const skewOf = (p: InkPoints) => {
      const e = estimateSkew(p, { maxDegrees });
      return { degrees: e.degrees, sharpness: e.sharpness, lines: lineStrokes(p, e.degrees).lines };
    };
    if (points.count >= MIN_INK_POINTS) {
      if (orientationOn) {
        const est = estimateOrientation(points, { maxDegrees });
        record.orientation.confidence = est.confidence;
        const linesVertical = est.degrees % 180 !== 0;
        const axisSure = est.axisConfidence >= AXIS_SURE;
        const p = o.orientationProbe;
        if (est.confidence >= (o.orientationMinConfidence ?? 0.5)) {
          plan.turn = est.degrees;
          record.orientation.method = 'profile';
          // Upside down on the image alone, but not by much: a wrong half turn of an upright page is the worst
          // outcome, so a probe that can run gets a veto.
          if (plan.turn === 180 && est.confidence < SURE_HALF_TURN && p) {
            const answer = await probe(p, grey, plan.trim, dpi, [0, 180]);
            record.orientation.probe = { name: p.name, ...answer };
            if (answer.degrees === 0) {
              plan.turn = 0;
              record.orientation.method = 'probe';
            }
          }
        } else if (axisSure && !linesVertical && est.lean >= UPRIGHT_LEAN) {
          // Lines across the page and more strokes rising than falling, too few to be sure: upright scans are the
          // rule, so the page stays as it is without the cost of a probe.
        } else if (p) {
          // The axis is rarely in doubt; the probe then only chooses between its two turns.
          const candidates: QuarterTurn[] = !axisSure ? [0, 90, 180, 270] : linesVertical ? [90, 270] : [0, 180];
          const answer = await probe(p, grey, plan.trim, dpi, candidates);
          record.orientation.probe = { name: p.name, ...answer };
          if (answer.degrees !== null) {
            plan.turn = answer.degrees;
            record.orientation.method = 'probe';
          }
        }
        record.orientation.degrees = plan.turn;
        if (Number.isFinite(est.skewDegrees) && (plan.turn % 180 !== 0) === linesVertical) {
          skew = { degrees: est.skewDegrees, sharpness: est.sharpness, lines: est.lines };
        } else if (plan.turn % 180 !== 0 || record.orientation.method === 'probe') {
          skew = skewOf(turnPoints(points, plan.turn));
        }
      } else {
        skew = skewOf(points);
      }
    }
    // Text lines, not just any straight structure (a regular dot pattern or a grid also has sharp profiles).
    if (deskewOn && skew && skew.sharpness >= MIN_SKEW_SHARPNESS && skew.lines >= 2) {
      record.deskew.measured = skew.degrees;
      if (Math.abs(skew.degrees) >= (o.deskewMinDegrees ?? 0.1)) {
        plan.deskewDegrees = -skew.degrees;
        record.deskew.degrees = -skew.degrees;
      }
    }
  }

  // Sides in the frame of the upright page.
  record.border = turnSides(record.border, plan.turn);
  plan.changesGeometry = plan.trim !== undefined || plan.turn !== 0 || plan.deskewDegrees !== 0;
  plan.ms = Math.round(performance.now() - started);
  return plan;
}

const OFF: PageCleanupOptions = { orientation: false, deskew: false, contrast: false, trimBorders: false };

/** The page at about `analysisDpi` (never enlarged). */
export async function analysisCopy(
  grey: { data: Buffer; width: number; height: number },
  dpi: number,
  analysisDpi: number,
): Promise<GreyRaster> {
  const scale = Math.min(1, analysisDpi / dpi);
  if (scale > 0.9) return { data: grey.data, width: grey.width, height: grey.height };
  const width = Math.max(1, Math.round(grey.width * scale));
  const height = Math.max(1, Math.round(grey.height * scale));
  const out = await sharp(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w') // a raw one-channel input comes out as sRGB otherwise
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (out.info.channels !== 1) throw new Error(`analysis copy has ${out.info.channels} channels`);
  return { data: out.data, width: out.info.width, height: out.info.height };
}

/** Crops the (trimmed) page for the probe, as a grey PNG at most 300 dpi. */
async function probe(
  p: NonNullable<PageCleanupOptions['orientationProbe']>,
  grey: { data: Buffer; width: number; height: number },
  trim: Box | undefined,
  dpi: number,
  candidates: QuarterTurn[],
): Promise<{ degrees: QuarterTurn | null; confidence: number }> {
  let s = sharp(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } });
  if (trim) s = s.extract(trim);
  let probeDpi = dpi;
  if (dpi > 300) {
    const w = trim ? trim.width : grey.width;
    s = s.resize(Math.round((w * 300) / dpi));
    probeDpi = 300;
  }
  const image = await s.toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer();
  const answer = await p.decide({ image, dpi: probeDpi, candidates });
  return answer.degrees !== null && !candidates.includes(answer.degrees) ? { ...answer, degrees: null } : answer;
}

/** Sides measured in the input frame, named as seen after a clockwise quarter turn. */
export function turnSides(s: Sides, turn: QuarterTurn): Sides {
  if (turn === 90) return { top: s.left, right: s.top, bottom: s.right, left: s.bottom };
  if (turn === 180) return { top: s.bottom, right: s.left, bottom: s.top, left: s.right };
  if (turn === 270) return { top: s.right, right: s.bottom, bottom: s.left, left: s.top };
  return s;
}
