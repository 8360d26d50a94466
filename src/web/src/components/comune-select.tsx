// Choosing Comuni of the union: a labelled select of one Comune (optionally with an "all" choice) and a fieldset of
// checkboxes for several. Both list the union's Comuni by name (GET /api/union, cached).
import type { Comune } from '../types.ts';
import { useUnion } from '../union.ts';

export interface ComuneSelectProps {
  id: string;
  label: string;
  /** '' = the "all" choice (or nothing chosen yet). */
  value: string;
  onChange: (code: string) => void;
  /** Text of a first option with value '' ("Tutti i Comuni", "Unione"); without it a Comune must be chosen. */
  allLabel?: string;
  /** Restrict the options (e.g. to the Comuni a staff user acts on); the union's Comuni by default. */
  comuni?: Comune[];
  required?: boolean;
  disabled?: boolean;
  hint?: string;
  /** Wrapper class ('field' by default). */
  class?: string;
}

export function ComuneSelect(props: ComuneSelectProps) {
  const union = useUnion();
  const options = props.comuni ?? union.comuni;
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  // A value not among the options (not loaded yet, or out of the user's Comuni) is still shown, by name.
  const extra = props.value && !options.some((c) => c.code === props.value) ? props.value : null;
  return (
    <div class={props.class ?? 'field'}>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        required={props.required}
        disabled={props.disabled}
        aria-describedby={hintId}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.allLabel !== undefined ? (
          <option value="">{props.allLabel}</option>
        ) : (
          !props.value && (
            <option value="" disabled>
              Scegli il Comune
            </option>
          )
        )}
        {extra && <option value={extra}>{union.name(extra)}</option>}
        {options.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      {props.hint && (
        <span id={hintId} class="hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}

export interface ComuniChecklistProps {
  /** Prefix of the checkboxes' ids. */
  id: string;
  legend: string;
  value: string[];
  onChange: (codes: string[]) => void;
  comuni?: Comune[];
  /** Counts shown beside the names (e.g. a search facet). */
  counts?: Record<string, number>;
  disabled?: boolean;
  hint?: string;
  class?: string;
}

export function ComuniChecklist(props: ComuniChecklistProps) {
  const union = useUnion();
  const options = props.comuni ?? union.comuni;
  const toggle = (code: string, on: boolean) =>
    props.onChange(on ? [...props.value.filter((c) => c !== code), code] : props.value.filter((c) => c !== code));
  return (
    <fieldset class={props.class ?? 'checklist'} disabled={props.disabled}>
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      <ul>
        {options.map((c) => {
          const id = `${props.id}-${c.code}`.replace(/[^\w-]/g, '_');
          return (
            <li key={c.code}>
              <input
                type="checkbox"
                id={id}
                checked={props.value.includes(c.code)}
                onChange={(e) => toggle(c.code, e.currentTarget.checked)}
              />
              <label for={id}>
                {c.name}
                {props.counts && <span class="count"> ({props.counts[c.code] ?? 0})</span>}
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
