// Assembles a searchable PDF: each page is the scan (JPEG, drawn full-page) with tesseract's invisible-text page
// (pdfTextOnly output) overlaid on the same box, so text extracted from the PDF is exactly the OCR text.
// Deterministic: identical input gives identical bytes (no clock, fixed producer, /ID derived from the content).
// Identified as PDF/A-2b (XMP metadata and an sRGB output intent, see pdfa.ts).
import { createHash } from 'node:crypto';
import { PDFArray, PDFDocument, PDFHexString } from 'pdf-lib';
import { addPdfAIdentification } from './pdfa.ts';

export interface SearchablePdfPage {
  jpeg: Buffer | Uint8Array;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** One-page invisible-text PDF from the OCR engine; omitted → an image-only page. */
  textPdf?: Uint8Array;
}

export interface SearchablePdfMeta {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  producer?: string; // default 'Faldone'
  creator?: string;
  /** Also used as the modification date. No dates are written when absent (keeps output deterministic). */
  creationDate?: Date;
  language?: string; // catalog /Lang, e.g. 'it-IT'
}

export class SearchablePdfError extends Error {
  override name = 'SearchablePdfError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const JPEG_SOI = [0xff, 0xd8, 0xff];

export async function buildSearchablePdf(
  pages: SearchablePdfPage[],
  meta: SearchablePdfMeta = {},
): Promise<Uint8Array> {
  if (pages.length === 0) throw new SearchablePdfError('no pages');
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const id = createHash('sha256');

  for (const [i, p] of pages.entries()) {
    const n = i + 1;
    if (!(p.widthPx > 0 && p.heightPx > 0)) throw new SearchablePdfError(`page ${n}: invalid size ${p.widthPx}x${p.heightPx}`);
    if (!(p.dpi > 0)) throw new SearchablePdfError(`page ${n}: invalid dpi ${p.dpi}`);
    if (!JPEG_SOI.every((b, k) => p.jpeg[k] === b)) throw new SearchablePdfError(`page ${n}: image is not a JPEG`);
    const width = (p.widthPx / p.dpi) * 72;
    const height = (p.heightPx / p.dpi) * 72;
    if (width > 14_400 || height > 14_400) {
      // PDF implementations limit pages to 200 inches (14,400 pt) per side.
      throw new SearchablePdfError(`page ${n}: ${Math.round(width)}x${Math.round(height)} pt exceeds 14400 pt`);
    }
    const page = pdf.addPage([width, height]);
    let image;
    try {
      image = await pdf.embedJpg(p.jpeg);
    } catch (err) {
      throw new SearchablePdfError(`page ${n}: cannot embed JPEG: ${(err as Error).message}`, { cause: err });
    }
    page.drawImage(image, { x: 0, y: 0, width, height });
    id.update(p.jpeg);
    id.update(`${p.widthPx}x${p.heightPx}@${p.dpi}`);

    if (p.textPdf && p.textPdf.length > 0) {
      let embedded;
      try {
        [embedded] = await pdf.embedPdf(p.textPdf, [0]);
      } catch (err) {
        throw new SearchablePdfError(`page ${n}: cannot read the text PDF: ${(err as Error).message}`, { cause: err });
      }
      if (!embedded) throw new SearchablePdfError(`page ${n}: the text PDF has no page`);
      // Scale the text page onto the same box as the image (tesseract sizes it from the dpi it was given).
      page.drawPage(embedded, { x: 0, y: 0, width, height });
      id.update(p.textPdf);
    }
  }

  if (meta.title !== undefined) pdf.setTitle(meta.title, { showInWindowTitleBar: true });
  if (meta.author !== undefined) pdf.setAuthor(meta.author);
  if (meta.subject !== undefined) pdf.setSubject(meta.subject);
  if (meta.keywords !== undefined) pdf.setKeywords(meta.keywords);
  if (meta.creator !== undefined) pdf.setCreator(meta.creator);
  pdf.setProducer(meta.producer ?? 'Faldone');
  if (meta.creationDate) {
    pdf.setCreationDate(meta.creationDate);
    pdf.setModificationDate(meta.creationDate);
  }
  if (meta.language) pdf.setLanguage(meta.language);
  addPdfAIdentification(pdf, { ...meta, producer: meta.producer ?? 'Faldone' });

  // A stable file identifier (PDF/A and PDF 2.0 want one): both halves from the content and the metadata.
  id.update(JSON.stringify({ ...meta, creationDate: meta.creationDate?.toISOString() }));
  const hex = id.digest('hex').slice(0, 32);
  const fileId = PDFArray.withContext(pdf.context);
  fileId.push(PDFHexString.of(hex));
  fileId.push(PDFHexString.of(hex));
  pdf.context.trailerInfo.ID = fileId;

  // No object streams: PDF/A-1 forbids them and they gain nothing on image-heavy files.
  return pdf.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}
