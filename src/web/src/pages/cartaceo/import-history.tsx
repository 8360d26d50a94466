// Previous inventory imports (newest first): when, Comune, file, counts, and the report of each (shown below the
// list, or as CSV).
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import type { InventoryImport } from '../../types.ts';
import { useUnion } from '../../union.ts';
import { ImportReport, reportCsvUrl } from './import-report.tsx';

export function ImportHistory() {
  const union = useUnion();
  const { data, error, reload } = useApi<{ items: InventoryImport[] }>('/api/inventory/imports');
  const [shown, setShown] = useState<InventoryImport | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const items = data?.items ?? [];

  const open = async (item: InventoryImport) => {
    setLoadError(null);
    try {
      const full = await api.get<InventoryImport>(`/api/inventory/imports/${encodeURIComponent(item.id)}`);
      setShown(full);
      requestAnimationFrame(() => document.getElementById('history-report-title')?.focus());
    } catch (err) {
      setLoadError(`${item.filename}: ${errorMessage(err)}`);
    }
  };

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Importazioni precedenti</h2>
      <ErrorAlert error={error} onRetry={reload} />
      <ErrorAlert error={loadError} />
      <DataTable
        caption="Importazioni precedenti"
        captionHidden
        rows={items}
        rowKey={(i) => i.id}
        empty={data ? 'Nessuna importazione' : 'Attendere…'}
        columns={[
          { header: 'Data', render: (i) => formatDateTime(i.at) },
          { header: 'Comune', render: (i) => union.name(i.comune) },
          {
            header: 'File',
            render: (i) => (
              <span id={`imp-${i.id}`} class="filename">
                {i.filename}
              </span>
            ),
          },
          { header: 'Righe', class: 'num', render: (i) => formatNumber(i.rows) },
          { header: 'Inserite', class: 'num', render: (i) => formatNumber(i.inserted) },
          { header: 'Aggiornate', class: 'num', render: (i) => formatNumber(i.updated) },
          { header: 'Scartate', class: 'num', render: (i) => formatNumber(i.rejected) },
          {
            header: 'Rapporto',
            render: (i) => (
              <span class="row-actions">
                <button type="button" class="small secondary" aria-describedby={`imp-${i.id}`} onClick={() => open(i)}>
                  Vedi
                </button>
                <a href={reportCsvUrl(i.id)} download aria-describedby={`imp-${i.id}`}>
                  CSV
                </a>
              </span>
            ),
          },
        ]}
      />
      {shown && <ImportReport key={shown.id} report={shown} titleId="history-report-title" />}
    </section>
  );
}
