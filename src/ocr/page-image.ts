// Prepares one page image for OCR and for the searchable PDF, with sharp.
// Clean-up (each step optional, all recorded in `cleanup`): dark scanner borders trimmed, the page turned upright
// (0/90/180/270) and deskewed, then for OCR a median denoise and a contrast normalisation.
// OCR image: grey lossless PNG with the density. PDF image: the same geometry as a JPEG (colour kept unless asked
// otherwise), so the searchable PDF shows the page upright and straight; an input JPEG needing no change is reused.
import sharp, { type Metadata, type Sharp } from 'sharp';
import { analysisCopy, flattenBackground, planCleanup, type AnalysisCopy, type CleanupPlan } from './cleanup.ts';
import type { OrientationProbe, QuarterTurn } from './orientation.ts';

export type { QuarterTurn } from './orientation.ts';

/** Clean-up steps; each can be turned off. Config keys: ocr.cleanup.* (see the report of issue 4). */
export interface PageCleanupOptions {
  /** Turn pages upright (0/90/180/270), measured on the image (a probe helps when unsure). Default true. */
  orientation?: boolean;
  /** Below this image-measure confidence (0..1) the probe decides; without a probe the page stays as it is. 0.5. */
  orientationMinConfidence?: number;
  /** Asked when the image measure is unsure (tesseract OSD, or OCR confidence at each turn). */
  orientationProbe?: OrientationProbe;
  /** Straighten skewed pages (rotation about the centre, white fill, page size kept). Default true. */
  deskew?: boolean;
  /** Largest skew searched, degrees either way. Default 5. */
  deskewMaxDegrees?: number;
  /** A smaller measured skew is left alone, degrees. Default 0.1. */
  deskewMinDegrees?: number;
  /**
   * Contrast normalisation of the OCR image (the PDF image keeps the scan's look): 'normalise' (default) flattens
   * uneven paper (shadows, gutters) and stretches ink to black and paper to white; 'stretch' only stretches;
   * 'clahe' is sharp's local histogram equalisation; false turns it off.
   */
  contrast?: false | 'normalise' | 'stretch' | 'clahe';
  /** Trim dark scanner borders. Default true. */
  trimBorders?: boolean;
  /** Deepest border trimmed per side, as a fraction of that side. Default 0.2. */
  borderMaxFraction?: number;
  /** Resolution of the grey copy the measures run on. Default 150. */
  analysisDpi?: number;
}

/** What the clean-up measured and did to one page; stored in the page manifest and the page's text record. */
export interface PageCleanupRecord {
  orientation: {
    /** Clockwise quarter turn applied to make the page upright. */
    degrees: QuarterTurn;
    /** 'profile': decided on the image (line direction + ascender/descender asymmetry); 'probe': by the probe;
     *  'undecided': neither was sure, page left as it was; 'off': step disabled. */
    method: 'profile' | 'probe' | 'undecided' | 'off';
    /** Confidence of the image measure, 0..1 (0 when off). */
    confidence: number;
    /** When the probe was asked: its name, its answer (null: unsure) and its own confidence. */
    probe?: { name: string; degrees: QuarterTurn | null; confidence: number };
  };
  deskew: {
    /** Clockwise rotation applied after the quarter turn, degrees (0: none). */
    degrees: number;
    /** Skew measured on the upright page (clockwise degrees), null when not measured or no text lines. */
    measured: number | null;
    method: 'projection-profile' | 'off';
  };
  denoise: { median: number };
  /** Contrast of the OCR image only. */
  contrast: {
    method: 'normalise' | 'stretch' | 'clahe' | 'off';
    applied: boolean;
    /** Grey levels of ink and paper (after flattening), which the stretch maps to 0 and 255. */
    ink?: number;
    paper?: number;
    /** 'normalise': paper brightness across the page (5th/95th percentile) and whether it was flattened. */
    background?: { min: number; max: number; flattened: boolean };
  };
  /** Pixels trimmed from each side of the upright page, at full resolution. */
  border: { top: number; right: number; bottom: number; left: number };
}

export interface PreparePageImageOptions {
  /** Refuse images with more pixels than this (decompression bombs). Default 200 megapixels. */
  limitInputPixels?: number;
  /** Resolution used when the image carries none or an implausible one. Default 300. */
  defaultDpi?: number;
  /** Known resolution (e.g. computed from a PDF page's MediaBox): overrides the image metadata. */
  dpi?: number;
  /** Median filter window for the OCR image; 0 or 1 disables it. Default 3. */
  median?: number;
  /** Colour of the PDF page image: 'keep' the source colours (default) or 'grey'. */
  pdfColour?: 'keep' | 'grey';
  /** JPEG quality of a re-encoded PDF image. Default 85. */
  jpegQuality?: number;
  /** Reuse the input bytes as the PDF image when it is already an upright baseline/progressive JPEG (default true). */
  reuseJpeg?: boolean;
  /** Extra clockwise rotation after the EXIF orientation (e.g. a PDF page's /Rotate): 0, 90, 180 or 270. */
  rotate?: 0 | 90 | 180 | 270;
  /** Page of a multi-page input (TIFF, PDF-less formats). Default 0. */
  page?: number;
  /** Clean-up steps (all on by default); false turns every step off (the median filter stays: see `median`). */
  cleanup?: PageCleanupOptions | false;
}

