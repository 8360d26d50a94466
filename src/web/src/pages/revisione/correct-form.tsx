// The correction of a suggestion: office and titolario class (filled from the reference data, starting from the
// suggestion) and the reason, which the register requires.
import { useEffect, useRef, useState } from 'preact/hooks';
import { withCurrent, type ReferenceOptions } from './reference.ts';
import type { Correction, ReviewItem } from './review.types.ts';

export interface CorrectFormProps {
  item: ReviewItem;
  reference: ReferenceOptions;
  busy: boolean;
  onSubmit: (c: Correction) => void;
  onCancel: () => void;
}

export function CorrectForm({ item, reference, busy, onSubmit, onCancel }: CorrectFormProps) {
  const [office, setOffice] = useState(item.current.office);
  const [titolarioClass, setClass] = useState(item.current.titolarioClass);
  const [note, setNote] = useState('');
  const [invalid, setInvalid] = useState(false);
  const firstRef = useRef<HTMLSelectElement>(null);

  useEffect(() => firstRef.current?.focus(), []);

  const submit = (ev: Event): void => {
    ev.preventDefault();
    if (note.trim() === '') {
      setInvalid(true);
      return;
    }
    onSubmit({ office, titolarioClass, note: note.trim() });
  };

  return (
    <form
      class="revisione-correct"
      aria-labelledby="revisione-correct-title"
      noValidate
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h3 id="revisione-correct-title">Correzione della proposta</h3>
      <div class="revisione-field">
        <label for="revisione-ufficio">Ufficio</label>
        <select id="revisione-ufficio" ref={firstRef} value={office} onChange={(e) => setOffice(e.currentTarget.value)}>
          {withCurrent(reference.offices, office).map((o) => (
            <option key={o.code} value={o.code}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <div class="revisione-field">
        <label for="revisione-classe">Classe titolario</label>
        <select id="revisione-classe" value={titolarioClass} onChange={(e) => setClass(e.currentTarget.value)}>
          {withCurrent(reference.classes, titolarioClass).map((o) => (
            <option key={o.code} value={o.code}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <div class="revisione-field">
        <label for="revisione-motivazione">Motivazione</label>
        <textarea
          id="revisione-motivazione"
          rows={3}
          maxLength={2000}
          required
          aria-invalid={invalid}
          aria-describedby={invalid ? 'revisione-motivazione-errore' : undefined}
          value={note}
          onInput={(e) => {
            setNote(e.currentTarget.value);
            if (invalid && e.currentTarget.value.trim() !== '') setInvalid(false);
          }}
        />
        {invalid && (
          <p id="revisione-motivazione-errore" class="revisione-field-error" role="alert">
            Indicare la motivazione della correzione.
          </p>
        )}
      </div>
      <div class="revisione-buttons">
        <button type="submit" disabled={busy}>
          Conferma correzione
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Annulla
        </button>
      </div>
    </form>
  );
}
