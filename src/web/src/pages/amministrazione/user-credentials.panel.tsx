// Credentials of one user: set a new password (their sessions are closed) or create an API token, which the
// server returns once: it is shown here with a copy button and never again.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import type { User } from '../../types.ts';
import { TokenList } from './token-list.tsx';

export type CredentialsAction = 'password' | 'token';

export interface UserCredentialsPanelProps {
  user: User;
  action: CredentialsAction;
  /** Called with a message for the status line, or empty when cancelled. */
  onClose: (message: string) => void;
}

export function UserCredentialsPanel({ user, action, onClose }: UserCredentialsPanelProps) {
  const [value, setValue] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    if (!value.trim()) {
      setError(action === 'password' ? 'Inserisci la nuova password' : "Inserisci un'etichetta per il token");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (action === 'password') {
        await api.patch(`/api/users/${encodeURIComponent(user.id)}`, { password: value });
        onClose(`${user.username}: password reimpostata, sessioni chiuse`);
      } else {
        const res = await api.post<{ token: string }>(`/api/users/${encodeURIComponent(user.id)}/tokens`, {
          label: value.trim(),
        });
        setToken(res.token);
        setCreated((n) => n + 1);
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      setError('Copia non riuscita: seleziona il token e copialo a mano');
    }
  };

  const title = action === 'password' ? `Reimposta la password di ${user.username}` : `Token API per ${user.username}`;
  return (
    <section class="subpanel" aria-labelledby="cred-title">
      <h2 id="cred-title" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {token ? (
        <div class="token-once">
          <p>
            Copia il token ora: <strong>non verrà più mostrato</strong>. Si usa nell'intestazione{' '}
            <code>Authorization: Bearer …</code>
          </p>
          <output class="token" aria-label="Token API">
            {token}
          </output>
          <div class="actions">
            <button type="button" class="secondary" onClick={copy}>
              Copia
            </button>
            <button type="button" onClick={() => onClose(`${user.username}: token API creato`)}>
              Chiudi
            </button>
          </div>
          <p class="status-line" role="status">
            {copied ? 'Token copiato negli appunti' : ''}
          </p>
        </div>
      ) : (
        <form onSubmit={submit} class="form-grid" noValidate>
          <div class="field">
            {action === 'password' ? (
              <>
                <label for="cred-value">Nuova password</label>
                <input
                  id="cred-value"
                  type="password"
                  autocomplete="new-password"
                  minLength={8}
                  value={value}
                  onInput={(e) => setValue(e.currentTarget.value)}
                />
              </>
            ) : (
              <>
                <label for="cred-value">Etichetta del token</label>
                <input
                  id="cred-value"
                  placeholder="es. script di importazione"
                  maxLength={100}
                  value={value}
                  onInput={(e) => setValue(e.currentTarget.value)}
                />
              </>
            )}
          </div>
          <div class="wide">
            <ErrorAlert error={error} />
          </div>
          <div class="actions wide">
            <button type="submit" disabled={busy}>
              {action === 'password' ? 'Imposta password' : 'Crea token'}
            </button>
            <button type="button" class="secondary" onClick={() => onClose('')}>
              Annulla
            </button>
          </div>
        </form>
      )}
      {action === 'token' && <TokenList user={user} refreshKey={created} />}
    </section>
  );
}
