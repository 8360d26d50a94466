// Page quality control of a scanned page, on the grey copy the clean-up already made (~100 DPI, before any
// correction): resolution below the minimum (or unknown), blank or near-blank, too dark, too light, heavy skew and
// content cut at an edge. Each warning carries its code, an Italian message, the measured value and the threshold.
// Warnings never fail a document: they tell the scanning station which sheets to rescan.
import { estimateSkew, greyHistogram, otsuOfHistogram, textInkPointsOf, type Box } from '../ocr/deskew.ts';
import { turnSides } from '../ocr/cleanup.ts';
import type { QuarterTurn } from '../ocr/orientation.ts';
import { measureBlank } from './blank-page.ts';
import type { QualityCode } from './quality-labels.ts';

export { QUALITY_CODES, QUALITY_LABELS, type QualityCode } from './quality-labels.ts';
export type PageSide = 'top' | 'right' | 'bottom' | 'left';

const SIDE_LABELS: Record<PageSide, string> = {
  top: 'superiore',
  right: 'destro',
  bottom: 'inferiore',
  left: 'sinistro',
};

export interface QualityWarning {
  code: QualityCode;
  /** For people, in Italian, with the value and the threshold. */
  message: string;
  /** The measured value (null: unknown, e.g. a resolution the file does not declare). */
  value: number | null;
  threshold: number;
  /** cut-edge: the sides whose border band holds content. */
  sides?: PageSide[];
}

/** What was measured (kept with the warnings so that thresholds can be tuned later on real batches). */
export interface PageQualityMeasures {
  dpi: number | null;
  /** Mean grey level of the page inside its scanner borders, 0..255. */
  meanLuminance: number;
  /** Median grey level (the paper). */
  paperLevel: number;
  /** Share of pixels darker than `darkLevel` (absolute): the dark ink. */
  inkCoverage: number;
  /** Share of 5 mm tiles holding ink (relative to the paper): how much of the page is written. */
  inkedTileFraction: number;
  /** Measured skew before correction, degrees (null: no text lines to measure). */
  skewDegrees: number | null;
  /** Per side (upright page), the share of the border band's length that holds ink. */
  edgeInk: Record<PageSide, number>;
}

export interface PageQuality {
  warnings: QualityWarning[];
  measures: PageQualityMeasures;
}

export interface PageQualityThresholds {
  /** Below this scan resolution the page is flagged. Default 200. */
  minDpi: number;
  /** Skew (either way) above which the page is flagged, degrees. Default 2. */
  maxSkewDegrees: number;
  /** Blank: at most this share of inked tiles (as blank-page.ts). Default 0.003. */
  blankMaxInkedTiles: number;
  /** Near-blank: at most this share of inked tiles (a stamp, a page number, a signature). Default 0.015. */
  nearBlankMaxInkedTiles: number;
  /** Too dark: mean luminance below this. Default 150. */
  darkMaxMeanLuminance: number;
  /** Too dark: more than this share of the page is dark ink. Default 0.35. */
  darkMaxInkCoverage: number;
  /** Too light: a written page with less than this share of dark ink (faded or over-exposed). Default 0.002. */
  lightMinInkCoverage: number;
  /** Grey level below which a pixel is dark ink (absolute). Default 128. */
  darkLevel: number;
  /** Width of the border band searched for cut content, mm. Default 2. */
  edgeBandMm: number;
  /** Share of a side's length with ink in its band from which content is cut. Default 0.03. */
  edgeMinInk: number;
  /** A band inked along more than this share of its length is a shadow or a border, not content. Default 0.9. */
  edgeMaxInk: number;
}

export const DEFAULT_QUALITY_THRESHOLDS: PageQualityThresholds = {
  minDpi: 200,
  maxSkewDegrees: 2,
  blankMaxInkedTiles: 0.003,
  nearBlankMaxInkedTiles: 0.015,
  darkMaxMeanLuminance: 150,
  darkMaxInkCoverage: 0.35,
  lightMinInkCoverage: 0.002,
  darkLevel: 128,
  edgeBandMm: 2,
  edgeMinInk: 0.03,
  edgeMaxInk: 0.9,
};

/** The grey page the checks measure: src/ocr/page-image.ts PreparedPageImage.analysis fits. */
export interface QualityRaster {
  data: Uint8Array;
  width: number;
  height: number;
  /** Resolution of this raster (not of the scan). */
  dpi: number;
  /** Region inside the dark scanner borders; default the whole raster. */
  box?: Box;
  /** Clockwise quarter turn that makes the page upright (names the sides). Default 0. */
  turn?: QuarterTurn;
}

