// The options of a separator print, in a modal dialog: document-type sheets after each practice sheet (e.g.
// Elaborati grafici, Relazione tecnica), generic sheets, copies of each sheet. The caller does the printing.
import { useEffect, useRef, useState } from 'preact/hooks';
import { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES } from '../../../domain/vocabulary.ts';
import { errorMessage } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';

export interface SeparatorOptions {
  documentTypes: string[];
  /** Generic sheets added at the end. */
  generic: number;
  copies: number;
}

export interface SeparatorDialogProps {
  /** What is being printed, e.g. "2 pratiche selezionate". */
  summary: string;
  /** Offer generic sheets (not for the work list, which prints practices only). */
  allowGeneric?: boolean;
  /** Prints; resolves with a message for the status line. */
  onPrint: (opts: SeparatorOptions) => Promise<string>;
  onClose: (message?: string) => void;
}

const MAX = 50;
const clamp = (v: string, min: number): number => Math.min(MAX, Math.max(min, Math.trunc(Number(v)) || min));

export function SeparatorDialog({ summary, allowGeneric = true, onPrint, onClose }: SeparatorDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [types, setTypes] = useState<string[]>([]);
  const [generic, setGeneric] = useState('0');
  const [copies, setCopies] = useState('1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const toggle = (t: string, on: boolean) =>
    setTypes((prev) => (on ? DOCUMENT_TYPES.filter((x) => x === t || prev.includes(x)) : prev.filter((x) => x !== t)));

  const close = (message?: string) => {
    dialog.current?.close();
    onClose(message);
  };

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const message = await onPrint({
        documentTypes: types,
        generic: allowGeneric ? clamp(generic, 0) : 0,
        copies: clamp(copies, 1),
      });
      close(message);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="sep-title"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id="sep-title">Stampa separatori</h2>
      <p class="sub">{summary}</p>
      <form onSubmit={submit} class="form-grid" noValidate>
        <fieldset class="mapping wide">
          <legend>Fogli per tipo di documento, dopo ogni foglio di pratica</legend>
          <div class="two-columns">
            {DOCUMENT_TYPES.map((t) => (
              <label key={t} class="check-field">
                <input
                  type="checkbox"
                  checked={types.includes(t)}
                  onChange={(e) => toggle(t, e.currentTarget.checked)}
                />{' '}
                {DOCUMENT_TYPE_LABELS[t]}
              </label>
            ))}
          </div>
        </fieldset>
        {allowGeneric && (
          <div class="field">
            <label for="sep-generic">Fogli generici in fondo</label>
            <input
              id="sep-generic"
              type="number"
              min={0}
              max={MAX}
              value={generic}
              onInput={(e) => setGeneric(e.currentTarget.value)}
            />
          </div>
        )}
        <div class="field">
          <label for="sep-copies">Copie di ogni foglio</label>
          <input
            id="sep-copies"
            type="number"
            min={1}
            max={MAX}
            value={copies}
            onInput={(e) => setCopies(e.currentTarget.value)}
          />
        </div>
        <div class="wide">
          <ErrorAlert error={error} />
        </div>
        <div class="actions wide">
          <button type="submit" disabled={busy}>
            {busy ? 'Preparazione del PDF…' : 'Scarica il PDF'}
          </button>
          <button type="button" class="secondary" onClick={() => close()}>
            Annulla
          </button>
        </div>
      </form>
    </dialog>
  );
}
