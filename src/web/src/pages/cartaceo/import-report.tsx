// The report of an inventory import: rows read, inserted, updated, rejected, and every row-level problem (riga, campo,
// gravità, messaggio, valore) with the link to the same report as CSV.
import { Fragment } from 'preact';
import { DataTable } from '../../components/data-table.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { INVENTORY_FIELD_LABELS } from '../../paper-labels.ts';
import type { ImportProblem, InventoryField, InventoryImport } from '../../types.ts';
import { useUnion } from '../../union.ts';

export const reportCsvUrl = (id: string): string => `/api/inventory/imports/${encodeURIComponent(id)}/report.csv`;

const fieldLabel = (f: string | undefined): string =>
  f ? (INVENTORY_FIELD_LABELS[f as InventoryField]?.replace(/ \(.*\)$/, '') ?? f) : '—';

const SEVERITY: Record<ImportProblem['severity'], string> = { error: 'errore', warning: 'avviso' };

export function ImportReport({ report, titleId }: { report: InventoryImport; titleId?: string }) {
  const union = useUnion();
  const problems = report.problems ?? [];
  const counts: Array<[string, number]> = [
    ['Righe lette', report.rows],
    ['Inserite', report.inserted],
    ['Aggiornate', report.updated],
    ['Scartate', report.rejected],
  ];
  return (
    <section class="subpanel" aria-labelledby={titleId ?? `report-${report.id}`}>
      <h2 id={titleId ?? `report-${report.id}`} tabIndex={-1}>
        Rapporto di importazione: {report.filename}
      </h2>
      <p class="summary">
        {union.name(report.comune)} · {formatDateTime(report.at)}
      </p>
      <dl class="kv import-counts">
        {counts.map(([label, n]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{formatNumber(n)}</dd>
          </Fragment>
        ))}
      </dl>
      <DataTable
        caption={`Problemi (${problems.length})`}
        rows={problems}
        rowKey={(p, i) => `${p.row}-${p.column ?? ''}-${i}`}
        rowProps={(p) => ({ class: p.severity === 'error' ? 'row-failed' : undefined })}
        empty="Nessun problema: tutte le righe sono state importate"
        columns={[
          { header: 'Riga', class: 'num', render: (p) => p.row },
          { header: 'Campo', render: (p) => fieldLabel(p.column) },
          {
            header: 'Gravità',
            render: (p) => (
              <span class={`badge badge-${p.severity === 'error' ? 'error' : 'progress'}`}>
                {SEVERITY[p.severity] ?? p.severity}
              </span>
            ),
          },
          { header: 'Messaggio', render: (p) => p.message },
          { header: 'Valore', render: (p) => (p.value ? <code>{p.value}</code> : '—') },
        ]}
      />
      <p>
        <a href={reportCsvUrl(report.id)} download>
          Scarica il rapporto (CSV)
        </a>
      </p>
    </section>
  );
}
