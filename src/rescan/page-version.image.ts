// The image of one version of a page, as it was received: the rescan's own bytes for v2 and later; for v1 the page
// of the first original (a TIFF page as PNG, a JPEG or PNG as it is, a PDF page as a one-page PDF).
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { DocumentRecord } from '../db/metadata-store.ts';
import { extensionOf } from '../ingest/sniff.ts';
import { loadPdf } from '../ocr/pdf-images.ts';
import { keys, PACKAGE_FILES } from '../store/keys.ts';
import type { Services } from '../workers/job-context.ts';
import { rescanFileName } from './rescan.manifest.ts';
import { RescanError } from './rescan.service.ts';

export interface VersionImage {
  body: Buffer;
  mediaType: string;
  /** Suggested file name. */
  filename: string;
}

export async function pageVersionImage(
  deps: Pick<Services, 'db' | 'store' | 'config'>,
  doc: DocumentRecord,
  page: number,
  version: number,
): Promise<VersionImage> {
  const { store } = deps;
  const stem = `${doc.filename.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_')}-p${page}-v${version}`;
  if (version === 1) {
    if (!doc.archiveKey || !doc.pageCount || page > doc.pageCount)
      throw new RescanError('pagina non trovata', 404, 'NOT_FOUND');
    const original = await store.getBuffer(`${doc.archiveKey}/${PACKAGE_FILES.original(extensionOf(doc.mediaType))}`);
    if (doc.mediaType === 'image/tiff') {
      const png = await sharp(original, { page: page - 1, limitInputPixels: deps.config.limits.maxPixels })
        .png()
        .toBuffer();
      return { body: png, mediaType: 'image/png', filename: `${stem}.png` };
    }
    if (doc.mediaType === 'application/pdf') {
      const out = await PDFDocument.create({ updateMetadata: false });
      const [copy] = await out.copyPages(await loadPdf(original), [page - 1]);
      out.addPage(copy!);
      return { body: Buffer.from(await out.save()), mediaType: 'application/pdf', filename: `${stem}.pdf` };
    }
    return { body: original, mediaType: doc.mediaType, filename: `${stem}.${extensionOf(doc.mediaType)}` };
  }
  const v = await deps.db.getPageVersion(doc.id, page, version);
  if (!v) throw new RescanError('versione non trovata', 404, 'NOT_FOUND');
  const packaged = doc.archiveKey ? `${doc.archiveKey}/${rescanFileName(v)}` : undefined;
  const key = packaged && (await store.head(packaged)) ? packaged : keys.rescanInbox(doc.id, page, version);
  if (!(await store.head(key))) throw new RescanError('immagine della versione non trovata', 404, 'NOT_FOUND');
  return { body: await store.getBuffer(key), mediaType: v.mediaType, filename: `${stem}.${extensionOf(v.mediaType)}` };
}