export interface PreparedPageImage {
  /** Grey PNG for OCR (carries the density). */
  ocrImage: Buffer;
  /** JPEG for the PDF page, same pixel size as ocrImage. */
  pdfImage: Buffer;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** Where the dpi came from ('given' when passed in opts.dpi). */
  dpiSource: 'metadata' | 'given' | 'default';
  /** True when pdfImage is the input JPEG unchanged. */
  pdfImageReused: boolean;
  /** What the clean-up measured and did. */
  cleanup: PageCleanupRecord;
  /** Time spent measuring (and probing) for the clean-up, ms. Not part of the record: it varies run to run. */
  cleanupMs: number;
  /** The page before clean-up, grey at about 100 DPI in the input frame (for the page quality checks), with the
   *  quarter turn that makes it upright. */
  analysis: AnalysisCopy & { turn: QuarterTurn };
}

export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const DEFAULT_LIMIT_INPUT_PIXELS = 200_000_000;
/** Densities outside this range are treated as "unset" (72/96 are screen defaults written by many tools). */
export const PLAUSIBLE_DPI = { min: 100, max: 2400 } as const;

/** The scan resolution from image metadata, or the default when absent or implausible. */
export function dpiFromDensity(
  density: number | undefined,
  defaultDpi = 300,
): { dpi: number; source: 'metadata' | 'default' } {
  if (
    density !== undefined &&
    Number.isFinite(density) &&
    density >= PLAUSIBLE_DPI.min &&
    density <= PLAUSIBLE_DPI.max
  ) {
    return { dpi: Math.round(density), source: 'metadata' };
  }
  return { dpi: defaultDpi, source: 'default' };
}

export async function preparePageImage(input: Buffer, opts: PreparePageImageOptions = {}): Promise<PreparedPageImage> {
  const limitInputPixels = opts.limitInputPixels ?? DEFAULT_LIMIT_INPUT_PIXELS;
  const median = opts.median ?? 3;
  const sharpOpts = { limitInputPixels, failOn: 'error' as const, page: opts.page ?? 0 };

  let meta: Metadata;
  try {
    meta = await sharp(input, sharpOpts).metadata();
  } catch (err) {
    throw new InvalidImageError(`cannot read image: ${(err as Error).message}`, { cause: err });
  }
  if (!meta.width || !meta.height) throw new InvalidImageError('image has no dimensions');
  if (meta.width * meta.height > limitInputPixels) {
    throw new InvalidImageError(
      `image too large: ${meta.width}x${meta.height} exceeds the limit of ${limitInputPixels} pixels`,
    );
  }
  const { dpi, source } =
    opts.dpi !== undefined && opts.dpi > 0
      ? { dpi: opts.dpi, source: 'given' as const }
      : dpiFromDensity(meta.density, opts.defaultDpi ?? 300);

  let grey: RawImage;
  const rotate = opts.rotate ?? 0;
  // autoOrient applies the EXIF orientation (the output carries none).
  const base = () => {
    let img = sharp(input, sharpOpts).autoOrient();
    if (rotate) img = img.rotate(rotate);
    return img.flatten({ background: '#ffffff' });
  };
  try {
    // greyscale() alone still writes 3 identical channels: ask for a one-channel 'b-w' output.
    const g = await base()
      .greyscale()
      .toColourspace('b-w')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    grey = { data: g.data, width: g.info.width, height: g.info.height, channels: g.info.channels };
    // One 8-bit channel (16-bit scans are reduced): the measures read the buffer byte by byte.
    if (grey.channels !== 1 || g.data.length !== grey.width * grey.height) {
      throw new Error(`expected one 8-bit grey channel, got ${grey.channels}`);
    }
  } catch (err) {
    throw new InvalidImageError(`cannot process image: ${(err as Error).message}`, { cause: err });
  }

  try {
    const plan = await planCleanup(grey, dpi, opts.cleanup === false ? false : (opts.cleanup ?? {}), median);
    // The page turned and straightened once, shared by the OCR image and a grey PDF image.
    const straight = await geometry(grey, plan);
    const ocrSource = plan.background
      ? await geometry({ ...grey, data: await flattenBackground(grey, plan.background.map) }, plan)
      : straight;
    let ocr = pipeline(ocrSource);
    if (median > 1) ocr = ocr.median(median);
    ocr = contrast(ocr, plan, dpi);
    // compressionLevel 1: the PNG is decoded once by tesseract; fast encoding matters more than size.
    const ocrOut = await ocr
      .withDensity(dpi)
      .png({ compressionLevel: 1, adaptiveFiltering: false })
      .toBuffer({ resolveWithObject: true });

    const upright = !meta.orientation || meta.orientation === 1;
    const reusable =
      opts.reuseJpeg !== false &&
      meta.format === 'jpeg' &&
      upright &&
      !rotate &&
      !plan.changesGeometry &&
      (meta.space === 'srgb' || meta.space === 'b-w') &&
      (opts.pdfColour !== 'grey' || meta.channels === 1);
    let pdfImage: Buffer;
    if (reusable) {
      pdfImage = input;
    } else {
      const greyPdf = opts.pdfColour === 'grey' || meta.channels === 1 || meta.space === 'b-w';
      let pdf: Sharp;
      if (greyPdf) {
        pdf = pipeline(straight);
      } else if (!plan.changesGeometry) {
        pdf = base();
      } else {
        const c = await base()
          .toColourspace('srgb')
          .removeAlpha()
          .raw({ depth: 'uchar' })
          .toBuffer({ resolveWithObject: true });
        const colour = { data: c.data, width: c.info.width, height: c.info.height, channels: c.info.channels };
        pdf = pipeline(await geometry(colour, plan));
      }
      pdf = greyPdf ? pdf.toColourspace('b-w') : pdf.toColourspace('srgb');
      pdfImage = await pdf
        .withDensity(dpi)
        .jpeg({ quality: opts.jpegQuality ?? 85 })
        .toBuffer();
    }

    return {
      ocrImage: ocrOut.data,
      pdfImage,
      widthPx: ocrOut.info.width,
      heightPx: ocrOut.info.height,
      dpi,
      dpiSource: source,
      pdfImageReused: reusable,
      cleanup: plan.record,
      cleanupMs: plan.ms,
      analysis: { ...(plan.analysis ?? (await wholeAnalysisCopy(grey, dpi))), turn: plan.turn },
    };
  } catch (err) {
    throw new InvalidImageError(`cannot process image: ${(err as Error).message}`, { cause: err });
  }
}

