// Deciding one access request: approve (optional note, days of validity) or reject (a note is required), with the
// server's conditional update behind it (409 when somebody else decided first).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import type { AccessRequest } from '../../types.ts';
import { useUnion } from '../../union.ts';

export type Decision = 'approve' | 'reject';

export interface DecisionPanelProps {
  request: AccessRequest;
  decision: Decision;
  /** Called with a message for the status line, or '' when cancelled. */
  onClose: (message: string) => void;
}

export function DecisionPanel({ request, decision, onClose }: DecisionPanelProps) {
  const union = useUnion();
  const [note, setNote] = useState('');
  const [days, setDays] = useState(String(union.union?.accessDays ?? 90));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const approve = decision === 'approve';

  useEffect(() => heading.current?.focus(), []);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const n = Number(days);
    if (!approve && !note.trim()) return setError('Scrivi il motivo del rifiuto: sarà comunicato al richiedente');
    if (approve && days.trim() !== '' && (!Number.isInteger(n) || n < 1 || n > 3650))
      return setError('I giorni di validità vanno da 1 a 3650');
    setBusy(true);
    setError(null);
    try {
      const id = encodeURIComponent(request.id);
      if (approve) {
        await api.post(`/api/access-requests/${id}/approve`, {
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(days.trim() ? { days: n } : {}),
        });
        onClose(`Richiesta per la pratica ${request.practiceKey} approvata`);
      } else {
        await api.post(`/api/access-requests/${id}/reject`, { note: note.trim() });
        onClose(`Richiesta per la pratica ${request.practiceKey} respinta`);
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const title = `${approve ? 'Approva' : 'Respingi'} la richiesta per la pratica ${request.practiceKey}`;
  return (
    <section class="subpanel" aria-labelledby="decision-title">
      <h2 id="decision-title" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p class="summary">
        {request.requesterName} · {union.name(request.comune)} · «{request.reason}»
      </p>
      <form aria-labelledby="decision-title" class="form-grid" onSubmit={submit} noValidate>
        <div class="field wide">
          <label for="decision-note">{approve ? 'Nota per il richiedente (facoltativa)' : 'Motivo del rifiuto'}</label>
          <textarea
            id="decision-note"
            rows={2}
            maxLength={2000}
            required={!approve}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </div>
        {approve && (
          <div class="field">
            <label for="decision-days">Giorni di validità</label>
            <input
              id="decision-days"
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              value={days}
              onInput={(e) => setDays(e.currentTarget.value)}
            />
          </div>
        )}
        <div class="wide">
          <ErrorAlert error={error} />
        </div>
        <div class="actions wide">
          <button type="submit" disabled={busy}>
            {approve ? 'Conferma approvazione' : 'Conferma rifiuto'}
          </button>
          <button type="button" class="secondary" onClick={() => onClose('')}>
            Annulla
          </button>
        </div>
      </form>
    </section>
  );
}
