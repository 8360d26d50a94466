// For a document split out of a box scan: where it came from ("Da scansione di scatola scatola-12.tif, pagine 5–6"),
// the separator pages left out before it, and the warnings of the split.
import { pageRanges } from '../caricamento/box-scan-parts.tsx';

export interface SplitOriginView {
  boxScan: string;
  boxFilename: string;
  part: number;
  pages: number[];
  separatorPages: number[];
  blankPages: number[];
  warnings: string[];
}

export function SplitOriginNote({ origin }: { origin?: SplitOriginView }) {
  if (!origin) return null;
  const skipped = [
    origin.separatorPages.length ? `separatori: ${pageRanges(origin.separatorPages)}` : '',
    origin.blankPages.length ? `bianche escluse: ${pageRanges(origin.blankPages)}` : '',
  ].filter(Boolean);
  return (
    <p class="documento-origine">
      Da scansione di scatola {origin.boxFilename}, {origin.pages.length === 1 ? 'pagina' : 'pagine'}{' '}
      {pageRanges(origin.pages)} (parte {origin.part}){skipped.length ? ` — ${skipped.join('; ')}` : ''}
      {origin.warnings.length > 0 && <span class="sub"> ⚠ {origin.warnings.join(' ')}</span>}
    </p>
  );
}
