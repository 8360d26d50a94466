// The page rows of a document (the MetadataStore's PageRecord) from its per-page text records, as the assemble step
// and a page rescan write them.
import type { PageRecord } from '../db/metadata-store.ts';
import type { PageText } from './ocr-page.job.ts';

export function pageRowsOf(documentId: string, pages: readonly PageText[]): PageRecord[] {
  return pages.map((p) => ({
    documentId,
    page: p.page,
    widthPx: p.widthPx,
    heightPx: p.heightPx,
    dpi: p.dpi,
    confidence: p.confidence,
    chars: p.text.length,
    ...(p.quality ? { quality: p.quality } : {}),
  }));
}
