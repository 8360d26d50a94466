// Facet lists with counts: a checkbox per value narrows the search to it (one value per facet, as the API filters),
// unchecking removes the filter. The year facet sets "Anno da" and "Anno a" to that year; the Comune facet takes
// several Comuni (none ticked = the whole union) and lists every Comune of the union, with 0 when it has no hit.
import { useState } from 'preact/hooks';
import { FACET_NAMES, facetValueLabel } from './labels.ts';
import { FACET_FILTERS, type FacetFilter, type SearchState } from './search-state.ts';

const SHOWN = 10;
const ORDER = ['comune', ...FACET_FILTERS, 'year'];

type Facets = Record<string, Record<string, number>>;

export function isChecked(state: SearchState, facet: string, value: string): boolean {
  if (facet === 'comune') return state.comuni.includes(value);
  if (facet === 'year') return state.yearFrom === Number(value) && state.yearTo === Number(value);
  return (FACET_FILTERS as readonly string[]).includes(facet) && state[facet as FacetFilter] === value;
}

/** The state after ticking or unticking a facet value; back to the first page of results. */
export function toggleFacet(state: SearchState, facet: string, value: string): SearchState {
  const on = !isChecked(state, facet, value);
  if (facet === 'comune') {
    const comuni = on ? [...state.comuni, value] : state.comuni.filter((c) => c !== value);
    return { ...state, comuni, pagina: 1 };
  }
  if (facet === 'year') {
    const y = on ? Number(value) : undefined;
    return { ...state, yearFrom: y, yearTo: y, pagina: 1 };
  }
  return { ...state, [facet]: on ? value : undefined, pagina: 1 };
}

/** Values to list for a facet: the engine's (years newest first), plus the value in force when the engine has none. */
function entries(
  state: SearchState,
  facet: string,
  counts: Record<string, number>,
  comuni: string[],
): Array<[string, number]> {
  if (facet === 'comune') {
    if (comuni.length < 2) return []; // one Comune: nothing to choose
    const extra = [...Object.keys(counts), ...state.comuni].filter((c) => !comuni.includes(c));
    return [...comuni, ...new Set(extra)].map((c) => [c, counts[c] ?? 0]);
  }
  const list = Object.entries(counts);
  if (facet === 'year') list.sort((a, b) => Number(b[0]) - Number(a[0]));
  const active =
    facet === 'year' ? (state.yearFrom === state.yearTo ? state.yearFrom : undefined) : state[facet as FacetFilter];
  if (active !== undefined && !list.some(([v]) => v === String(active))) list.unshift([String(active), 0]);
  return list;
}

function FacetList(props: {
  name: string;
  values: Array<[string, number]>;
  state: SearchState;
  onChange: (s: SearchState) => void;
}) {
  const { name, values, state, onChange } = props;
  const [all, setAll] = useState(false);
  const shown = all ? values : values.slice(0, SHOWN);
  const legend = FACET_NAMES[name] ?? name;
  return (
    <fieldset class="ricerca-facet">
      <legend>{legend}</legend>
      <ul>
        {shown.map(([value, count]) => {
          const id = `facet-${name}-${value}`.replace(/[^\w-]/g, '_');
          return (
            <li key={value}>
              <input
                type="checkbox"
                id={id}
                checked={isChecked(state, name, value)}
                onChange={() => onChange(toggleFacet(state, name, value))}
              />
              <label for={id}>
                {facetValueLabel(name, value)} <span class="ricerca-count">({count})</span>
              </label>
            </li>
          );
        })}
      </ul>
      {values.length > SHOWN && (
        <button type="button" class="secondary" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? 'Mostra meno' : `Mostra tutti (${values.length})`}
        </button>
      )}
    </fieldset>
  );
}

export function FacetPanel({
  facets,
  state,
  onChange,
  comuni = [],
}: {
  facets: Facets;
  state: SearchState;
  onChange: (s: SearchState) => void;
  /** The union's Comuni (codes), always listed in the Comune facet. */
  comuni?: string[];
}) {
  // Only the facets the API can filter on; a value in force is listed even when the engine returned no count for it.
  const lists = ORDER.map((n) => ({ name: n, values: entries(state, n, facets[n] ?? {}, comuni) })).filter(
    (f) => f.values.length > 0,
  );
  if (lists.length === 0) return null;
  return (
    <div class="ricerca-facets">
      {lists.map((f) => (
        <FacetList key={f.name} name={f.name} values={f.values} state={state} onChange={onChange} />
      ))}
    </div>
  );
}
