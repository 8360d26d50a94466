// Login: username and password, or "Accedi con SPID/CIE" when the server has an OpenID Connect provider.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { login } from '../../session.ts';
import type { Role } from '../../types.ts';
import type { PageProps } from '../page-props.ts';

interface AuthConfig {
  oidc?: { enabled: boolean; label?: string };
}

export interface LoginPageProps extends PageProps {
  onLoggedIn: (role: Role) => void;
}

export function LoginPage({ onLoggedIn }: LoginPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState<AuthConfig['oidc'] | null>(null);

  useEffect(() => {
    api
      .get<AuthConfig>('/api/auth/config', undefined, { noAuthRedirect: true })
      .then((c) => setOidc(c.oidc?.enabled ? c.oidc : null))
      .catch(() => setOidc(null)); // No config endpoint or no OIDC: password login only.
  }, []);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError('Inserisci nome utente e password');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await login(username.trim(), password);
      onLoggedIn(user.role);
    } catch (err) {
      setError(errorMessage(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel login" aria-labelledby="login-title">
      <h1 id="login-title">Accesso</h1>
      <form onSubmit={submit} class="stack" noValidate>
        <div class="field">
          <label for="login-username">Nome utente</label>
          <input
            id="login-username"
            name="username"
            autocomplete="username"
            required
            autoFocus
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        {error && (
          <div class="alert alert-error" role="alert">
            {error}
          </div>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            Accedi
          </button>
        </div>
      </form>
      {oidc && (
        // A GET form: a real button that leaves the app for the identity provider, even without JavaScript.
        <form method="get" action="/api/auth/oidc/login" class="oidc">
          <p class="hint">oppure con identità digitale{oidc.label ? ` (${oidc.label})` : ''}</p>
          <button type="submit" class="secondary">
            Accedi con SPID/CIE
          </button>
        </form>
      )}
    </section>
  );
}
