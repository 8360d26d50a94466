// Page orientation (0/90/180/270) measured on the image, cheaply: the direction of the text lines comes from the
// projection profiles (lines run along the axis whose profile is sharp); upright vs upside down comes from counting
// the strokes that stick out of each line's x-height band: in Latin script far more rise above it (ascenders,
// capitals, digits, i-dots, accents) than drop below the baseline. When the measure is weak (few strokes, all
// capitals, no text), a probe decides: tesseract's OSD (native binary or tesseract.js with @tesseract.js-data/osd)
// or the OCR engine's confidence at each candidate turn.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { coarseSkew, profileAt, refineSkew, turnPointsCcw, type InkPoints, type SkewSearchOptions } from './deskew.ts';
import { probeNativeTesseract } from './native.engine.ts';
import { OcrConfigError, type OcrEngine } from './ocr-engine.ts';

export type QuarterTurn = 0 | 90 | 180 | 270;

export interface OrientationEstimate {
  /** Clockwise rotation that makes the page upright. */
  degrees: QuarterTurn;
  /** 0..1: how clearly the image decided (axis × up/down); 0.5 is a lean of FLIP_LEAN on a sure axis. */
  confidence: number;
  /** 0..1: how clearly the lines run along one axis (horizontal or vertical) rather than the other. */
  axisConfidence: number;
  /** Skew of the lines in the upright frame (clockwise degrees); NaN when no line structure was found. */
  skewDegrees: number;
  /** Profile sharpness along the chosen axis (see SkewEstimate.sharpness). */
  sharpness: number;
  /** Text lines with at least one stroke above or below their x-height band. */
  lines: number;
  /** Strokes above and below the lines, in the frame where the lines are horizontal and the page as it is turned. */
  strokes: { up: number; down: number };
  /**
   * Signed evidence for "this frame is upright": (up - down) / sqrt(up + down + 1), about a z-score. Upright
   * Italian prose: +6 to +20 on a full page, +2 to +5 on one to three lines; negative when upside down.
   */
  lean: number;
}

export type OrientationOptions = SkewSearchOptions;

/** The lean (see OrientationEstimate.lean) at which an up/down decision has confidence 0.5. */
export const FLIP_LEAN = 3;

/** Rotates ink points by a quarter turn clockwise (so `turn` applied to the image is applied to the points). */
export function turnPoints(p: InkPoints, turn: QuarterTurn): InkPoints {
  if (turn === 0) return p;
  if (turn === 270) return turnPointsCcw(p);
  const ccw = turnPointsCcw(p);
  if (turn === 180) return turnPointsCcw(ccw);
  return turnPointsCcw(turnPointsCcw(ccw));
}

export interface LineStrokes {
  /** Strokes above the x-height bands (ascenders, capitals, digits, i-dots, accents), over all lines. */
  up: number;
  /** Strokes below the baselines (descenders, comma tails). */
  down: number;
  /** Lines with at least one stroke above or below. */
  lines: number;
}

/** Band edges left out of the zones (a fraction of the x-height): round tops, serifs and blur straddle them. */
const ZONE_GUARD = 0.25;
/** Depth of the zones above and below a band, as a fraction of the x-height. */
const ZONE_REACH = 0.7;

/**
 * Counts the strokes that stick out of each text line's x-height band, above and below, in a frame where the lines
 * run horizontally (skew `degrees`). A stroke is a run of ink columns, so a t's short ascender counts as much as a
 * p's long descender and an i's dot as much as either: Italian prose has about four strokes above for each one below
 * (b d f h l t, i-dots, accents, capitals and digits against g p q and commas), while the ink mass is only about 2:1
 * and is swayed by a few long descenders. Upside down, the counts swap. The page is cut into vertical strips ~5 cm
 * wide (at 100 dpi) so that side-by-side blocks (a letterhead, an address, a signature) keep their own lines.
 */
