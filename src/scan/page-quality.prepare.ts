// The prepare step's side of page quality control: checks each prepared scan page with the configured thresholds and
// records the warnings on the page rows as soon as the pages are prepared (before OCR), so the scanning station sees
// them while the paper is still at hand. Never throws for a bad page: a warning is not a failure.
import type { Config } from '../core/config.ts';
import type { MetadataStore } from '../db/metadata-store.ts';
import type { PreparedPageImage } from '../ocr/page-image.ts';
import { assessPageQuality, type PageQuality } from './page-quality.ts';

/** The quality of a prepared page, or undefined when the checks are off. `rendered`: a PDF page we rendered. */
export function checkPreparedPage(
  scan: Config['scan'],
  prepared: Pick<PreparedPageImage, 'analysis' | 'dpi' | 'dpiSource' | 'cleanup'>,
  rendered: boolean,
): { quality: PageQuality; ms: number } | undefined {
  if (!scan.quality) return undefined;
  const started = performance.now();
  const { quality: _on, ...thresholds } = scan;
  const deskew = prepared.cleanup.deskew;
  const quality = assessPageQuality(
    prepared.analysis,
    {
      dpi: prepared.dpi,
      dpiSource: rendered ? 'rendered' : prepared.dpiSource,
      // The clean-up's measure before correcting; measured here when its deskew step is off.
      skewDegrees: deskew.method === 'off' ? undefined : deskew.measured,
    },
    thresholds,
  );
  return { quality, ms: performance.now() - started };
}

/** Writes the checked pages' quality to their rows (text-layer pages carry none). */
export async function recordPageQuality(
  db: Pick<MetadataStore, 'savePageQuality'>,
  documentId: string,
  pages: ReadonlyArray<{ page: number; widthPx: number; heightPx: number; dpi: number; quality?: PageQuality }>,
): Promise<{ checked: number; flagged: number }> {
  const checked = pages.flatMap((p) =>
    p.quality ? [{ page: p.page, widthPx: p.widthPx, heightPx: p.heightPx, dpi: p.dpi, quality: p.quality }] : [],
  );
  if (checked.length) await db.savePageQuality(documentId, checked);
  return { checked: checked.length, flagged: checked.filter((p) => p.quality.warnings.length > 0).length };
}
