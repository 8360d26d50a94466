// "Controllo qualità" of the batch dashboard: warnings counted by kind, the flagged pages (document, page, warnings
// in Italian, linked to the page in the viewer), practices whose page count differs from the inventory, and the
// rescan list to download (CSV for spreadsheets).
import { useEffect } from 'preact/hooks';
import { apiUrl } from '../../api.ts';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { plural } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { QUALITY_LABELS, type BatchQualityReport, type QualityWarning, type ReportCode } from '../../quality.ts';
import { href } from '../../router.ts';
import '../../quality.css';

interface FlaggedRow {
  key: string;
  documentId: string;
  filename: string;
  page: number;
  warnings: QualityWarning[];
}

/** `refreshKey` changes when the batch's documents move on: the report is read again. */
export function QualitySection({ batchId, refreshKey }: { batchId: string; refreshKey: string }) {
  const { data, error, reload } = useApi<BatchQualityReport>(`/api/batches/${batchId}/quality`);
  useEffect(() => reload(), [refreshKey]);
  if (!data) return error ? <ErrorAlert error={error} /> : null;

  const rows: FlaggedRow[] = data.documents.flatMap((d) =>
    d.pages.map((p) => ({ key: `${d.documentId}-${p.page}`, documentId: d.documentId, filename: d.filename, ...p })),
  );
  const counts = (Object.keys(QUALITY_LABELS) as ReportCode[]).filter((c) => data.totals[c] > 0);
  const shortPractices = data.practices.filter((p) => p.warning);
  const columns: Column<FlaggedRow>[] = [
    { header: 'Documento', render: (r) => <span class="filename">{r.filename}</span> },
    {
      header: 'Pagina',
      class: 'num',
      render: (r) => <a href={href('documento', [r.documentId], { pagina: r.page })}>{r.page}</a>,
    },
    {
      header: 'Avvisi',
      render: (r) => (
        <ul class="quality-warnings">
          {r.warnings.map((w) => (
            <li key={w.code} data-code={w.code}>
              {w.message}
            </li>
          ))}
        </ul>
      ),
    },
  ];

  return (
    <section class="quality" aria-labelledby="quality-title">
      <h3 id="quality-title">Controllo qualità</h3>
      <p class="summary">
        {plural(data.pagesChecked, 'pagina controllata', 'pagine controllate')},{' '}
        {plural(data.pagesFlagged, 'con avvisi', 'con avvisi')}
        {!data.done && ' · il confronto con l’inventario si fa a lotto concluso'}
      </p>
      {counts.length > 0 && (
        <ul class="quality-counts" aria-label="Avvisi per tipo">
          {counts.map((c) => (
            <li key={c} data-code={c}>
              <span class="badge badge-error">{data.totals[c]}</span> {QUALITY_LABELS[c]}
            </li>
          ))}
        </ul>
      )}
      {rows.length > 0 && (
        <DataTable caption="Pagine con avvisi" columns={columns} rows={rows} rowKey={(r) => r.key} empty="" />
      )}
      {shortPractices.length > 0 && (
        <ul class="quality-practices" aria-label="Pratiche con numero di pagine diverso">
          {shortPractices.map((p) => (
            <li key={p.practiceKey}>{p.warning!.message}</li>
          ))}
        </ul>
      )}
      {(rows.length > 0 || shortPractices.length > 0) && (
        <p>
          <a href={apiUrl(`/api/batches/${batchId}/rescan-list`, { format: 'csv' })} download>
            Scarica l’elenco delle pagine da riscansionare (CSV)
          </a>
        </p>
      )}
    </section>
  );
}
