// Assembles a searchable PDF: each page is the scan (JPEG, drawn full-page) with tesseract's invisible-text page
// (pdfTextOnly output) overlaid on the same box, so text extracted from the PDF is exactly the OCR text; or, for a
// born-digital page, the original page copied unchanged (vectors, fonts and text as they were).
// Deterministic: identical input gives identical bytes (no clock, fixed producer, /ID derived from the content).
// Identified as PDF/A-2b (XMP metadata and an sRGB output intent, see pdfa.ts) unless a copied page breaks a rule
// of PDF/A-2b that we check for (pdfaIssues, below): then the file makes no PDF/A claim and the report says why.
import { createHash } from 'node:crypto';
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  type PDFContext,
  type PDFObject,
  type PDFPage,
} from 'pdf-lib';
import { loadPdf } from './pdf-images.ts';
import { addPdfAIdentification } from './pdfa.ts';

export interface ImagePdfPage {
  jpeg: Buffer | Uint8Array;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** One-page invisible-text PDF from the OCR engine; omitted → an image-only page. */
  textPdf?: Uint8Array;
}

/** A page of an existing PDF, copied as it is. Pass the same bytes object for every page of one source. */
export interface CopiedPdfPage {
  copyOf: { pdf: Uint8Array; /** 1-based */ page: number };
}

export type SearchablePdfPage = ImagePdfPage | CopiedPdfPage;

/** Whether the file claims PDF/A-2b, and what prevented the claim. */
export interface PdfAReport {
  conformant: boolean;
  /** Set when the file is identified as PDF/A (XMP pdfaid + output intent). */
  level?: 'PDF/A-2b';
  /** Rules of PDF/A-2b broken by copied pages, for people; empty when conformant. */
  issues: string[];
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
  return (await buildDocumentPdf(pages, meta)).pdf;
}

