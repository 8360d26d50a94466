// Viewer page `#/documento/<id>?pagina=<n>&q=<terms>`: the PDF opened at the page, the query terms highlighted, the
// document's metadata beside it. Turning the page updates `pagina` in place (no history entry per page).
import { useState } from 'preact/hooks';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { RestrictedBadge } from '../../components/restricted-badge.tsx';
import { SplitOriginNote } from './split-origin-note.tsx';
import { useApi } from '../../hooks/use-api.ts';
import type { PageProps } from '../page-props.ts';
import { href, navigate } from '../../router.ts';
import { comuneLabel } from '../../union.ts';
import { AccessRequired, isAccessRequired } from './access-required.tsx';
import { documentTitle, type DocumentDetailResponse } from './document-detail.ts';
import { MetadataPanel } from './metadata-panel.tsx';
import { PdfViewer } from './pdf-viewer.tsx';
import { QualityBadge } from './quality-badge.tsx';
import { PageVersionsPanel } from './page-versions.panel.tsx';
import './page-versions.css';
import './documento.css';

const DOCUMENT_ID = /^[0-9a-f]{64}$/;

export function DocumentoPage({ params, path }: PageProps) {
  const id = path[0] ?? '';
  const valid = DOCUMENT_ID.test(id);
  const page = Math.max(1, Math.floor(Number(params.get('pagina'))) || 1);
  const q = params.get('q') ?? '';
  const { data, error } = useApi<DocumentDetailResponse>(valid ? `/api/documents/${id}` : null);
  const [edition, setEdition] = useState(0); // a replaced page reloads the viewer

  if (!valid) {
    return (
      <section class="documento">
        <h1>Documento</h1>
        <ErrorAlert error="Documento non trovato: l'indirizzo non contiene un identificativo valido." />
      </section>
    );
  }

  const onPageChange = (n: number) =>
    navigate(href('documento', [id], { pagina: n, q: q || undefined }), { replace: true });

  // The Comune requires an approved access request for this practice: nothing of the document is shown.
  if (isAccessRequired(error)) {
    return (
      <section class="documento">
        <div class="documento-head">
          <h1>Documento</h1>
          {q && <a href={href('ricerca', [], { q })}>Torna alla ricerca</a>}
        </div>
        <AccessRequired error={error} />
      </section>
    );
  }

  return (
    <section class="documento">
      <div class="documento-head">
        <h1>{data ? documentTitle(data.document) : 'Documento'}</h1>
        {q && <a href={href('ricerca', [], { q })}>Torna alla ricerca</a>}
      </div>
      {data && (data.document.comune || data.document.restricted) && (
        <p class="documento-comune">
          {data.document.comune && (
            <span>Comune di {data.document.comuneName ?? comuneLabel(data.document.comune)}</span>
          )}
          {data.document.restricted && <RestrictedBadge />}
        </p>
      )}
      <SplitOriginNote origin={data?.document.splitOrigin} />
      <ErrorAlert error={error} />
      {data?.pages && <QualityBadge documentId={id} pages={data.pages} page={page} />}
      <div class="documento-body">
        <PdfViewer key={edition} documentId={id} page={page} terms={q} onPageChange={onPageChange} />
        <div class="documento-side">
          <MetadataPanel detail={data} />
          <PageVersionsPanel
            documentId={id}
            page={page}
            archived={data?.document.status === 'archived'}
            onApplied={() => setEdition((n) => n + 1)}
          />
        </div>
      </div>
    </section>
  );
}
