// The Comuni a user acts on besides their own (grantedComuni): a checklist of the union's other Comuni, saved with
// PATCH /api/users/:id.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ComuniChecklist } from '../../components/comune-select.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import type { User } from '../../types.ts';
import { useUnion } from '../../union.ts';

export interface UserComuniPanelProps {
  user: User;
  /** Called with a message for the status line, or '' when cancelled. */
  onClose: (message: string) => void;
}

export function UserComuniPanel({ user, onClose }: UserComuniPanelProps) {
  const union = useUnion();
  const [granted, setGranted] = useState<string[]>(user.grantedComuni ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const others = union.comuni.filter((c) => c.code !== user.comune);

  const save = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const grantedComuni = granted.filter((c) => c !== user.comune);
      await api.patch(`/api/users/${encodeURIComponent(user.id)}`, { grantedComuni });
      onClose(`${user.username}: Comuni aggiuntivi salvati`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="subpanel" aria-labelledby="user-comuni-title">
      <h2 id="user-comuni-title" ref={heading} tabIndex={-1}>
        Altri Comuni di {user.username}
      </h2>
      {!user.comune ? (
        <p>L'utente è dell'Unione: opera già su tutti i Comuni.</p>
      ) : (
        <form aria-labelledby="user-comuni-title" onSubmit={save}>
          <ComuniChecklist
            id="uc"
            legend={`Comuni su cui opera oltre a ${union.name(user.comune)}`}
            comuni={others}
            value={granted}
            onChange={setGranted}
          />
          <ErrorAlert error={error} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              Salva
            </button>
            <button type="button" class="secondary" onClick={() => onClose('')}>
              Annulla
            </button>
          </div>
        </form>
      )}
      {!user.comune && (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => onClose('')}>
            Chiudi
          </button>
        </div>
      )}
    </section>
  );
}