export function lineStrokes(points: InkPoints, degrees: number): LineStrokes {
  const strips = Math.max(1, Math.min(8, Math.round(points.width / 200)));
  const stripOf = (x: number) => Math.min(strips - 1, Math.floor((x * strips) / points.width));
  const counts = new Int32Array(strips);
  for (let i = 0; i < points.count; i++) counts[stripOf(points.xs[i]!)]! += 1;
  const parts = Array.from(counts, (n) => ({ xs: new Int32Array(n), ys: new Int32Array(n), count: 0 }));
  for (let i = 0; i < points.count; i++) {
    const part = parts[stripOf(points.xs[i]!)]!;
    part.xs[part.count] = points.xs[i]!;
    part.ys[part.count] = points.ys[i]!;
    part.count++;
  }
  const found = parts.map((part) => {
    const { hist } = profileAt({ ...part, width: points.width, height: points.height }, degrees);
    return { part, hist, bands: xHeightBands(hist) };
  });
  const out: LineStrokes = { up: 0, down: 0, lines: 0 };
  const heights = found.flatMap((f) => f.bands.map((b) => b.height)).sort((a, b) => a - b);
  if (heights.length === 0) return out;
  // Lines of a plausible height: not specks, not a merged block of several lines or a picture.
  const typical = heights[heights.length >> 1]!;
  const t = Math.tan((degrees * Math.PI) / 180);
  const pad = Math.ceil(Math.abs(t) * points.width) + 2; // as profileAt: a point's row is y + round(pad - x·tan)
  for (const { part, hist, bands: all } of found) {
    const bands = all.filter((b) => b.height >= typical * 0.5 && b.height <= typical * 2.5);
    if (bands.length === 0) continue;
    // Row → zone: 2k above band k, 2k+1 below it, -1 elsewhere. Zones stop halfway to the next band.
    const zone = new Int32Array(hist.length).fill(-1);
    for (let k = 0; k < bands.length; k++) {
      const b = bands[k]!;
      const xh = b.end - b.start + 1;
      const guard = Math.max(1, Math.round(xh * ZONE_GUARD));
      const reach = Math.max(2, Math.round(xh * ZONE_REACH));
      const prevEnd = k > 0 ? bands[k - 1]!.end : -Infinity;
      const nextStart = k + 1 < bands.length ? bands[k + 1]!.start : Infinity;
      const top = Math.max(0, b.start - reach, Math.floor((prevEnd + b.start) / 2) + 1);
      for (let r = top; r <= b.start - guard; r++) zone[r] = 2 * k;
      const bottom = Math.min(hist.length - 1, b.end + reach, Math.ceil((b.end + nextStart) / 2) - 1);
      for (let r = b.end + guard; r <= bottom; r++) zone[r] = 2 * k + 1;
    }
    const cols: number[][] = Array.from({ length: bands.length * 2 }, () => []);
    for (let i = 0; i < part.count; i++) {
      const x = part.xs[i]!;
      const z = zone[part.ys[i]! + Math.round(pad - x * t)]!;
      if (z >= 0) cols[z]!.push(x);
    }
    for (let k = 0; k < bands.length; k++) {
      const up = strokes(cols[2 * k]!);
      const down = strokes(cols[2 * k + 1]!);
      out.up += up;
      out.down += down;
      if (up + down > 0) out.lines++;
    }
  }
  return out;
}

/** Runs of ink columns (a gap of two columns or more ends a run) with at least two ink pixels each. */
function strokes(xs: number[]): number {
  if (xs.length < 2) return 0;
  xs.sort((a, b) => a - b);
  let n = 0;
  let size = 1;
  for (let i = 1; i <= xs.length; i++) {
    if (i < xs.length && xs[i]! - xs[i - 1]! <= 1) {
      size++;
      continue;
    }
    if (size >= 2) n++;
    size = 1;
  }
  return n;
}

/** The x-height band of each text line of a profile (the rows holding at least half its densest row). */
function xHeightBands(hist: Int32Array): Array<{ start: number; end: number; height: number }> {
  let peak = 0;
  for (let i = 0; i < hist.length; i++) if (hist[i]! > peak) peak = hist[i]!;
  const bands: Array<{ start: number; end: number; height: number }> = [];
  if (peak < 4) return bands;
  const floor = Math.max(1, peak * 0.05);
  let i = 0;
  while (i < hist.length) {
    if (hist[i]! < floor) {
      i++;
      continue;
    }
    const s = i;
    let max = 0;
    while (i < hist.length && hist[i]! >= floor) {
      if (hist[i]! > max) max = hist[i]!;
      i++;
    }
    const e = i - 1;
    if (max < peak * 0.15 || e - s < 3) continue;
    let cs = s;
    while (hist[cs]! < max * 0.5) cs++;
    let ce = e;
    while (hist[ce]! < max * 0.5) ce--;
    bands.push({ start: cs, end: ce, height: e - s + 1 });
  }
  return bands;
}

/**
 * Orientation of a page from its ink points. The returned confidence combines how sharp the lines are along the
 * chosen axis (vs the other) and how strong the up/down lean of the strokes is.
 */
