// Lista di scansione (staff): practices waiting for digitisation, highest priority first, with why (requests waiting,
// age, demand in the same area) and where each box is, so that whoever goes to the shelves can take them in order.
import { useState } from 'preact/hooks';
import { ComuneSelect } from '../../components/comune-select.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatDateTime, formatNumber, plural } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { currentUser } from '../../session.ts';
import type { WorklistItem } from '../../types.ts';
import { actingComuni, useUnion } from '../../union.ts';
import type { PageProps } from '../page-props.ts';
import { WorklistSeparatorsButton } from './worklist-separators.tsx';

const dash = (s: string | undefined): string => (s && s.trim() ? s : '—');

export function ScansioniPage(_props: PageProps) {
  const union = useUnion();
  const comuni = actingComuni(currentUser(), union.comuni);
  const [comune, setComune] = useState('');
  const [notice, setNotice] = useState('');
  const { data, error, loading, reload } = useApi<{ items: WorklistItem[] }>('/api/digitisation/worklist', {
    comune,
  });
  const items = data?.items ?? [];

  return (
    <div class="page">
      <h1>Lista di scansione</h1>
      <p class="hint">
        Pratiche da digitalizzare, dalla più urgente: contano le richieste di accesso in attesa, da quanto aspettano e
        le richieste nella stessa zona. Quando le scansioni di una pratica sono archiviate, la pratica esce dalla lista
        e i richiedenti ricevono un avviso.
      </p>
      <div class="filters">
        {comuni.length > 1 && (
          <ComuneSelect
            id="scan-comune"
            label="Comune"
            allLabel="Tutti i miei Comuni"
            comuni={comuni}
            value={comune}
            onChange={setComune}
          />
        )}
        <div class="actions">
          <button type="button" class="secondary" onClick={reload} disabled={loading}>
            Aggiorna
          </button>
          <WorklistSeparatorsButton comune={comune} practices={items.length} onNotice={setNotice} />
        </div>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      <p class="status-line" role="status">
        {notice ||
          (loading
            ? 'Attendere…'
            : data
              ? plural(items.length, 'pratica da scansionare', 'pratiche da scansionare')
              : '')}
      </p>
      <DataTable
        caption="Pratiche da scansionare, in ordine di priorità"
        rows={items}
        rowKey={(i) => i.record.id}
        empty={data ? 'Nessuna pratica in attesa di scansione' : 'Attendere…'}
        columns={[
          { header: 'N.', class: 'num', render: (_, i) => i + 1 },
          { header: 'Priorità', class: 'num', render: (i) => formatNumber(Math.round(i.priority * 10) / 10) },
          {
            header: 'Pratica',
            render: (i) => (
              <span class="stack">
                <strong>{i.record.practiceKey}</strong>
                {union.multi && <span class="sub">{i.record.comuneName || union.name(i.record.comune)}</span>}
                {i.record.applicant && <span class="sub">{i.record.applicant}</span>}
                {i.record.address && <span class="sub">{i.record.address}</span>}
              </span>
            ),
          },
          {
            header: 'Motivi',
            render: (i) =>
              i.reasons.length ? (
                <ul class="reasons">
                  {i.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              ) : (
                "Pianificata dall'archivio"
              ),
          },
          { header: 'Richieste in attesa', class: 'num', render: (i) => formatNumber(i.waitingRequests) },
          {
            header: 'In attesa da',
            render: (i) =>
              i.oldestRequestAt ? (
                <span title={formatDateTime(i.oldestRequestAt)}>
                  {plural(Math.floor(i.ageDays), 'giorno', 'giorni')}
                </span>
              ) : (
                '—'
              ),
          },
          { header: 'Edificio', render: (i) => dash(i.record.location?.building) },
          { header: 'Stanza', render: (i) => dash(i.record.location?.room) },
          { header: 'Scaffale', render: (i) => dash(i.record.location?.shelf) },
          { header: 'Faldone', render: (i) => dash(i.record.location?.box) },
        ]}
      />
    </div>
  );
}
