// "Richieste dei Comuni" (staff): the access requests of the Comuni the user acts on, pending first by default, with
// Approva / Respingi on each pending one.
import { useState } from 'preact/hooks';
import { ComuneSelect } from '../../components/comune-select.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Pager } from '../../components/pager.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { ACCESS_REQUEST_STATE_LABELS, ACCESS_REQUEST_STATES, REQUESTER_ROLE_LABELS } from '../../paper-labels.ts';
import { currentUser } from '../../session.ts';
import type { AccessRequest, AccessRequestList } from '../../types.ts';
import { actingComuni, useUnion } from '../../union.ts';
import { DecisionPanel, type Decision } from './decision-panel.tsx';
import { REQUESTS_PAGE as LIMIT, useFocusedRow, type RequestFocus } from './focus-request.ts';
import { RequestState } from './my-requests.tsx';

export interface ComuneRequestsProps {
  onNotice: (m: string) => void;
  /** The request a link pointed to: the list opens on its page and state filter, with its row marked. */
  focus?: RequestFocus;
}

export function ComuneRequests({ onNotice, focus }: ComuneRequestsProps) {
  const union = useUnion();
  const mine = actingComuni(currentUser(), union.comuni);
  const [comune, setComune] = useState('');
  const [state, setState] = useState(focus ? focus.state : 'pending');
  const [offset, setOffset] = useState(focus?.offset ?? 0);
  const [deciding, setDeciding] = useState<{ request: AccessRequest; decision: Decision } | null>(null);
  const { data, error, reload } = useApi<AccessRequestList>('/api/access-requests', {
    state,
    comune,
    limit: LIMIT,
    offset,
  });
  const rows = data?.requests ?? [];
  const focusProps = useFocusedRow(focus?.id, rows);

  return (
    <section aria-labelledby="comune-req-title">
      <h2 id="comune-req-title">Richieste dei Comuni</h2>
      <div class="filters">
        {mine.length > 1 && (
          <ComuneSelect
            id="cr-comune"
            label="Comune"
            allLabel="Tutti i miei Comuni"
            comuni={mine}
            value={comune}
            onChange={(v) => (setComune(v), setOffset(0))}
          />
        )}
        <div class="field">
          <label for="cr-stato">Stato</label>
          <select id="cr-stato" value={state} onChange={(e) => (setState(e.currentTarget.value), setOffset(0))}>
            <option value="">Tutti</option>
            {ACCESS_REQUEST_STATES.map((s) => (
              <option key={s} value={s}>
                {ACCESS_REQUEST_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      <DataTable
        caption={state === 'pending' ? 'Richieste in attesa di decisione' : 'Richieste di accesso'}
        rows={rows}
        rowKey={(r) => r.id}
        rowProps={focusProps}
        empty={data ? 'Nessuna richiesta' : 'Attendere…'}
        columns={[
          { header: 'Pratica', render: (r) => <span id={`creq-${r.id}`}>{r.practiceKey}</span> },
          { header: 'Comune', render: (r) => union.name(r.comune) },
          {
            header: 'Richiedente',
            render: (r) => (
              <span class="stack">
                <span>{r.requesterName}</span>
                <span class="sub">{REQUESTER_ROLE_LABELS[r.requesterRole] ?? r.requesterRole}</span>
                {r.requesterEmail && <span class="sub">{r.requesterEmail}</span>}
              </span>
            ),
          },
          { header: 'Motivo', render: (r) => <span class="detail">{r.reason}</span> },
          { header: 'Inviata il', render: (r) => formatDateTime(r.createdAt) },
          { header: 'Stato', render: (r) => <RequestState request={r} /> },
          {
            header: 'Scadenza',
            render: (r) => (r.expiresAt && r.state !== 'pending' ? formatDateTime(r.expiresAt) : '—'),
          },
          { header: 'Esito', render: (r) => r.decisionNote || '—' },
          {
            header: 'Azioni',
            render: (r) =>
              r.state === 'pending' && (
                <span class="row-actions">
                  <button
                    type="button"
                    class="small"
                    aria-describedby={`creq-${r.id}`}
                    onClick={() => setDeciding({ request: r, decision: 'approve' })}
                  >
                    Approva
                  </button>
                  <button
                    type="button"
                    class="small secondary"
                    aria-describedby={`creq-${r.id}`}
                    onClick={() => setDeciding({ request: r, decision: 'reject' })}
                  >
                    Respingi
                  </button>
                </span>
              ),
          },
        ]}
      />
      <Pager
        label="Pagine delle richieste"
        offset={offset}
        limit={LIMIT}
        count={rows.length}
        total={data?.total}
        onChange={setOffset}
      />
      {deciding && (
        <DecisionPanel
          key={`${deciding.request.id}-${deciding.decision}`}
          request={deciding.request}
          decision={deciding.decision}
          onClose={(message) => {
            setDeciding(null);
            if (message) {
              onNotice(message);
              reload();
            }
          }}
        />
      )}
    </section>
  );
}
