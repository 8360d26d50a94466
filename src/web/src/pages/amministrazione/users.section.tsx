// Users: the list (role change, disable/enable), "Nuovo utente", password reset and API tokens (shown once).
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { ROLE_LABELS, ROLES } from '../../roles.ts';
import { currentUser } from '../../session.ts';
import type { Role, User } from '../../types.ts';
import { useUnion } from '../../union.ts';
import { NewUserForm } from './new-user.form.tsx';
import { UserComuniPanel } from './user-comuni.panel.tsx';
import { UserCredentialsPanel, type CredentialsAction } from './user-credentials.panel.tsx';

type UsersResponse = User[] | { users: User[] };

export function UsersSection() {
  const { data, error, reload } = useApi<UsersResponse>('/api/users');
  const users = Array.isArray(data) ? data : (data?.users ?? []);
  const [notice, setNotice] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const [panel, setPanel] = useState<{ user: User; action: CredentialsAction } | null>(null);
  const [comuniOf, setComuniOf] = useState<User | null>(null);
  const me = currentUser();
  const union = useUnion();

  const update = async (
    user: User,
    patch: Partial<Pick<User, 'role' | 'disabled' | 'displayName' | 'comune' | 'grantedComuni'>>,
    done: string,
  ) => {
    setActionError(null);
    setNotice('');
    try {
      await api.patch(`/api/users/${encodeURIComponent(user.id)}`, patch);
      setNotice(done);
      reload();
    } catch (err) {
      setActionError(`${user.username}: ${errorMessage(err)}`);
    }
  };

  return (
    <>
      <section aria-labelledby="users-title">
        <h2 id="users-title">Utenti</h2>
        <ErrorAlert error={error} onRetry={reload} />
        <ErrorAlert error={actionError} />
        <p class="status-line" role="status">
          {notice}
        </p>
        <DataTable
          caption="Utenti"
          captionHidden
          columns={[
            { header: 'Nome utente', render: (u) => <span id={`user-${u.id}`}>{u.username}</span> },
            { header: 'Nome visualizzato', render: (u) => u.displayName },
            {
              header: 'Ruolo',
              render: (u) => (
                <select
                  // Not "Ruolo …": the "Nuovo utente" form owns the label "Ruolo" (browser tests find it by label).
                  aria-label={`Profilo di ${u.username}`}
                  value={u.role}
                  disabled={u.id === me?.id}
                  title={u.id === me?.id ? 'Non puoi cambiare il tuo ruolo' : undefined}
                  onChange={(e) => {
                    const role = e.currentTarget.value as Role;
                    void update(u, { role }, `${u.username}: ruolo ${ROLE_LABELS[role]}`);
                  }}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABELS[r]}
                    </option>
                  ))}
                </select>
              ),
            },
            ...(union.multi
              ? [
                  {
                    header: 'Comuni',
                    render: (u: User) =>
                      u.role === 'professional' ? (
                        <span title="I professionisti consultano tutta l'unione">—</span>
                      ) : (
                        <span class="stack user-comuni">
                          <select
                            // Not "Comune …": the "Nuovo utente" form owns the label "Comune".
                            aria-label={`Appartenenza di ${u.username}`}
                            value={u.comune ?? ''}
                            disabled={u.id === me?.id}
                            title={u.id === me?.id ? 'Non puoi cambiare il tuo Comune' : undefined}
                            onChange={(e) => {
                              const code = e.currentTarget.value || null;
                              void update(
                                u,
                                { comune: code },
                                `${u.username}: ${code ? `Comune di ${union.name(code)}` : "utente dell'Unione"}`,
                              );
                            }}
                          >
                            <option value="">Unione (tutti i Comuni)</option>
                            {union.comuni.map((c) => (
                              <option key={c.code} value={c.code}>
                                {c.name}
                              </option>
                            ))}
                          </select>
                          {u.comune && (
                            <span class="row-actions">
                              <span class="sub">
                                Anche: {(u.grantedComuni ?? []).map((c) => union.name(c)).join(', ') || 'nessun altro'}
                              </span>
                              <button
                                type="button"
                                class="link-button"
                                aria-describedby={`user-${u.id}`}
                                onClick={() => setComuniOf(u)}
                              >
                                Modifica Comuni
                              </button>
                            </span>
                          )}
                        </span>
                      ),
                  },
                ]
              : []),
            {
              header: 'Stato',
              render: (u) => (
                <span class={u.disabled ? 'badge badge-error' : 'badge badge-ok'}>
                  {u.disabled ? 'disattivato' : 'attivo'}
                </span>
              ),
            },
            { header: 'SPID/CIE', render: (u) => (u.oidcLinked ? 'collegato' : '—') },
            { header: 'Creato il', render: (u) => formatDateTime(u.createdAt) || '—' },
            {
              header: 'Azioni',
              render: (u) => (
                <span class="row-actions">
                  <button
                    type="button"
                    class="small secondary"
                    aria-label={`${u.disabled ? 'Riattiva' : 'Disattiva'} ${u.username}`}
                    disabled={u.id === me?.id}
                    onClick={() =>
                      update(
                        u,
                        { disabled: !u.disabled },
                        `${u.username}: ${u.disabled ? 'riattivato' : 'disattivato (sessioni chiuse)'}`,
                      )
                    }
                  >
                    {u.disabled ? 'Riattiva' : 'Disattiva'}
                  </button>
                  <button
                    type="button"
                    class="small secondary"
                    aria-describedby={`user-${u.id}`}
                    onClick={() => setPanel({ user: u, action: 'password' })}
                  >
                    Reimposta password
                  </button>
                  <button
                    type="button"
                    class="small secondary"
                    aria-describedby={`user-${u.id}`}
                    onClick={() => setPanel({ user: u, action: 'token' })}
                  >
                    Nuovo token API
                  </button>
                </span>
              ),
            },
          ]}
          rows={users}
          rowKey={(u) => u.id}
          rowProps={(u) => ({ class: u.disabled ? 'row-muted' : undefined })}
          empty={data ? 'Nessun utente' : 'Attendere…'}
        />
      </section>
      {comuniOf && (
        <UserComuniPanel
          key={comuniOf.id}
          user={comuniOf}
          onClose={(message) => {
            setComuniOf(null);
            if (message) {
              setNotice(message);
              reload();
            }
          }}
        />
      )}
      {panel && (
        <UserCredentialsPanel
          key={`${panel.user.id}-${panel.action}`}
          user={panel.user}
          action={panel.action}
          onClose={(message) => {
            setPanel(null);
            if (message) setNotice(message);
          }}
        />
      )}
      <NewUserForm
        onCreated={(u) => {
          setNotice(`Utente ${u.username} creato`);
          reload();
        }}
      />
    </>
  );
}
