// The paper inventory: search by text, Comune, state and year; each practice with its state and where its box is.
// Staff can put a paper-only practice on the scan work list.
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ComuneSelect } from '../../components/comune-select.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Pager } from '../../components/pager.tsx';
import { PaperStateBadge } from '../../components/state-badges.tsx';
import { formatNumber, plural } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { locationText, PAPER_STATE_LABELS, PAPER_STATES } from '../../paper-labels.ts';
import { can } from '../../session.ts';
import type { InventoryList, InventoryView } from '../../types.ts';
import { useUnion } from '../../union.ts';
import { SelectCell, SeparatorPrintBar, useSeparatorSelection } from './separator-selection.tsx';

const LIMIT = 25;

interface Filters {
  q: string;
  comune: string;
  state: string;
  year: string;
}

const EMPTY: Filters = { q: '', comune: '', state: '', year: '' };

/** "fg 12 mapp 345 sub 6" from the record's cadastral data, or "". */
export function cadastralText(r: Pick<InventoryView, 'foglio' | 'mappale' | 'subalterno'>): string {
  return [
    r.foglio !== undefined && r.foglio !== null ? `fg ${r.foglio}` : '',
    r.mappale !== undefined && r.mappale !== null ? `mapp ${r.mappale}` : '',
    r.subalterno !== undefined && r.subalterno !== null ? `sub ${r.subalterno}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function InventorySearch() {
  const union = useUnion();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const selection = useSeparatorSelection();
  const year = /^\d{4}$/.test(filters.year.trim()) ? filters.year.trim() : undefined;
  const { data, error, loading, reload } = useApi<InventoryList>('/api/inventory', {
    q: filters.q.trim(),
    comune: filters.comune,
    state: filters.state,
    year,
    limit: LIMIT,
    offset,
  });
  const records = data?.records ?? [];
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const submit = (ev: Event) => {
    ev.preventDefault();
    setOffset(0);
    if (JSON.stringify(draft) === JSON.stringify(filters)) reload();
    else setFilters(draft);
  };

  const plan = async (r: InventoryView) => {
    setActionError(null);
    setNotice('');
    try {
      await api.post(`/api/digitisation/${encodeURIComponent(r.id)}/request`);
      setNotice(`Pratica ${r.practiceKey} messa in lista di scansione`);
      reload();
    } catch (err) {
      setActionError(`${r.practiceKey}: ${errorMessage(err)}`);
    }
  };

  return (
    <section aria-labelledby="inv-title">
      <h2 id="inv-title">Inventario delle pratiche su carta</h2>
      <form class="filters" role="search" aria-label="Cerca nell'inventario" onSubmit={submit}>
        <div class="field">
          <label for="inv-q">Cerca nell'inventario</label>
          <input
            id="inv-q"
            type="search"
            value={draft.q}
            placeholder="pratica, richiedente, indirizzo, foglio/mappale, faldone"
            size={40}
            maxLength={300}
            onInput={(e) => set('q', e.currentTarget.value)}
          />
        </div>
        {union.multi && (
          <ComuneSelect
            id="inv-comune"
            label="Comune"
            allLabel="Tutti i Comuni"
            value={draft.comune}
            onChange={(v) => set('comune', v)}
          />
        )}
        <div class="field">
          <label for="inv-state">Stato</label>
          <select id="inv-state" value={draft.state} onChange={(e) => set('state', e.currentTarget.value)}>
            <option value="">Tutti</option>
            {PAPER_STATES.map((s) => (
              <option key={s} value={s}>
                {PAPER_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="inv-year">Anno</label>
          <input
            id="inv-year"
            type="number"
            inputMode="numeric"
            min={1800}
            max={2100}
            style={{ width: '7rem' }}
            value={draft.year}
            onInput={(e) => set('year', e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit">Cerca</button>
        </div>
      </form>
      <ErrorAlert error={error} onRetry={reload} />
      <ErrorAlert error={actionError} />
      {can('digitisation') && <SeparatorPrintBar selection={selection} onNotice={setNotice} />}
      <p class="status-line" role="status">
        {notice || (loading ? 'Ricerca in corso…' : data ? plural(data.total, 'pratica', 'pratiche') : '')}
      </p>
      <DataTable
        caption="Pratiche dell'inventario"
        captionHidden
        rows={records}
        rowKey={(r) => r.id}
        empty={data ? 'Nessuna pratica trovata' : 'Attendere…'}
        columns={[
          ...(can('digitisation')
            ? [{ header: 'Separatori', render: (r: InventoryView) => <SelectCell record={r} selection={selection} /> }]
            : []),
          { header: 'Pratica', render: (r) => <span id={`inv-${r.id}`}>{r.practiceKey}</span> },
          ...(union.multi
            ? [{ header: 'Comune', render: (r: InventoryView) => r.comuneName || union.name(r.comune) }]
            : []),
          { header: 'Richiedente', render: (r) => r.applicant || '—' },
          { header: 'Indirizzo', render: (r) => r.address || '—' },
          { header: 'Catasto', render: (r) => cadastralText(r) || '—' },
          { header: 'Stato', render: (r) => <PaperStateBadge state={r.state} label={r.stateLabel} /> },
          { header: 'Posizione', render: (r) => locationText(r.location) || '—' },
          {
            header: 'Pagine',
            class: 'num',
            render: (r) =>
              `${r.pages ? formatNumber(r.pages) : '—'}${r.expectedPages ? ` / ${formatNumber(r.expectedPages)} attese` : ''}`,
          },
          ...(can('digitisation')
            ? [
                {
                  header: 'Azioni',
                  render: (r: InventoryView) =>
                    r.state === 'paper' ? (
                      <button
                        type="button"
                        class="small secondary"
                        aria-describedby={`inv-${r.id}`}
                        onClick={() => void plan(r)}
                      >
                        Metti in lista di scansione
                      </button>
                    ) : (
                      ''
                    ),
                },
              ]
            : []),
        ]}
      />
      <Pager
        label="Pagine dell'inventario"
        offset={offset}
        limit={LIMIT}
        count={records.length}
        total={data?.total}
        onChange={setOffset}
      />
    </section>
  );
}
