// Page orientation (0/90/180/270) measured on the image, cheaply: the direction of the text lines comes from the
// projection profiles (lines run along the axis whose profile is sharp); upright vs upside down comes from the
// ascender/descender asymmetry of Latin script (ink above the x-height band outweighs ink below the baseline about
// 2:1 in Italian prose). When the measure is weak (few lines, no text), a probe decides: tesseract's OSD (native
// binary or tesseract.js with @tesseract.js-data/osd) or the OCR engine's confidence at each candidate turn.
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
  /** 0..1: how clearly the image decided (axis × up/down). */
  confidence: number;
  /** 0..1: how clearly the lines run along one axis (horizontal or vertical) rather than the other. */
  axisConfidence: number;
  /** Skew of the lines in the upright frame (clockwise degrees); NaN when no line structure was found. */
  skewDegrees: number;
  /** Profile sharpness along the chosen axis (see SkewEstimate.sharpness). */
  sharpness: number;
  /** Text lines measured for the up/down decision. */
  lines: number;
  /** (ascender ink - descender ink) / (sum), in the chosen frame: > 0 means that frame is upright. */
  asymmetry: number;
}

export type OrientationOptions = SkewSearchOptions;

/** Rotates ink points by a quarter turn clockwise (so `turn` applied to the image is applied to the points). */
export function turnPoints(p: InkPoints, turn: QuarterTurn): InkPoints {
  if (turn === 0) return p;
  if (turn === 270) return turnPointsCcw(p);
  const ccw = turnPointsCcw(p);
  if (turn === 180) return turnPointsCcw(ccw);
  return turnPointsCcw(turnPointsCcw(ccw));
}

/**
 * Up/down asymmetry of the text lines: each line votes (ink above its x-height band - ink below its baseline) /
 * (both), so a bold title or a stamp weighs no more than a line of prose. The page is cut into vertical strips
 * ~5 cm wide (at 100 dpi) so that side-by-side blocks (a letterhead, an address, a signature) keep their own lines.
 */
export function lineAsymmetry(points: InkPoints, degrees: number): { asymmetry: number; lines: number } {
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
  const found: Array<{ vote: number; height: number }> = [];
  for (const part of parts) {
    const { hist } = profileAt({ ...part, width: points.width, height: points.height }, degrees);
    lineVotes(hist, found);
  }
  if (found.length === 0) return { asymmetry: 0, lines: 0 };
  const heights = found.map((l) => l.height).sort((a, b) => a - b);
  const typical = heights[heights.length >> 1]!;
  // Lines of a plausible height: not specks, not a merged block of several lines or a picture.
  const lines = found.filter((l) => l.height >= typical * 0.5 && l.height <= typical * 2.5);
  if (lines.length === 0) return { asymmetry: 0, lines: 0 };
  return { asymmetry: lines.reduce((a, l) => a + l.vote, 0) / lines.length, lines: lines.length };
}

/** Finds the text lines of one profile and adds their up/down votes to `out`. */
function lineVotes(hist: Int32Array, out: Array<{ vote: number; height: number }>): void {
  let peak = 0;
  for (let i = 0; i < hist.length; i++) if (hist[i]! > peak) peak = hist[i]!;
  if (peak < 4) return;
  const floor = Math.max(1, peak * 0.05);
  let i = 0;
  while (i < hist.length) {
    if (hist[i]! < floor) {
      i++;
      continue;
    }
    const s = i;
    let max = 0;
    let total = 0;
    while (i < hist.length && hist[i]! >= floor) {
      if (hist[i]! > max) max = hist[i]!;
      total += hist[i]!;
      i++;
    }
    const e = i - 1;
    if (max < peak * 0.15 || e - s < 3) continue;
    // The x-height band: from the first to the last row holding half the line's densest row.
    let cs = s;
    while (hist[cs]! < max * 0.5) cs++;
    let ce = e;
    while (hist[ce]! < max * 0.5) ce--;
    let up = 0;
    for (let k = s; k < cs; k++) up += hist[k]!;
    let down = 0;
    for (let k = ce + 1; k <= e; k++) down += hist[k]!;
    // All capitals or digits: nothing above or below the band, no vote.
    if (up + down < total * 0.03) continue;
    out.push({ vote: (up - down) / (up + down), height: e - s + 1 });
  }
}

/**
 * Orientation of a page from its ink points. The returned confidence combines how sharp the lines are along the
 * chosen axis (vs the other) and how strong and how well supported (lines) the up/down asymmetry is.
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
  if (skew.sharpness < 1.5) {
    const none = { degrees: 0 as const, confidence: 0, axisConfidence: 0, skewDegrees: Number.NaN };
    return { ...none, sharpness: round3(skew.sharpness), lines: 0, asymmetry: 0 };
  }
  // Frame in which lines are horizontal: the points as they are, or turned 90° counter-clockwise (270 clockwise).
  const frame = vertical ? turned : points;
  const { asymmetry, lines } = lineAsymmetry(frame, skew.degrees);
  // Up/down: |asymmetry| ~0.3 on prose; a handful of lines are noisy, so weigh by their number.
  const flipConfidence = clamp01(Math.abs(asymmetry) / 0.15) * clamp01(lines / 6);
  const upright = asymmetry >= 0;
  let degrees: QuarterTurn;
  if (!vertical) degrees = upright ? 0 : 180;
  else degrees = upright ? 270 : 90; // the frame is the image turned by 270 clockwise
  // A half turn keeps the slope of a line, so the skew measured in the frame is the skew of the upright page.
  return {
    degrees,
    confidence: round3(axisConfidence * flipConfidence),
    axisConfidence: round3(axisConfidence),
    skewDegrees: skew.degrees,
    sharpness: round3(skew.sharpness),
    lines,
    asymmetry: round3(asymmetry),
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