/** The analysis copy when the clean-up made none (every step off): the whole page at about 100 DPI. */
async function wholeAnalysisCopy(grey: RawImage, dpi: number): Promise<AnalysisCopy> {
  const a = await analysisCopy(grey, dpi, 100);
  return { ...a, dpi: (dpi * a.width) / grey.width, box: { left: 0, top: 0, width: a.width, height: a.height } };
}

interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/** A sharp pipeline reading a raw image (one channel read as grey, not sRGB). */
function pipeline(img: RawImage): Sharp {
  const s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } });
  return img.channels === 1 ? s.toColourspace('b-w') : s;
}

/** The planned trim, quarter turn and deskew (one resampling at most); the page keeps its size. */
async function geometry(img: RawImage, plan: CleanupPlan): Promise<RawImage> {
  if (!plan.changesGeometry) return img;
  const t = plan.trim;
  let s = pipeline(img);
  if (t) s = s.extract(t); // before rotate(): cut in the input frame
  if (plan.deskewDegrees === 0) {
    if (plan.turn) s = s.rotate(plan.turn); // lossless quarter turn
    return materialise(s, img.channels);
  }
  // Rotate about the centre onto white (the canvas grows to hold the corners), then cut the centre back to the
  // page size, so the page keeps its dimensions and dpi.
  const w = t ? t.width : img.width;
  const h = t ? t.height : img.height;
  const [tw, th] = plan.turn % 180 === 0 ? [w, h] : [h, w];
  const white = img.channels === 1 ? { r: 255, g: 255, b: 255 } : { r: 255, g: 255, b: 255, alpha: 1 };
  const r = await materialise(s.rotate(plan.turn + plan.deskewDegrees, { background: white }), img.channels);
  const width = Math.min(tw, r.width);
  const height = Math.min(th, r.height);
  const centre = pipeline(r).extract({
    left: Math.floor((r.width - width) / 2),
    top: Math.floor((r.height - height) / 2),
    width,
    height,
  });
  return materialise(centre, img.channels);
}

/** Runs a pipeline into a raw 8-bit image with `channels` channels (rotating onto a colour background adds some). */
async function materialise(s: Sharp, channels: number): Promise<RawImage> {
  const out = await (channels === 1 ? s.toColourspace('b-w') : s)
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height, channels: out.info.channels };
}

function contrast(s: Sharp, plan: CleanupPlan, dpi: number): Sharp {
  const c = plan.record.contrast;
  if (!c.applied) return s;
  if (c.method === 'clahe') {
    // A window of about an inch: larger than letters, smaller than shading across the page.
    const win = Math.max(8, Math.round(dpi));
    return s.clahe({ width: win, height: win, maxSlope: 3 });
  }
  return s.linear(plan.stretch.a, plan.stretch.b);
}
