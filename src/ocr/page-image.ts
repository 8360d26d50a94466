// Prepares one page image for OCR and for the searchable PDF, with sharp.
// OCR image: EXIF-oriented, alpha flattened onto white, greyscale, median(3) denoise, lossless PNG with the density.
// PDF image: the same geometry as a JPEG (colour kept unless asked otherwise); an already-upright JPEG is reused as is.
import sharp, { type Metadata } from 'sharp';

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
  if (density !== undefined && Number.isFinite(density) && density >= PLAUSIBLE_DPI.min && density <= PLAUSIBLE_DPI.max) {
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

  try {
    // autoOrient applies the EXIF orientation (the output carries none).
    const rotate = opts.rotate ?? 0;
    const base = () => {
      let img = sharp(input, sharpOpts).autoOrient();
      if (rotate) img = img.rotate(rotate);
      return img.flatten({ background: '#ffffff' });
    };

    // greyscale() alone still writes 3 identical channels: ask for a one-channel 'b-w' output.
    let ocr = base().greyscale().toColourspace('b-w');
    if (median > 1) ocr = ocr.median(median);
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
      (meta.space === 'srgb' || meta.space === 'b-w') &&
      (opts.pdfColour !== 'grey' || meta.channels === 1);
    let pdfImage: Buffer;
    if (reusable) {
      pdfImage = input;
    } else {
      let pdf = base();
      if (opts.pdfColour === 'grey' || meta.channels === 1 || meta.space === 'b-w') pdf = pdf.greyscale().toColourspace('b-w');
      else pdf = pdf.toColourspace('srgb');
      pdfImage = await pdf.withDensity(dpi).jpeg({ quality: opts.jpegQuality ?? 85 }).toBuffer();
    }

    return {
      ocrImage: ocrOut.data,
      pdfImage,
      widthPx: ocrOut.info.width,
      heightPx: ocrOut.info.height,
      dpi,
      dpiSource: source,
      pdfImageReused: reusable,
    };
  } catch (err) {
    throw new InvalidImageError(`cannot process image: ${(err as Error).message}`, { cause: err });
  }
}