/** Builds the PDF and reports whether it could be identified as PDF/A-2b. */
export async function buildDocumentPdf(
  pages: SearchablePdfPage[],
  meta: SearchablePdfMeta = {},
): Promise<{ pdf: Uint8Array; pdfa: PdfAReport }> {
  if (pages.length === 0) throw new SearchablePdfError('no pages');
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const id = createHash('sha256');
  const copied = await copySourcePages(pdf, pages);
  const copiedInOutput: PDFPage[] = [];
  const sourceIds = new Map<Uint8Array, string>();

  for (const [i, p] of pages.entries()) {
    const n = i + 1;
    if ('copyOf' in p) {
      const page = copied.get(p.copyOf.pdf)?.get(p.copyOf.page);
      if (!page) throw new SearchablePdfError(`page ${n}: source page ${p.copyOf.page} not copied`);
      copiedInOutput.push(pdf.addPage(page));
      if (!sourceIds.has(p.copyOf.pdf))
        sourceIds.set(p.copyOf.pdf, createHash('sha256').update(p.copyOf.pdf).digest('hex'));
      id.update(`copy:${sourceIds.get(p.copyOf.pdf)}#${p.copyOf.page}`);
      continue;
    }
    if (!(p.widthPx > 0 && p.heightPx > 0))
      throw new SearchablePdfError(`page ${n}: invalid size ${p.widthPx}x${p.heightPx}`);
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
  const issues = pdfaIssues(
    pdf.context,
    copiedInOutput.map((p) => p.node),
  );
  // Our own pages (JPEG + tesseract's embedded glyph-less font) meet PDF/A-2b; a copied page may not, and then the
  // file must not say it does.
  if (issues.length === 0) addPdfAIdentification(pdf, { ...meta, producer: meta.producer ?? 'Faldone' });

  // A stable file identifier (PDF/A and PDF 2.0 want one): both halves from the content and the metadata.
  id.update(JSON.stringify({ ...meta, creationDate: meta.creationDate?.toISOString() }));
  const hex = id.digest('hex').slice(0, 32);
  const fileId = PDFArray.withContext(pdf.context);
  fileId.push(PDFHexString.of(hex));
  fileId.push(PDFHexString.of(hex));
  pdf.context.trailerInfo.ID = fileId;

  // No object streams: PDF/A-1 forbids them and they gain nothing on image-heavy files.
  const bytes = await pdf.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  const pdfa: PdfAReport =
    issues.length === 0 ? { conformant: true, level: 'PDF/A-2b', issues } : { conformant: false, issues };
  return { pdf: bytes, pdfa };
}

/**
 * Copies every page asked for, one copyPages call per source so that fonts and images shared by its pages are
 * copied once. Returns source bytes → page number → copied page (not yet added).
 */
async function copySourcePages(
  pdf: PDFDocument,
  pages: SearchablePdfPage[],
): Promise<Map<Uint8Array, Map<number, PDFPage>>> {
  const wanted = new Map<Uint8Array, Set<number>>();
  for (const p of pages) {
    if (!('copyOf' in p)) continue;
    const set = wanted.get(p.copyOf.pdf) ?? new Set<number>();
    set.add(p.copyOf.page);
    wanted.set(p.copyOf.pdf, set);
  }
  const out = new Map<Uint8Array, Map<number, PDFPage>>();
  for (const [bytes, numbers] of wanted) {
    let src: PDFDocument;
    try {
      src = await loadPdf(bytes);
    } catch (err) {
      throw new SearchablePdfError(`cannot read the source PDF: ${(err as Error).message}`, { cause: err });
    }
    const list = [...numbers].sort((a, b) => a - b);
    for (const n of list) {
      if (!(n >= 1 && n <= src.getPageCount())) throw new SearchablePdfError(`the source PDF has no page ${n}`);
      detachPageForCopy(src, n - 1);
    }
    const copies = await pdf.copyPages(
      src,
      list.map((n) => n - 1),
    );
    out.set(bytes, new Map(list.map((n, i) => [n, copies[i]!])));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Copied pages: detaching them from their document, and the PDF/A-2b rules they may break

const N = (s: string) => PDFName.of(s);

// PDF/A-2b (ISO 19005-2) §6.6.1, 6.5.2, 6.3.2: what a page may not hold.
const FORBIDDEN_ACTIONS = new Set([
  'Launch',
  'Sound',
  'Movie',
  'ResetForm',
  'ImportData',
  'JavaScript',
  'Hide',
  'SetOCGState',
  'Rendition',
  'Trans',
  'GoTo3DView',
]);
const FORBIDDEN_ANNOTS = new Set(['Sound', 'Movie', 'Screen', '3D', 'FileAttachment', 'RichMedia', 'TrapNet']);
const ANNOT_HIDDEN_FLAGS = 1 | 2 | 32 | 256; // Invisible, Hidden, NoView, ToggleNoView
const ANNOT_PRINT = 4;

/**
 * Prepares a source page for copying, on our private parse of the source (the original bytes are not touched):
 * - cuts its links to the rest of its document, so the copy drags no other page along (as orphan objects) and keeps
 *   no dangling reference: annotations' /P and /IRT, widgets' field /Parent, internal GoTo links (their target is
 *   not in the copy), structure tree and article bead entries;
 * - removes active content, which an archive copy must not carry: page and annotation additional actions (AA), link
 *   actions other than web links (JavaScript, Launch…), and multimedia or file attachment annotations.
 * What is drawn on the page (content, fonts, images, appearances) stays as it is.
 */
function detachPageForCopy(src: PDFDocument, index: number): void {
  const node = src.getPage(index).node;
  const ctx = src.context;
  for (const key of ['StructParents', 'B', 'AA']) node.delete(N(key));
  const annots = node.Annots();
  if (!annots) return;
  const kept: PDFObject[] = [];
  for (const entry of annots.asArray()) {
    const annot = ctx.lookupMaybe(entry, PDFDict);
    if (!annot) continue;
    const subtype = ctx.lookupMaybe(annot.get(N('Subtype')), PDFName)?.decodeText() ?? '';
    if (FORBIDDEN_ANNOTS.has(subtype)) continue;
    for (const key of ['P', 'IRT', 'StructParent', 'AA', 'Dest']) annot.delete(N(key));
    if (subtype === 'Widget') annot.delete(N('Parent'));
    const action = ctx.lookupMaybe(annot.get(N('A')), PDFDict);
    if (action && !(action.get(N('S')) === N('URI') && !action.has(N('Next')))) annot.delete(N('A'));
    kept.push(entry);
  }
  node.set(N('Annots'), ctx.obj(kept));
}

/**
 * Rules of PDF/A-2b that pages copied from other PDFs commonly break, found by walking everything the pages
 * reference: fonts not embedded, LZW compression, DeviceCMYK colour (the output intent is sRGB), forbidden actions
 * and annotations, embedded files, optional content, transfer functions, interpolated or alternate images,
 * PostScript. Conservative: anything it cannot read counts as an issue. Not a validator: a clean result means none
 * of these was found. Annotations lacking the /F flags get the Print flag (what PDF/A converters do).
 */
function pdfaIssues(ctx: PDFContext, pages: PDFDict[]): string[] {
  const issues = new Set<string>();
  const seen = new Set<PDFObject>();
  const name = (o: PDFObject | undefined) =>
    ctx.lookup(o) instanceof PDFName ? (ctx.lookup(o) as PDFName).decodeText() : undefined;

  const content = (stream: PDFObject | undefined) => {
    const s = ctx.lookup(stream);
    if (!(s instanceof PDFStream)) return;
    let text: string;
    try {
      text = Buffer.from(s instanceof PDFRawStream ? decodePDFRawStream(s).decode() : s.getContents()).toString(
        'latin1',
      );
    } catch {
      issues.add('a content stream cannot be decoded for checking');
      return;
    }
    // Operators are whitespace- or delimiter-separated tokens; a false hit (inside a string) only drops the claim.
    if (/(^|[\s\])>])[kK](?=[\s/[(<]|$)/.test(text) || /\/(DeviceCMYK|CMYK)\b/.test(text))
      issues.add('DeviceCMYK colour (the output intent is sRGB)');
    if (/\/(LZW|LZWDecode)\b/.test(text)) issues.add('LZW-compressed inline image');
    if (/(^|\s)PS(?=\s|$)/.test(text)) issues.add('PostScript operator');
  };

  const font = (dict: PDFDict) => {
    const subtype = name(dict.get(N('Subtype')));
    if (subtype === 'Type3') {
      const procs = ctx.lookupMaybe(dict.get(N('CharProcs')), PDFDict);
      for (const [, v] of procs?.entries() ?? []) content(v);
      return;
    }
    const described =
      subtype === 'Type0'
        ? ctx.lookupMaybe(ctx.lookupMaybe(dict.get(N('DescendantFonts')), PDFArray)?.get(0), PDFDict)
        : dict;
    const fd = described && ctx.lookupMaybe(described.get(N('FontDescriptor')), PDFDict);
    if (!fd || !['FontFile', 'FontFile2', 'FontFile3'].some((k) => fd.has(N(k)))) {
      issues.add(`font ${name(dict.get(N('BaseFont'))) ?? '(unnamed)'} is not embedded`);
    }
  };

  const annotation = (annot: PDFDict) => {
    const subtype = name(annot.get(N('Subtype'))) ?? '';
    if (FORBIDDEN_ANNOTS.has(subtype)) issues.add(`${subtype} annotation`);
    if (subtype === 'Popup') return;
    const flags = ctx.lookupMaybe(annot.get(N('F')), PDFNumber)?.asNumber();
    if (flags === undefined) annot.set(N('F'), PDFNumber.of(ANNOT_PRINT));
    else if (!(flags & ANNOT_PRINT) || flags & ANNOT_HIDDEN_FLAGS)
      issues.add(`${subtype} annotation hidden or not printable`);
    const ap = ctx.lookupMaybe(annot.get(N('AP')), PDFDict);
    if (!ap && subtype !== 'Link') issues.add(`${subtype} annotation without an appearance`);
    if (ap && (ap.has(N('D')) || ap.has(N('R')))) issues.add(`${subtype} annotation with rollover or down appearances`);
  };

  const visit = (o: PDFObject | undefined, depth: number): void => {
    if (o === undefined || depth > 64) return;
    const obj = o instanceof PDFRef ? ctx.lookup(o) : o;
    if (obj === undefined || seen.has(obj)) return;
    if (obj instanceof PDFName) {
      if (obj === N('DeviceCMYK')) issues.add('DeviceCMYK colour (the output intent is sRGB)');
      return;
    }
    if (obj instanceof PDFArray) {
      seen.add(obj);
      for (const v of obj.asArray()) visit(v, depth + 1);
      return;
    }
    const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : undefined;
    if (!dict) return;
    seen.add(obj);
    const type = name(dict.get(N('Type')));
    const subtype = name(dict.get(N('Subtype')));
    if (obj instanceof PDFStream) {
      const filters = ctx.lookup(dict.get(N('Filter')));
      const list = filters instanceof PDFArray ? filters.asArray().map(name) : [name(filters)];
      if (list.some((f) => f === 'LZWDecode' || f === 'LZW')) issues.add('LZW compression');
      if (subtype === 'Form' || dict.has(N('PatternType'))) content(obj);
      if (subtype === 'PS' || dict.has(N('PS'))) issues.add('PostScript XObject');
      if (subtype === 'Form' && dict.has(N('Ref'))) issues.add('reference XObject');
      if (subtype === 'Image') {
        if (ctx.lookup(dict.get(N('Interpolate'))) === PDFBool.True) issues.add('interpolated image');
        if (dict.has(N('Alternates')) || dict.has(N('OPI'))) issues.add('image with alternates or OPI');
      }
    }
    if (type === 'Font' || (dict.has(N('BaseFont')) && subtype !== undefined)) font(dict);
    const s = name(dict.get(N('S')));
    if (s && FORBIDDEN_ACTIONS.has(s)) issues.add(`${s} action`);
    if (dict.has(N('AA'))) issues.add('additional actions (AA)');
    if (dict.has(N('JS'))) issues.add('JavaScript');
    if (type === 'EmbeddedFile' || dict.has(N('EF'))) issues.add('embedded file');
    if (type === 'OCG' || type === 'OCMD' || dict.has(N('OC'))) issues.add('optional content');
    // /TR and /TR2 only occur in graphics state dictionaries (whose /Type is optional).
    if (dict.has(N('TR')) || (dict.has(N('TR2')) && name(dict.get(N('TR2'))) !== 'Default')) {
      issues.add('transfer function in a graphics state');
    }
    for (const [key, v] of dict.entries()) {
      // An ICC profile's /Alternate DeviceCMYK is allowed: the colour is the profile's.
      if (key === N('Parent') || key === N('P') || key === N('Alternate')) continue;
      visit(v, depth + 1);
    }
  };

  for (const page of pages) {
    const contents = ctx.lookup(page.get(N('Contents')));
    if (contents instanceof PDFArray) contents.asArray().forEach(content);
    else content(contents);
    const annots = ctx.lookupMaybe(page.get(N('Annots')), PDFArray);
    for (let i = 0; annots && i < annots.size(); i++) {
      const annot = ctx.lookupMaybe(annots.get(i), PDFDict);
      if (annot) annotation(annot);
    }
    visit(page, 0);
  }
  return [...issues].sort();
}