export function estimateOrientation(points: InkPoints, opts: OrientationOptions = {}): OrientationEstimate {
  // Both axes, coarsely: monospaced text also lines up in columns, so the other axis must always be compared.
  const turned = turnPointsCcw(points);
  const h = coarseSkew(points, opts);
  const v = coarseSkew(turned, opts);
  const vertical = v.sharpness > h.sharpness;
  const hi = Math.max(h.sharpness, v.sharpness);
  const lo = Math.min(h.sharpness, v.sharpness);
  // ~1.3 along either axis is what a page without lines looks like; ~10 for prose, with the other axis at ~1.3-2
  // (proportional type) or ~3-4 (typewriter columns).
  const axisConfidence = clamp01((hi / lo - 1) / 0.5) * clamp01((hi - 1.5) / 2);
  const skew = refineSkew(vertical ? turned : points, vertical ? v : h, opts);
  const none = { degrees: 0 as const, confidence: 0, axisConfidence: 0, skewDegrees: Number.NaN };
  if (skew.sharpness < 1.5)
    return { ...none, sharpness: round3(skew.sharpness), lines: 0, strokes: { up: 0, down: 0 }, lean: 0 };
  // Frame in which lines are horizontal: the points as they are, or turned 90° counter-clockwise (270 clockwise).
  const frame = vertical ? turned : points;
  const s = lineStrokes(frame, skew.degrees);
  const lean = (s.up - s.down) / Math.sqrt(s.up + s.down + 1);
  const upright = lean >= 0;
  let degrees: QuarterTurn;
  if (!vertical) degrees = upright ? 0 : 180;
  else degrees = upright ? 270 : 90; // the frame is the image turned by 270 clockwise
  // A half turn keeps the slope of a line, so the skew measured in the frame is the skew of the upright page.
  return {
    degrees,
    confidence: round3(axisConfidence * clamp01(Math.abs(lean) / (2 * FLIP_LEAN))),
    axisConfidence: round3(axisConfidence),
    skewDegrees: skew.degrees,
    sharpness: round3(skew.sharpness),
    lines: s.lines,
    strokes: { up: s.up, down: s.down },
    lean: round3(lean),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Probes: slower, asked only when the image measure is unsure.

export interface OrientationProbeInput {
  /** Grey PNG of the page as it is (not turned). */
  image: Buffer;
  dpi: number;
  /** Clockwise turns to choose from. */
  candidates: QuarterTurn[];
}

export interface OrientationProbe {
  readonly name: string;
  /** The clockwise turn that makes the page upright, or null when the probe is not sure; confidence in its units. */
  decide(input: OrientationProbeInput): Promise<{ degrees: QuarterTurn | null; confidence: number }>;
  close?(): Promise<void>;
}

const execFileP = promisify(execFile);

/** Parses `tesseract --psm 0` output: "Rotate: 90" and "Orientation confidence: 5.12". */
export function parseOsd(out: string): { rotate: QuarterTurn; confidence: number } | null {
  const rotate = /Rotate:\s*(\d+)/.exec(out)?.[1];
  const conf = /Orientation confidence:\s*([\d.]+)/.exec(out)?.[1];
  if (rotate === undefined || conf === undefined) return null;
  const r = Number(rotate);
  if (r !== 0 && r !== 90 && r !== 180 && r !== 270) return null;
  return { rotate: r, confidence: Number(conf) };
}

/** OSD of the native tesseract binary (needs osd.traineddata: Debian tesseract-ocr-osd). ~1 s per A4 page. */
export function createNativeOsdProbe(
  opts: { binary?: string; minConfidence?: number; timeoutMs?: number } = {},
): OrientationProbe {
  const binary = opts.binary ?? 'tesseract';
  const min = opts.minConfidence ?? 2;
  return {
    name: 'tesseract-osd',
    async decide({ image, dpi }) {
      const dir = await mkdtemp(join(tmpdir(), 'faldone-osd-'));
      try {
        const file = join(dir, 'page.png');
        await writeFile(file, image);
        let out: string;
        try {
          const r = await execFileP(binary, [file, 'stdout', '--psm', '0', '--dpi', String(Math.round(dpi))], {
            timeout: opts.timeoutMs ?? 60_000,
            env: { ...process.env, OMP_THREAD_LIMIT: '1' },
          });
          out = `${r.stdout}\n${r.stderr}`;
        } catch (err) {
          // tesseract exits non-zero when it finds too few characters for OSD: that is "not sure", not a failure.
          const e = err as { stdout?: string; stderr?: string; code?: unknown };
          if (e.code === 'ENOENT') throw new OcrConfigError(`cannot run ${binary} for orientation detection`);
          out = `${e.stdout ?? ''}\n${e.stderr ?? ''}`;
        }
        const osd = parseOsd(out);
        if (!osd) return { degrees: null, confidence: 0 };
        return { degrees: osd.confidence >= min ? osd.rotate : null, confidence: osd.confidence };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * OSD with tesseract.js: the legacy engine and osd.traineddata from the npm package @tesseract.js-data/osd (read
 * locally, never downloaded). One worker, created on first use; close() ends it.
 */
export function createTesseractJsOsdProbe(opts: { langPath?: string; minConfidence?: number } = {}): OrientationProbe {
  const langPath = opts.langPath ?? osdDataPath();
  const min = opts.minConfidence ?? 2;
  let worker: Promise<Tesseract.Worker> | undefined;
  return {
    name: 'tesseract.js-osd',
    async decide({ image }) {
      worker ??= Tesseract.createWorker('osd', Tesseract.OEM.TESSERACT_ONLY, {
        langPath,
        gzip: true,
        cacheMethod: 'none',
        legacyCore: true,
        legacyLang: true,
      } as Partial<Tesseract.WorkerOptions>);
      const { data } = await (await worker).detect(image);
      const rotate = data.orientation_degrees;
      const confidence = data.orientation_confidence ?? 0;
      if (rotate !== 0 && rotate !== 90 && rotate !== 180 && rotate !== 270) return { degrees: null, confidence: 0 };
      return { degrees: confidence >= min ? rotate : null, confidence: Math.round(confidence * 100) / 100 };
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await (await w).terminate();
    },
  };
}

/** Folder of osd.traineddata.gz from @tesseract.js-data/osd; OcrConfigError when the package is not installed. */
export function osdDataPath(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@tesseract.js-data/osd/package.json')), '4.0.0');
  } catch {
    throw new OcrConfigError('no orientation data for tesseract.js: npm install @tesseract.js-data/osd');
  }
}

/**
 * Orientation by OCR confidence: recognises a central square of the page at each candidate turn with the engine and
 * keeps the turn whose words are read with the most confidence. Works with any OcrEngine; costs one OCR of a ~9 cm
 * square per candidate.
 */
export function createOcrConfidenceProbe(engine: OcrEngine, opts: { sideMm?: number } = {}): OrientationProbe {
  return {
    name: 'ocr-confidence',
    async decide({ image, dpi, candidates }) {
      const meta = await sharp(image).metadata();
      const side = Math.min(meta.width!, meta.height!, Math.round(((opts.sideMm ?? 90) / 25.4) * dpi));
      const crop = {
        left: Math.floor((meta.width! - side) / 2),
        top: Math.floor((meta.height! - side) / 2),
        width: side,
        height: side,
      };
      const scores: Array<{ degrees: QuarterTurn; score: number }> = [];
      for (const degrees of candidates) {
        const turned = await sharp(image).extract(crop).rotate(degrees).png({ compressionLevel: 1 }).toBuffer();
        const r = await engine.recognise(turned, { dpi });
        // Confident words of real letters: upside-down text reads as short, unsure fragments.
        let score = 0;
        for (const w of r.words) {
          const letters = (w.text.match(/\p{L}/gu) ?? []).length;
          if (letters >= 2) score += (w.confidence / 100) * letters;
        }
        scores.push({ degrees, score });
      }
      scores.sort((x, y) => y.score - x.score);
      const best = scores[0];
      const second = scores[1]?.score ?? 0;
      if (!best || best.score < 10) return { degrees: null, confidence: 0 };
      const confidence = Math.round(((best.score - second) / best.score) * 1000) / 1000;
      return { degrees: confidence >= 0.2 ? best.degrees : null, confidence };
    },
  };
}

export type OrientationProbeKind = 'auto' | 'native-osd' | 'tesseract.js-osd' | 'none';

/**
 * The probe a configuration names. 'auto': native tesseract's OSD when the binary has osd data, else tesseract.js
 * OSD when @tesseract.js-data/osd is installed, else none (unsure pages are then left as they are). An explicit
 * kind that cannot run is an OcrConfigError. The caller closes the probe (close?.()) at shutdown.
 */
export async function orientationProbeFor(
  kind: OrientationProbeKind,
  opts: { binary?: string } = {},
): Promise<OrientationProbe | undefined> {
  if (kind === 'none') return undefined;
  if (kind === 'native-osd' || kind === 'auto') {
    const info = await probeNativeTesseract(opts.binary);
    if (info?.languages.includes('osd')) return createNativeOsdProbe({ binary: opts.binary });
    if (kind === 'native-osd')
      throw new OcrConfigError('native tesseract with osd data not found: install tesseract-ocr-osd');
  }
  try {
    return createTesseractJsOsdProbe({ langPath: osdDataPath() });
  } catch (err) {
    if (kind === 'auto') return undefined;
    throw err;
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
