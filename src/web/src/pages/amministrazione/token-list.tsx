// A user's API tokens (never their secret): label, dates, and "Revoca".
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import type { ApiTokenInfo, User } from '../../types.ts';

export interface TokenListProps {
  user: User;
  /** Changes when a token was created, to reload. */
  refreshKey: number;
}

export function TokenList({ user, refreshKey }: TokenListProps) {
  const path = `/api/users/${encodeURIComponent(user.id)}/tokens`;
  const { data, error, reload } = useApi<{ tokens: ApiTokenInfo[] }>(path);
  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey]);
  const [actionError, setActionError] = useState<string | null>(null);

  const revoke = async (t: ApiTokenInfo) => {
    setActionError(null);
    try {
      await api.del(`${path}/${encodeURIComponent(t.id)}`);
      reload();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };

  return (
    <>
      <ErrorAlert error={error ?? actionError} />
      <DataTable
        caption={`Token API di ${user.username}`}
        columns={[
          { header: 'Etichetta', render: (t) => t.label },
          { header: 'Creato il', render: (t) => formatDateTime(t.createdAt) },
          { header: 'Ultimo uso', render: (t) => formatDateTime(t.lastUsedAt) || 'mai' },
          {
            header: 'Stato',
            render: (t) => (t.revokedAt ? `revocato il ${formatDateTime(t.revokedAt)}` : 'attivo'),
          },
          {
            header: 'Azioni',
            render: (t) =>
              t.revokedAt ? null : (
                <button
                  type="button"
                  class="small secondary"
                  aria-label={`Revoca ${t.label}`}
                  onClick={() => revoke(t)}
                >
                  Revoca
                </button>
              ),
          },
        ]}
        rows={data?.tokens ?? []}
        rowKey={(t) => t.id}
        empty={data ? 'Nessun token' : 'Attendere…'}
      />
    </>
  );
}
