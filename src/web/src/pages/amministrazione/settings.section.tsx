// "Soglie di instradamento": the confidence thresholds under which a routing suggestion waits for a person, and the
// other settings GET /api/admin/settings reports (read-only: they are set in the server's configuration).
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Loading } from '../../components/loading.tsx';
import { formatNumber } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';

interface Settings {
  routing?: { threshold?: number; thresholds?: Record<string, number> };
  learning?: { enabled?: boolean; retrainAfter?: number };
  auth?: {
    sessionIdleMinutes?: number;
    sessionAbsoluteHours?: number;
    loginRateLimit?: number;
    searchRateLimit?: number;
  };
}

const percent = (n: number) => `${formatNumber(Math.round(n * 1000) / 10)}%`;
const show = (v: unknown, unit = '') => (v === undefined || v === null ? '—' : `${String(v)}${unit}`);

export function SettingsSection() {
  const { data, error, loading, reload } = useApi<Settings>('/api/admin/settings');
  const routing = data?.routing ?? {};
  const perClass = Object.entries(routing.thresholds ?? {}).sort(([a], [b]) =>
    a.localeCompare(b, 'it', { numeric: true }),
  );

  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Soglie di instradamento</h2>
      <p class="hint">
        Un suggerimento con confidenza sotto la soglia resta in revisione; sopra, viene applicato da solo. Sola lettura:
        si cambiano nella configurazione del server.
      </p>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : (
        <>
          <dl class="kv">
            <dt>Soglia predefinita</dt>
            <dd>{typeof routing.threshold === 'number' ? percent(routing.threshold) : '—'}</dd>
          </dl>
          <DataTable
            caption="Soglie per classe del titolario"
            columns={[
              { header: 'Classe', class: 'code', render: ([code]) => code },
              { header: 'Soglia', class: 'num', render: ([, v]) => percent(v) },
            ]}
            rows={perClass}
            rowKey={([code]) => code}
            empty="Nessuna soglia specifica: vale la predefinita per tutte le classi"
          />
          {(data?.learning || data?.auth) && (
            <>
              <h3>Altre impostazioni</h3>
              <dl class="kv">
                {data.learning && (
                  <>
                    <dt>Apprendimento dalle correzioni</dt>
                    <dd>
                      {data.learning.enabled ? 'attivo' : 'non attivo'}
                      {data.learning.retrainAfter
                        ? `, nuovo addestramento ogni ${data.learning.retrainAfter} correzioni`
                        : ''}
                    </dd>
                  </>
                )}
                {data.auth && (
                  <>
                    <dt>Scadenza sessione per inattività</dt>
                    <dd>{show(data.auth.sessionIdleMinutes, ' minuti')}</dd>
                    <dt>Durata massima sessione</dt>
                    <dd>{show(data.auth.sessionAbsoluteHours, ' ore')}</dd>
                    <dt>Tentativi di accesso al minuto</dt>
                    <dd>{show(data.auth.loginRateLimit)}</dd>
                    <dt>Ricerche al minuto per utente</dt>
                    <dd>{show(data.auth.searchRateLimit)}</dd>
                  </>
                )}
              </dl>
            </>
          )}
        </>
      )}
    </section>
  );
}
