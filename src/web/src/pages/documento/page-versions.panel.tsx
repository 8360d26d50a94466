// Per page of the viewer, for staff: the page's versions (v1 the original, then each rescan: when, who, why,
// outcome, the image as received) and, for those who upload, the form to replace the page with a new scan.
import { useEffect, useRef } from 'preact/hooks';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { can } from '../../session.ts';
import {
  hasPending,
  versionImageUrl,
  versionLabel,
  VERSION_STATUS_BADGES,
  VERSION_STATUS_LABELS,
  type PageVersionsResponse,
} from './page-versions.ts';
import { RescanForm } from './rescan-form.tsx';

export interface PageVersionsPanelProps {
  documentId: string;
  page: number;
  /** Only an archived document's pages can be replaced. */
  archived: boolean;
  /** Called when a rescan this panel saw pending has been applied (the searchable PDF changed). */
  onApplied?: () => void;
}

export function PageVersionsPanel({ documentId, page, archived, onApplied }: PageVersionsPanelProps) {
  // Versions are staff's (the same roles as the batch views); replacing a page is for those who upload.
  const staff = can('batches.read');
  const { data, error, reload } = useApi<PageVersionsResponse>(
    staff ? `/api/documents/${documentId}/pages/${page}/versions` : null,
  );
  const pending = hasPending(data);
  const waiting = useRef(new Set<number>());
  useEffect(() => {
    if (!data) return;
    const applied = data.versions.some((v) => v.status === 'applied' && waiting.current.has(v.version));
    waiting.current = new Set(data.versions.filter((v) => v.status === 'pending').map((v) => v.version));
    if (applied) onApplied?.();
  }, [data]);
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [pending, reload]);
  if (!staff) return null;

  return (
    <section class="documento-meta page-versions" aria-labelledby="page-versions-title">
      <h2 id="page-versions-title">Versioni della pagina {page}</h2>
      <ErrorAlert error={error} onRetry={reload} />
      {data && (
        <ol class="page-versions-list">
          {data.versions.map((v) => (
            <li key={v.version}>
              <div>
                <strong>{versionLabel(v)}</strong>
                {v.current && <span class="badge badge-ok">In uso</span>}
                {!v.current && v.status !== 'applied' && (
                  <span class={`badge ${VERSION_STATUS_BADGES[v.status]}`}>{VERSION_STATUS_LABELS[v.status]}</span>
                )}
              </div>
              <div class="page-versions-meta">
                {formatDateTime(v.at)} · {v.by}
                {v.reason && <> · {v.reason}</>}
              </div>
              {v.error && <div class="page-versions-error">{v.error}</div>}
              <div class="page-versions-meta">
                <code title={v.sha256}>SHA-256 {v.sha256.slice(0, 12)}…</code> ·{' '}
                <a href={versionImageUrl(documentId, page, v.version)} target="_blank" rel="noopener">
                  Immagine
                </a>
              </div>
            </li>
          ))}
        </ol>
      )}
      {archived && can('upload') && <RescanForm documentId={documentId} page={page} onSent={reload} />}
    </section>
  );
}
