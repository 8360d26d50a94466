// The live dashboard of one batch: a row per document with its status, pages and error; "Riprova" on failed rows
// and "Correggi metadati" on archived ones.
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Loading } from '../../components/loading.tsx';
import { RestrictedBadge } from '../../components/restricted-badge.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatDateTime, formatNumber, plural } from '../../format.ts';
import { href } from '../../router.ts';
import { can } from '../../session.ts';
import { stepLabel } from '../../status.ts';
import type { BatchDetail, BatchDocument, BatchItem } from '../../types.ts';
import { useUnion } from '../../union.ts';
import { useBatchLive, type LiveMode } from './batch-live.ts';
import { ConformityPanel } from './conformity-panel.tsx';
import { QualitySection } from './quality-section.tsx';
import { BoxScanParts } from './box-scan-parts.tsx';

export interface BatchDashboardProps {
  batchId: string;
}

const MODE_TEXT: Record<LiveMode, string> = {
  connecting: 'collegamento…',
  live: 'aggiornamento in tempo reale',
  polling: 'aggiornamento ogni 3 secondi',
  done: 'lavorazione conclusa',
};

export function BatchDashboard({ batchId }: BatchDashboardProps) {
  const { detail, error, mode, updateDocument } = useBatchLive(batchId);
  const [retrying, setRetrying] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<string | null>(null);

  const retry = async (doc: BatchDocument) => {
    setActionError(null);
    setRetrying((s) => new Set(s).add(doc.id));
    try {
      await api.post(`/api/documents/${doc.id}/retry`);
      updateDocument({ id: doc.id, status: 'received', error: null, failedStep: null });
    } catch (err) {
      setActionError(`${doc.filename}: ${errorMessage(err)}`);
    } finally {
      setRetrying((s) => {
        const next = new Set(s);
        next.delete(doc.id);
        return next;
      });
    }
  };

  if (!detail) {
    return (
      <section class="panel" aria-label="Avanzamento del lotto">
        {error ? <ErrorAlert error={error} /> : <Loading label="Lettura del lotto…" />}
      </section>
    );
  }

  const columns: Column<BatchDocument>[] = [
    {
      header: 'Documento',
      render: (d) => (
        <>
          <span class="filename">{d.filename}</span>
          {d.title && d.title !== d.filename && <span class="sub">{d.title}</span>}
        </>
      ),
    },
    {
      header: 'Stato',
      render: (d) => (
        <>
          <StatusBadge status={d.status} />
          {d.status === 'failed' && d.failedStep && <span class="sub">durante {stepLabel(d.failedStep)}</span>}
        </>
      ),
    },
    { header: 'Pagine', class: 'num', render: (d) => formatNumber(d.pageCount ?? undefined) },
    { header: 'Errore', render: (d) => (d.status === 'failed' ? (d.error ?? '') : '') },
    {
      header: 'Azioni',
      render: (d) => (
        <span class="row-actions">
          {d.status === 'failed' && can('retry') && (
            <button type="button" class="small" disabled={retrying.has(d.id)} onClick={() => retry(d)}>
              Riprova
            </button>
          )}
          {d.status === 'archived' && can('metadata') && (
            <a href={href('caricamento', [batchId, 'metadati', d.id])}>Correggi metadati</a>
          )}
        </span>
      ),
    },
  ];

  const notAccepted = flatten(Array.isArray(detail.items) ? detail.items : []).filter(
    (i) => i.outcome === 'duplicate' || i.outcome === 'rejected',
  );

  return (
    <section class="panel" aria-labelledby="batch-title">
      <h2 id="batch-title">Avanzamento del lotto</h2>
      <Summary detail={detail} mode={mode} />
      <ErrorAlert error={actionError ?? error} />
      <DataTable
        caption={`Lotto ${detail.batch.label}`}
        columns={columns}
        rows={detail.documents}
        rowKey={(d) => d.id}
        rowProps={(d) => ({ class: d.status === 'failed' ? 'row-failed' : undefined })}
        empty="Nessun documento accettato in questo lotto"
      />
      <QualitySection batchId={batchId} refreshKey={qualityRefreshKey(mode, detail.documents)} />
      <BoxScanParts documents={detail.documents} />
      {notAccepted.length > 0 && (
        <details class="not-accepted">
          <summary>File non elaborati: {notAccepted.length}</summary>
          <ul>
            {notAccepted.map((i, n) => (
              <li key={`${i.filename}-${n}`}>
                {i.filename}:{' '}
                {i.outcome === 'duplicate' ? 'duplicato di un documento già in archivio' : (i.error ?? 'scartato')}
              </li>
            ))}
          </ul>
        </details>
      )}
      {can('batches.read') && <ConformityPanel batchId={batchId} documents={detail.documents} />}
    </section>
  );
}

function Summary({ detail, mode }: { detail: BatchDetail; mode: LiveMode }) {
  const union = useUnion();
  const { comune, restricted } = detail.batch;
  const docs = detail.documents;
  const archived = docs.filter((d) => d.status === 'archived').length;
  const failed = docs.filter((d) => d.status === 'failed').length;
  const split = docs.filter((d) => d.status === 'split').length;
  const working = docs.length - archived - failed - split;
  const counts =
    `${plural(archived, 'archiviato', 'archiviati')}, ${working} in lavorazione, ${failed} in errore` +
    (split ? `, ${plural(split, 'scansione di scatola suddivisa', 'scansioni di scatola suddivise')}` : '');
  return (
    <>
      {((union.multi && comune) || restricted) && (
        <p class="summary batch-comune">
          {union.multi && comune && <>Comune: {union.name(comune)} </>}
          {restricted && <RestrictedBadge />}
        </p>
      )}
      <p class="summary">
        Creato il {formatDateTime(detail.batch.createdAt)} · {plural(docs.length, 'documento', 'documenti')}: {counts}
        {detail.duplicates ? ` · ${plural(detail.duplicates, 'duplicato', 'duplicati')}` : ''}
        {detail.rejected ? ` · ${plural(detail.rejected, 'file scartato', 'file scartati')}` : ''} ·{' '}
        <span class={`live live-${mode}`}>{MODE_TEXT[mode]}</span>
      </p>
      <p class="visually-hidden" role="status">
        {mode === 'done' ? `Lotto concluso: ${counts}` : ''}
      </p>
    </>
  );
}

/** Changes when the batch ends and as documents get past the prepare step (every 10 past the first 10). */
function qualityRefreshKey(mode: LiveMode, docs: BatchDocument[]): string {
  const prepared = docs.filter((d) => d.status !== 'received' && d.status !== 'preparing').length;
  return `${mode}:${prepared < 10 ? prepared : Math.floor(prepared / 10) * 10}`;
}

function flatten(items: BatchItem[]): BatchItem[] {
  return items.flatMap((i) => [i, ...flatten(i.children ?? [])]);
}
