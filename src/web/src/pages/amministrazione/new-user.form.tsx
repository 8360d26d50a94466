// "Nuovo utente": username, display name, role and initial password (labels are the browser tests' contract).
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { ROLE_LABELS, ROLES } from '../../roles.ts';
import { ComuneSelect, ComuniChecklist } from '../../components/comune-select.tsx';
import type { Role, User } from '../../types.ts';
import { useUnion } from '../../union.ts';

export interface NewUserFormProps {
  onCreated: (user: User) => void;
}

const EMPTY = { username: '', displayName: '', role: 'professional' as Role, password: '' };
/** The new user's Comune: a code, or UNION for union level (null on the wire); unset = the union's default. */
const UNION = '';

export function NewUserForm({ onCreated }: NewUserFormProps) {
  const [values, setValues] = useState(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const union = useUnion();
  const [comune, setComune] = useState<string | null>(null);
  const [granted, setGranted] = useState<string[]>([]);
  const chosenComune = comune ?? union.union?.defaultComune ?? UNION;
  const set = <K extends keyof typeof EMPTY>(k: K, v: (typeof EMPTY)[K]) => setValues((p) => ({ ...p, [k]: v }));

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    if (!values.username.trim() || !values.displayName.trim() || !values.password) {
      setError('Compila nome utente, nome visualizzato e password');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Comune fields only in a union of several Comuni (a single-Comune server needs none of them).
      const tenancy =
        union.multi && values.role !== 'professional'
          ? {
              comune: chosenComune === UNION ? null : chosenComune,
              grantedComuni: chosenComune === UNION ? [] : granted.filter((c) => c !== chosenComune),
            }
          : {};
      const res = await api.post<User | { user: User }>('/api/users', {
        ...values,
        username: values.username.trim(),
        ...tenancy,
      });
      const user = 'user' in res ? res.user : res;
      setValues(EMPTY);
      setComune(null);
      setGranted([]);
      onCreated(user);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-user-title" class="subpanel">
      <h2 id="new-user-title">Nuovo utente</h2>
      <form aria-labelledby="new-user-title" onSubmit={submit} class="form-grid" noValidate>
        <div class="field">
          <label for="nu-username">Nome utente</label>
          <input
            id="nu-username"
            autocomplete="off"
            required
            value={values.username}
            onInput={(e) => set('username', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="nu-display">Nome visualizzato</label>
          <input
            id="nu-display"
            autocomplete="off"
            required
            value={values.displayName}
            onInput={(e) => set('displayName', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="nu-role">Ruolo</label>
          <select id="nu-role" value={values.role} onChange={(e) => set('role', e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        {union.multi && values.role !== 'professional' && (
          <ComuneSelect
            id="nu-comune"
            label="Comune"
            allLabel="Unione (tutti i Comuni)"
            value={chosenComune}
            onChange={setComune}
          />
        )}
        <div class="field">
          <label for="nu-password">Password</label>
          <input
            id="nu-password"
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            value={values.password}
            onInput={(e) => set('password', e.currentTarget.value)}
          />
        </div>
        {union.multi && values.role !== 'professional' && chosenComune !== UNION && (
          <ComuniChecklist
            id="nu-granted"
            class="checklist wide"
            legend="Altri Comuni su cui opera"
            comuni={union.comuni.filter((c) => c.code !== chosenComune)}
            value={granted}
            onChange={setGranted}
          />
        )}
        <div class="wide">
          <ErrorAlert error={error} />
        </div>
        <div class="actions wide">
          <button type="submit" disabled={busy}>
            Crea utente
          </button>
        </div>
      </form>
    </section>
  );
}
