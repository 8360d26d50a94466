// "Registro accessi": the audit log, newest first, filtered by user, action, object and period, paged.
import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Pager } from '../../components/pager.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { roleLabel } from '../../roles.ts';
import type { AuditEntry } from '../../types.ts';

const LIMIT = 50;

/** Italian descriptions of the actions the server records (others are shown as they are). */
const ACTIONS: Record<string, string> = {
  'auth.login': 'accesso',
  'auth.login_failed': 'accesso non riuscito',
  'auth.logout': 'uscita',
  'document.view': 'consultazione documento',
  'document.download': 'scaricamento PDF',
  'document.text': 'lettura testo',
  'document.metadata': 'correzione metadati',
  'routing.accept': 'instradamento accettato',
  'routing.correct': 'instradamento corretto',
  'routing.bulk_accept': 'instradamento accettato in blocco',
  'user.create': 'creazione utente',
  'user.update': 'modifica utente',
  'token.create': 'creazione token API',
};

interface Filters {
  actor: string;
  action: string;
  targetId: string;
  since: string;
  until: string;
}

const EMPTY: Filters = { actor: '', action: '', targetId: '', since: '', until: '' };

export function AuditSection() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useApi<{ entries: AuditEntry[]; total?: number }>('/api/audit', {
    actor: filters.actor.trim(),
    action: filters.action.trim(),
    targetId: filters.targetId.trim(),
    since: toIso(filters.since),
    until: toIso(filters.until),
    limit: LIMIT,
    offset,
  });
  const entries = data?.entries ?? [];
  const set = (k: keyof Filters, v: string) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Registro accessi</h2>
      <form
        class="filters"
        aria-label="Filtri del registro"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFilters(draft);
          if (JSON.stringify(draft) === JSON.stringify(filters)) reload();
        }}
      >
        <div class="field">
          <label for="au-actor">Utente</label>
          <input id="au-actor" value={draft.actor} onInput={(e) => set('actor', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="au-action">Azione</label>
          <input
            id="au-action"
            list="au-actions"
            value={draft.action}
            onInput={(e) => set('action', e.currentTarget.value)}
          />
          <datalist id="au-actions">
            {Object.entries(ACTIONS).map(([code, text]) => (
              <option key={code} value={code}>
                {text}
              </option>
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="au-target">Oggetto</label>
          <input id="au-target" value={draft.targetId} onInput={(e) => set('targetId', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="au-since">Dal</label>
          <input
            id="au-since"
            type="datetime-local"
            value={draft.since}
            onInput={(e) => set('since', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="au-until">Al</label>
          <input
            id="au-until"
            type="datetime-local"
            value={draft.until}
            onInput={(e) => set('until', e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit">Filtra</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setOffset(0);
            }}
          >
            Azzera filtri
          </button>
        </div>
      </form>
      <ErrorAlert error={error} onRetry={reload} />
      <DataTable
        caption={`Registro accessi${data?.total !== undefined ? ` (${data.total} voci)` : ''}`}
        captionHidden
        columns={[
          { header: 'Quando', render: (e) => <time dateTime={e.at}>{formatDateTime(e.at, true)}</time> },
          {
            header: 'Utente',
            render: (e) => (
              <>
                {e.actorName ?? e.actor}
                {e.role && <span class="sub">{roleLabel(e.role)}</span>}
              </>
            ),
          },
          {
            header: 'Azione',
            render: (e) => (
              <>
                {ACTIONS[e.action] ?? e.action}
                <span class="sub code">{e.action}</span>
              </>
            ),
          },
          {
            header: 'Oggetto',
            render: (e) =>
              e.targetId ? (
                <span class="code" title={e.targetId}>
                  {e.targetType ? `${e.targetType} ` : ''}
                  {shorten(e.targetId)}
                </span>
              ) : (
                '—'
              ),
          },
          { header: 'Indirizzo IP', render: (e) => e.ip ?? '' },
          { header: 'Dettagli', render: (e) => <Detail detail={e.detail} /> },
        ]}
        rows={entries}
        rowKey={(e) => e.id}
        empty={loading ? 'Attendere…' : 'Nessuna voce per questi filtri'}
      />
      <Pager
        offset={offset}
        limit={LIMIT}
        count={entries.length}
        total={data?.total}
        onChange={setOffset}
        label="Pagine del registro"
      />
    </section>
  );
}

function Detail({ detail }: { detail: unknown }) {
  if (detail === null || detail === undefined) return null;
  const obj = typeof detail === 'string' ? safeParse(detail) : detail;
  if (obj === null || typeof obj !== 'object') return <span>{String(obj)}</span>;
  const entries = Object.entries(obj as Record<string, unknown>);
  if (entries.length === 0) return null;
  return (
    <span class="detail">
      {entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')}
    </span>
  );
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function shorten(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? `${id.slice(0, 12)}…` : id;
}

/** `datetime-local` gives local time without zone: send it as an ISO instant. */
function toIso(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
