// The most recent batches, newest first, each opening its dashboard (#/caricamento/<batchId>); in a union of several
// Comuni each names its Comune (and whether it is restricted to the Comune's staff).
import { useEffect, useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Pager } from '../../components/pager.tsx';
import { RestrictedBadge } from '../../components/restricted-badge.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { href } from '../../router.ts';
import type { Batch } from '../../types.ts';
import { useUnion } from '../../union.ts';

const LIMIT = 10;

const SOURCES: Record<string, string> = {
  upload: 'caricamento web',
  cli: 'riga di comando',
  import: 'importazione',
  demo: 'dimostrazione',
};

export interface RecentBatchesProps {
  /** The batch open in the dashboard, marked in the list. */
  currentId?: string;
  /** Changes when a new batch was created, to reload the list. */
  refreshKey?: string | number;
}

export function RecentBatches({ currentId, refreshKey }: RecentBatchesProps) {
  const [offset, setOffset] = useState(0);
  const union = useUnion();
  const { data, error, reload } = useApi<{ batches: Batch[]; total?: number }>('/api/batches', {
    limit: LIMIT,
    offset,
  });
  useEffect(() => {
    if (refreshKey !== undefined) reload();
  }, [refreshKey]);
  const batches = data?.batches ?? [];

  return (
    <section class="panel" aria-labelledby="recent-title">
      <div class="panel-head">
        <h2 id="recent-title">Lotti recenti</h2>
        <button type="button" class="secondary small" onClick={reload}>
          Aggiorna
        </button>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      <DataTable
        caption="Lotti recenti"
        captionHidden
        columns={[
          {
            header: 'Nome del lotto',
            render: (b) => (
              <span class="row-actions">
                <a href={href('caricamento', [b.id])} aria-current={b.id === currentId ? 'true' : undefined}>
                  {b.label}
                </a>
                {b.restricted && <RestrictedBadge />}
              </span>
            ),
          },
          ...(union.multi
            ? [
                {
                  header: 'Comune',
                  render: (b: Batch) => union.name(b.comune),
                },
              ]
            : []),
          { header: 'Origine', render: (b) => SOURCES[b.source] ?? b.source },
          { header: 'Creato il', render: (b) => formatDateTime(b.createdAt) },
        ]}
        rows={batches}
        rowKey={(b) => b.id}
        empty={data ? 'Nessun lotto caricato' : 'Attendere…'}
      />
      <Pager
        offset={offset}
        limit={LIMIT}
        count={batches.length}
        total={data?.total}
        onChange={setOffset}
        label="Pagine dei lotti"
      />
    </section>
  );
}
