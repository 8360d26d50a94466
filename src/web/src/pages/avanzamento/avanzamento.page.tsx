// Avanzamento (staff): how far digitisation has gone per Comune and overall — practices and pages digitised, pages
// per day over the window, the backlog and when it would end at that pace — as a table, two charts and a CSV.
import { Fragment } from 'preact';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Loading } from '../../components/loading.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { italianDay } from '../../paper-labels.ts';
import type { Progress, ProgressRow } from '../../types.ts';
import type { PageProps } from '../page-props.ts';
import { BacklogBars, PagesPerDayLine } from './progress-chart.tsx';
import './avanzamento.css';

const decimal = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 1 });

function percent(r: ProgressRow): string {
  return r.practices > 0 ? `${decimal.format((r.digitised / r.practices) * 100)}%` : '—';
}

function forecast(r: ProgressRow): string {
  if (r.backlog === 0) return 'completata';
  return r.forecastDate ? italianDay(r.forecastDate) : 'non stimabile';
}

export function AvanzamentoPage(_props: PageProps) {
  const { data, error, loading, reload } = useApi<Progress>('/api/digitisation/progress');
  const rows: Array<ProgressRow & { total?: boolean }> = data
    ? [...data.comuni, { ...data.overall, comuneName: 'Totale', total: true }]
    : [];

  return (
    <div class="page avanzamento">
      <h1>Avanzamento della digitalizzazione</h1>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <p class="summary">
            Dati al {formatDateTime(data.generatedAt)}; pagine al giorno: media degli ultimi {data.windowDays} giorni.{' '}
            <a href="/api/digitisation/progress.csv" download>
              Scarica in CSV
            </a>
          </p>
          <DataTable
            caption="Avanzamento per Comune"
            rows={rows}
            rowKey={(r) => (r.total ? '*' : r.comune)}
            rowProps={(r) => ({ class: r.total ? 'row-total' : undefined })}
            empty="Nessuna pratica nell'inventario"
            columns={[
              { header: 'Comune', render: (r) => (r.total ? <strong>Totale</strong> : r.comuneName) },
              { header: 'Pratiche', class: 'num', render: (r) => formatNumber(r.practices) },
              { header: 'Digitalizzate', class: 'num', render: (r) => formatNumber(r.digitised) },
              { header: '%', class: 'num', render: percent },
              { header: 'Pagine digitalizzate', class: 'num', render: (r) => formatNumber(r.pagesDigitised) },
              { header: 'Pagine al giorno', class: 'num', render: (r) => decimal.format(r.pagesPerDay) },
              { header: 'Pratiche al giorno', class: 'num', render: (r) => decimal.format(r.practicesPerDay) },
              { header: 'Arretrato', class: 'num', render: (r) => formatNumber(r.backlog) },
              { header: 'Fine prevista', render: forecast },
            ]}
          />
          <div class="two-columns">
            <section aria-labelledby="chart-bars-title">
              <h2 id="chart-bars-title">Digitalizzate e arretrato</h2>
              <BacklogBars rows={data.comuni} />
            </section>
            <section aria-labelledby="chart-line-title">
              <h2 id="chart-line-title">Pagine al giorno</h2>
              <PagesPerDayLine daily={data.daily} />
              {data.daily.length > 0 && (
                <details>
                  <summary>Dati giorno per giorno</summary>
                  <dl class="kv">
                    {data.daily.map((d) => (
                      <Fragment key={d.day}>
                        <dt>{italianDay(d.day)}</dt>
                        <dd>
                          {formatNumber(d.pages)} pagine, {formatNumber(d.practices)} pratiche
                        </dd>
                      </Fragment>
                    ))}
                  </dl>
                </details>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
