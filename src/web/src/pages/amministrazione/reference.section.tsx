// "Uffici e titolario": the reference data the forms use (read-only; edited in config/ files for now).
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useApi } from '../../hooks/use-api.ts';
import { codeText, type ReferenceData } from '../../types.ts';

export function ReferenceSection() {
  const { data, error, loading, reload } = useApi<ReferenceData>('/api/reference');
  const empty = loading ? 'Attendere…' : 'Nessuna voce';
  return (
    <section aria-labelledby="ref-title">
      <h2 id="ref-title">Uffici e titolario</h2>
      <p class="hint">Sola lettura: i dati vengono dai file di configurazione del server.</p>
      <ErrorAlert error={error} onRetry={reload} />
      <div class="two-columns">
        <DataTable
          caption="Uffici"
          columns={[
            { header: 'Codice', class: 'code', render: (o) => o.code },
            { header: 'Nome', render: (o) => o.name },
            { header: 'Classi', render: (o) => (o.classes ?? []).join(', ') },
          ]}
          rows={data?.offices ?? []}
          rowKey={(o) => o.code}
          empty={empty}
        />
        <DataTable
          caption="Tipi di documento"
          columns={[{ header: 'Tipo', render: (t) => codeText(t) }]}
          rows={data?.documentTypes ?? []}
          rowKey={(t, i) => (typeof t === 'string' ? t : t.code) + i}
          empty={empty}
        />
      </div>
      <DataTable
        caption="Titolario"
        columns={[
          { header: 'Classe', class: 'code', render: (t) => t.code },
          { header: 'Descrizione', render: (t) => t.title },
          { header: 'Titolo', render: (t) => t.titolo ?? '' },
        ]}
        rows={data?.titolario ?? []}
        rowKey={(t) => t.code}
        empty={empty}
      />
    </section>
  );
}
