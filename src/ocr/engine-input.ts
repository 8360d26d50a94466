// What both OCR engines do with a page image before recognising it: read it with sharp (refusing what is empty,
// unreadable or without dimensions) and, when tesseract's leptonica may not read it as it is, hand it over as a PNG.
import sharp, { type Metadata } from 'sharp';
import { OcrError } from './ocr-engine.ts';

/** sharp's metadata of the image, with its dimensions; an OcrError when it is empty, unreadable or has no size. */
export async function engineInputMetadata(input: Buffer): Promise<Metadata & { width: number; height: number }> {
  if (!Buffer.isBuffer(input) || input.length === 0) throw new OcrError('empty image');
  let meta: Metadata;
  try {
    meta = await sharp(input).metadata();
  } catch (err) {
    throw new OcrError(`unreadable image: ${(err as Error).message}`, { cause: err });
  }
  if (!meta.width || !meta.height) throw new OcrError('image has no dimensions');
  return meta as Metadata & { width: number; height: number };
}

/** The image turned upright by its EXIF orientation, as a quickly compressed PNG. */
export async function uprightPng(input: Buffer): Promise<{ image: Buffer; width: number; height: number }> {
  const png = await sharp(input).autoOrient().png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { image: png.data, width: png.info.width, height: png.info.height };
}
