// "Le mie richieste": the requester's access requests with their state, expiry and decision; a pending one can be
// withdrawn, an approved one leads to the practice's documents in Ricerca.
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Pager } from '../../components/pager.tsx';
import { AccessStateBadge } from '../../components/state-badges.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { REQUESTER_ROLE_LABELS } from '../../paper-labels.ts';
import { href } from '../../router.ts';
import type { AccessRequest, AccessRequestList } from '../../types.ts';
import { useUnion } from '../../union.ts';
import { REQUESTS_PAGE as LIMIT, useFocusedRow, type RequestFocus } from './focus-request.ts';

/** Whether the request still waits for the practice's scans (shown beside its state). */
export const waitsForScan = (r: AccessRequest): boolean =>
  r.awaitingScan && (r.state === 'pending' || r.state === 'approved');

export function RequestState({ request }: { request: AccessRequest }) {
  return (
    <span class="stack">
      <AccessStateBadge state={request.state} />
      {waitsForScan(request) && <span class="sub">in attesa di digitalizzazione</span>}
    </span>
  );
}

export interface MyRequestsProps {
  onNotice: (m: string) => void;
  /** The request a link pointed to: the list opens on its page, with its row marked. */
  focus?: RequestFocus;
}

export function MyRequests({ onNotice, focus }: MyRequestsProps) {
  const union = useUnion();
  const [offset, setOffset] = useState(focus?.offset ?? 0);
  const { data, error, reload } = useApi<AccessRequestList>('/api/access-requests', {
    mine: 1,
    limit: LIMIT,
    offset,
  });
  const [actionError, setActionError] = useState<string | null>(null);

  const withdraw = async (r: AccessRequest) => {
    setActionError(null);
    try {
      await api.post(`/api/access-requests/${encodeURIComponent(r.id)}/withdraw`);
      onNotice(`Richiesta per la pratica ${r.practiceKey} ritirata`);
      reload();
    } catch (err) {
      setActionError(`${r.practiceKey}: ${errorMessage(err)}`);
    }
  };

  const rows = data?.requests ?? [];
  const focusProps = useFocusedRow(focus?.id, rows);
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">Le mie richieste</h2>
      <ErrorAlert error={error} onRetry={reload} />
      <ErrorAlert error={actionError} />
      <DataTable
        caption="Le mie richieste di accesso"
        captionHidden
        rows={rows}
        rowKey={(r) => r.id}
        rowProps={focusProps}
        empty={data ? 'Nessuna richiesta' : 'Attendere…'}
        columns={[
          { header: 'Pratica', render: (r) => <span id={`req-${r.id}`}>{r.practiceKey}</span> },
          { header: 'Comune', render: (r) => union.name(r.comune) },
          { header: 'In qualità di', render: (r) => REQUESTER_ROLE_LABELS[r.requesterRole] ?? r.requesterRole },
          { header: 'Stato', render: (r) => <RequestState request={r} /> },
          { header: 'Inviata il', render: (r) => formatDateTime(r.createdAt) },
          {
            header: 'Scadenza',
            render: (r) => (r.state === 'approved' || r.state === 'expired' ? formatDateTime(r.expiresAt) : '—'),
          },
          { header: "Nota dell'archivio", render: (r) => r.decisionNote || '—' },
          {
            header: 'Azioni',
            render: (r) => (
              <span class="row-actions">
                {r.state === 'pending' && (
                  <button
                    type="button"
                    class="small secondary"
                    aria-describedby={`req-${r.id}`}
                    onClick={() => void withdraw(r)}
                  >
                    Ritira
                  </button>
                )}
                {r.state === 'approved' && !r.awaitingScan && (
                  <a href={href('ricerca', [], { q: r.practiceKey, comune: r.comune })}>Consulta i documenti</a>
                )}
              </span>
            ),
          },
        ]}
      />
      <Pager
        label="Pagine delle mie richieste"
        offset={offset}
        limit={LIMIT}
        count={rows.length}
        total={data?.total}
        onChange={setOffset}
      />
    </section>
  );
}