export interface PageQualityInput {
  /** Resolution of the scan. */
  dpi: number;
  /** 'default': the file declares none (the value is assumed); 'rendered': a PDF page we rendered (not checked). */
  dpiSource: 'metadata' | 'given' | 'default' | 'rendered';
  /** Skew measured by the clean-up before correcting it (null: no lines); undefined: not measured, measure here. */
  skewDegrees?: number | null;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const pct = (v: number) => `${(v * 100).toLocaleString('it-IT', { maximumFractionDigits: 1 })}%`;
const deg = (v: number) => `${v.toLocaleString('it-IT', { maximumFractionDigits: 1 })}°`;

/** Runs every check on one page: ~15 ms on an A4 page at 100 DPI (bench/page-quality.ts, shared 2 cores). */
export function assessPageQuality(
  raster: QualityRaster,
  input: PageQualityInput,
  thresholds: Partial<PageQualityThresholds> = {},
): PageQuality {
  const t = { ...DEFAULT_QUALITY_THRESHOLDS, ...thresholds };
  const box = raster.box ?? { left: 0, top: 0, width: raster.width, height: raster.height };
  const inner = crop(raster, box);
  const warnings: QualityWarning[] = [];

  // Resolution.
  const dpi = input.dpiSource === 'default' || input.dpiSource === 'rendered' ? null : input.dpi;
  if (input.dpiSource === 'default') {
    warnings.push({
      code: 'low-dpi',
      message: `Risoluzione non indicata nel file (assunti ${input.dpi} DPI; minimo ${t.minDpi} DPI)`,
      value: null,
      threshold: t.minDpi,
    });
  } else if (dpi !== null && dpi < t.minDpi) {
    warnings.push({
      code: 'low-dpi',
      message: `Risoluzione di ${Math.round(dpi)} DPI, sotto il minimo di ${t.minDpi} DPI`,
      value: Math.round(dpi),
      threshold: t.minDpi,
    });
  }

  // How much is written (blank-page.ts, margins cut), luminance and dark ink.
  const blank = measureBlank(inner, raster.dpi, { maxInkedTileFraction: t.blankMaxInkedTiles });
  let sum = 0;
  let dark = 0;
  for (let i = 0; i < inner.data.length; i++) {
    const v = inner.data[i]!;
    sum += v;
    if (v < t.darkLevel) dark++;
  }
  const n = Math.max(1, inner.data.length);
  const meanLuminance = sum / n;
  const inkCoverage = dark / n;
  if (blank.blank) {
    warnings.push({
      code: 'blank',
      message: `Pagina bianca (${pct(blank.inkedTileFraction)} della superficie scritta)`,
      value: round(blank.inkedTileFraction, 4),
      threshold: t.blankMaxInkedTiles,
    });
  } else if (blank.inkedTileFraction <= t.nearBlankMaxInkedTiles) {
    warnings.push({
      code: 'near-blank',
      message: `Pagina quasi bianca (${pct(blank.inkedTileFraction)} della superficie scritta, soglia ${pct(t.nearBlankMaxInkedTiles)})`,
      value: round(blank.inkedTileFraction, 4),
      threshold: t.nearBlankMaxInkedTiles,
    });
  }
  if (meanLuminance < t.darkMaxMeanLuminance) {
    warnings.push({
      code: 'too-dark',
      message: `Scansione troppo scura (luminosità media ${Math.round(meanLuminance)} su 255, minimo ${t.darkMaxMeanLuminance})`,
      value: Math.round(meanLuminance),
      threshold: t.darkMaxMeanLuminance,
    });
  } else if (inkCoverage > t.darkMaxInkCoverage) {
    warnings.push({
      code: 'too-dark',
      message: `Scansione troppo scura (${pct(inkCoverage)} della pagina è nero, massimo ${pct(t.darkMaxInkCoverage)})`,
      value: round(inkCoverage, 4),
      threshold: t.darkMaxInkCoverage,
    });
  } else if (blank.inkedTileFraction > t.nearBlankMaxInkedTiles && inkCoverage < t.lightMinInkCoverage) {
    // Written (ink against the paper) but hardly anything dark: faded or over-exposed.
    warnings.push({
      code: 'too-light',
      message: `Scansione troppo chiara (inchiostro scuro sul ${pct(inkCoverage)} della pagina, minimo ${pct(t.lightMinInkCoverage)})`,
      value: round(inkCoverage, 4),
      threshold: t.lightMinInkCoverage,
    });
  }

  // Skew before correction.
  const skew = input.skewDegrees === undefined ? measureSkew(raster, box) : input.skewDegrees;
  if (skew !== null && Math.abs(skew) > t.maxSkewDegrees) {
    warnings.push({
      code: 'skew',
      message: `Pagina storta di ${deg(Math.abs(skew))} (massimo ${deg(t.maxSkewDegrees)})`,
      value: round(skew, 2),
      threshold: t.maxSkewDegrees,
    });
  }

  // Content cut at the edges: ink reaching the outermost band of the sheet.
  const edgeInk = turnSides(
    edgeInkShares(inner, raster.dpi, blank.paperLevel, t.edgeBandMm),
    raster.turn ?? 0,
  ) as Record<PageSide, number>;
  const sides = (Object.keys(SIDE_LABELS) as PageSide[]).filter(
    (s) => edgeInk[s] >= t.edgeMinInk && edgeInk[s] <= t.edgeMaxInk,
  );
  if (sides.length && !blank.blank) {
    const worst = Math.max(...sides.map((s) => edgeInk[s]));
    warnings.push({
      code: 'cut-edge',
      message: `Contenuto tagliato sul bordo ${sides.map((s) => SIDE_LABELS[s]).join(', ')} (${pct(worst)} del bordo, soglia ${pct(t.edgeMinInk)})`,
      value: round(worst, 4),
      threshold: t.edgeMinInk,
      sides,
    });
  }

  return {
    warnings,
    measures: {
      dpi,
      meanLuminance: round(meanLuminance, 1),
      paperLevel: blank.paperLevel,
      inkCoverage: round(inkCoverage, 4),
      inkedTileFraction: round(blank.inkedTileFraction, 4),
      skewDegrees: skew === null ? null : round(skew, 2),
      edgeInk: {
        top: round(edgeInk.top, 4),
        right: round(edgeInk.right, 4),
        bottom: round(edgeInk.bottom, 4),
        left: round(edgeInk.left, 4),
      },
    },
  };
}

function crop(r: QualityRaster, box: Box): { data: Uint8Array; width: number; height: number } {
  if (box.left === 0 && box.top === 0 && box.width === r.width && box.height === r.height) return r;
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (y + box.top) * r.width + box.left;
    out.set(r.data.subarray(from, from + box.width), y * box.width);
  }
  return { data: out, width: box.width, height: box.height };
}

