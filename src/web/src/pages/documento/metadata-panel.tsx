// Side panel of the viewer: what the archive knows about the document (GET /api/documents/:id).
import { metadataRows, type DocumentDetailResponse } from './document-detail.ts';

export function MetadataPanel({ detail }: { detail: DocumentDetailResponse | undefined }) {
  return (
    <aside class="documento-meta" aria-labelledby="documento-meta-title">
      <h2 id="documento-meta-title">Dati del documento</h2>
      {detail ? (
        <dl>
          {metadataRows(detail.document).map((r) => (
            <div key={r.label}>
              <dt>{r.label}</dt>
              <dd>{r.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>Caricamento dei dati…</p>
      )}
    </aside>
  );
}
