// For a document split out of a box scan: where it came from ("Da scansione di scatola scatola-12.tif, pagine 5–6"),
// the separator pages left out before it, and the warnings of the split.
import type { SplitOrigin } from '../../../../db/metadata-store.ts';
import { formatPageRanges } from '../../../../domain/page-ranges.ts';

/** The split origin of the document (src/db/metadata-store.ts) without the separator hints, which the note doesn't read. */
export type SplitOriginView = Omit<SplitOrigin, 'hints'>;

export function SplitOriginNote({ origin }: { origin?: SplitOriginView }) {
  if (!origin) return null;
  const skipped = [
    origin.separatorPages.length ? `separatori: ${formatPageRanges(origin.separatorPages)}` : '',
    origin.blankPages.length ? `bianche escluse: ${formatPageRanges(origin.blankPages)}` : '',
  ].filter(Boolean);
  return (
    <p class="documento-origine">
      Da scansione di scatola {origin.boxFilename}, {origin.pages.length === 1 ? 'pagina' : 'pagine'}{' '}
      {formatPageRanges(origin.pages)} (parte {origin.part}){skipped.length ? ` — ${skipped.join('; ')}` : ''}
      {origin.warnings.length > 0 && <span class="sub"> ⚠ {origin.warnings.join(' ')}</span>}
    </p>
  );
}