/**
 * Per side (in the raster's frame), the share of positions along the side whose band of `bandMm` from the edge holds
 * ink. The corners (one band deep on each side) are left out: they belong to two sides and catch skewed sheet corners.
 */
function edgeInkShares(
  r: { data: Uint8Array; width: number; height: number },
  dpi: number,
  paper: number,
  bandMm: number,
): Record<PageSide, number> {
  const { data, width: w, height: h } = r;
  const band = Math.max(1, Math.round((bandMm / 25.4) * dpi));
  const cut = paper - 60;
  const share = (len: number, inked: (i: number) => boolean) => {
    const from = Math.min(len, band * 2);
    const to = Math.max(from, len - band * 2);
    if (to <= from) return 0;
    let k = 0;
    for (let i = from; i < to; i++) if (inked(i)) k++;
    return k / (to - from);
  };
  const rowInk = (y0: number, y1: number) => (x: number) => {
    for (let y = y0; y < y1; y++) if (data[y * w + x]! < cut) return true;
    return false;
  };
  const colInk = (x0: number, x1: number) => (y: number) => {
    const row = y * w;
    for (let x = x0; x < x1; x++) if (data[row + x]! < cut) return true;
    return false;
  };
  if (w <= band * 4 || h <= band * 4) return { top: 0, right: 0, bottom: 0, left: 0 };
  return {
    top: share(w, rowInk(0, band)),
    bottom: share(w, rowInk(h - band, h)),
    left: share(h, colInk(0, band)),
    right: share(h, colInk(w - band, w)),
  };
}

/** Skew of the text lines when the clean-up did not measure it (its deskew off); null without clear lines. */
function measureSkew(r: QualityRaster, box: Box): number | null {
  const hist = greyHistogram(r, box);
  const maxRun = Math.max(8, Math.round((r.dpi * 5) / 25.4));
  const points = textInkPointsOf(r, otsuOfHistogram(hist), maxRun, box);
  if (points.count < 200) return null;
  const e = estimateSkew(points, { maxDegrees: 8 });
  return e.sharpness >= 2 ? e.degrees : null;
}
