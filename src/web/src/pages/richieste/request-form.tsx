// "Nuova richiesta di accesso" (accesso agli atti): Comune, practice key, the requester's standing, the reason and an
// optional e-mail for the answers. Prefilled from a search hit or a refused document (#/richieste/nuova?comune&pratica).
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ComuneSelect } from '../../components/comune-select.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { REQUESTER_ROLE_LABELS, REQUESTER_ROLES } from '../../paper-labels.ts';
import type { AccessRequest, NewAccessRequestBody, RequesterRole } from '../../types.ts';
import { useUnion } from '../../union.ts';

export const MIN_REASON = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface RequestFormProps {
  comune?: string;
  practiceKey?: string;
  onCreated: (request: AccessRequest) => void;
}

/** What is wrong with the form for people, or null when it can be sent. */
export function requestFormProblem(v: NewAccessRequestBody): string | null {
  if (!v.comune) return 'Scegli il Comune della pratica';
  if (!v.practiceKey.trim()) return 'Indica la pratica (es. PE 123/1987)';
  if (v.reason.trim().length < MIN_REASON) return `Spiega il motivo della richiesta (almeno ${MIN_REASON} caratteri)`;
  if (v.email && !EMAIL.test(v.email.trim())) return "L'indirizzo e-mail non è valido";
  return null;
}

export function RequestForm({ comune, practiceKey, onCreated }: RequestFormProps) {
  const union = useUnion();
  const [values, setValues] = useState<NewAccessRequestBody>({
    comune: comune ?? '',
    practiceKey: practiceKey ?? '',
    requesterRole: 'delegated_technician',
    reason: '',
    email: '',
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof NewAccessRequestBody>(k: K, v: NewAccessRequestBody[K]) =>
    setValues((p) => ({ ...p, [k]: v }));
  // With a single Comune there is nothing to choose.
  const chosenComune = values.comune || (union.comuni.length === 1 ? union.comuni[0]!.code : '');

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const body: NewAccessRequestBody = {
      comune: chosenComune,
      practiceKey: values.practiceKey.trim(),
      requesterRole: values.requesterRole,
      reason: values.reason.trim(),
      ...(values.email?.trim() ? { email: values.email.trim() } : {}),
    };
    const problem = requestFormProblem(body);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<AccessRequest>('/api/access-requests', body);
      onCreated(created);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const comuneInfo = union.comuni.find((c) => c.code === chosenComune);
  return (
    <section aria-labelledby="ar-title">
      <h2 id="ar-title">Nuova richiesta di accesso</h2>
      <p class="hint">
        La richiesta è esaminata dall'archivio del Comune. Se la pratica è solo su carta viene digitalizzata: riceverai
        un avviso quando sarà consultabile.
      </p>
      <form aria-labelledby="ar-title" class="form-grid" onSubmit={submit} noValidate>
        <ComuneSelect
          id="ar-comune"
          label="Comune della pratica"
          value={chosenComune}
          required
          onChange={(v) => set('comune', v)}
          hint={comuneInfo?.requireAccessRequest ? 'Questo Comune richiede una richiesta approvata' : undefined}
        />
        <div class="field">
          <label for="ar-pratica">Pratica</label>
          <input
            id="ar-pratica"
            required
            autoComplete="off"
            placeholder="es. PE 123/1987"
            maxLength={50}
            value={values.practiceKey}
            onInput={(e) => set('practiceKey', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="ar-ruolo">In qualità di</label>
          <select
            id="ar-ruolo"
            value={values.requesterRole}
            onChange={(e) => set('requesterRole', e.currentTarget.value as RequesterRole)}
          >
            {REQUESTER_ROLES.map((r) => (
              <option key={r} value={r}>
                {REQUESTER_ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="ar-email">E-mail per le comunicazioni (facoltativa)</label>
          <input
            id="ar-email"
            type="email"
            autoComplete="email"
            maxLength={254}
            value={values.email}
            onInput={(e) => set('email', e.currentTarget.value)}
          />
        </div>
        <div class="field wide">
          <label for="ar-motivo">Motivo della richiesta</label>
          <textarea
            id="ar-motivo"
            rows={3}
            required
            minLength={MIN_REASON}
            maxLength={2000}
            aria-describedby="ar-motivo-hint"
            value={values.reason}
            onInput={(e) => set('reason', e.currentTarget.value)}
          />
          <span id="ar-motivo-hint" class="hint">
            Almeno {MIN_REASON} caratteri, es. "verifica di conformità per compravendita".
          </span>
        </div>
        <div class="wide">
          <ErrorAlert error={error} />
        </div>
        <div class="actions wide">
          <button type="submit" disabled={busy}>
            Invia richiesta
          </button>
        </div>
      </form>
    </section>
  );
}
