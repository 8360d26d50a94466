// Page quality warnings in the viewer: a badge on the page shown when it was flagged at scanning (resolution, blank,
// dark/light, skew, cut edge), and the other flagged pages as links.
import { href } from '../../router.ts';
import '../../quality.css';
import type { PageQuality } from '../../quality.ts';

export interface QualityPage {
  page: number;
  quality?: PageQuality;
}

export function QualityBadge({ documentId, pages, page }: { documentId: string; pages: QualityPage[]; page: number }) {
  const flagged = pages.filter((p) => p.quality && p.quality.warnings.length > 0);
  if (!flagged.length) return null;
  const current = flagged.find((p) => p.page === page);
  return (
    <div class="quality-badge" role="note" aria-label="Controllo qualità della scansione">
      {current && (
        <p>
          <span class="badge badge-error" title={current.quality!.warnings.map((w) => w.message).join('\n')}>
            Pagina {page}:{' '}
            {current.quality!.warnings.length === 1 ? 'un avviso' : `${current.quality!.warnings.length} avvisi`}
          </span>{' '}
          {current.quality!.warnings.map((w) => w.message).join('; ')}
        </p>
      )}
      <p class="sub">
        Pagine con avvisi di qualità:{' '}
        {flagged.map((p, i) => (
          <span key={p.page}>
            {i > 0 && ', '}
            <a href={href('documento', [documentId], { pagina: p.page })}>{p.page}</a>
          </span>
        ))}
      </p>
    </div>
  );
}
