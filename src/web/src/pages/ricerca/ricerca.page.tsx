// Ricerca `#/ricerca?q=…`: full-text search over the archive's pages with filters and facets, results grouped by
// practice. The whole search lives in the URL hash, so back/forward and shared links reproduce it.
import { useEffect, useState } from 'preact/hooks';
import { Pager } from '../../components/pager.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useApi } from '../../hooks/use-api.ts';
import type { PageProps } from '../page-props.ts';
import { navigate } from '../../router.ts';
import { useUnion } from '../../union.ts';
import { FacetPanel } from './facets.tsx';
import { PaperResults } from './paper-results.tsx';
import { Results } from './results.tsx';
import { apiParams, hasQuery, PAGE_SIZE, readState, stateHref, type SearchState } from './search-state.ts';
import type { SearchResponse } from './search.types.ts';
import { removeReference, Understood } from './understood.tsx';
import './ricerca.css';

const yearText = (y: number | undefined): string => (y === undefined ? '' : String(y));
/** The Comune select's value for a search: '' = whole union, a code, or MANY when several were ticked. */
const MANY = '*';
const comuneChoice = (comuni: string[]): string => (comuni.length === 0 ? '' : comuni.length === 1 ? comuni[0]! : MANY);
const yearValue = (s: string): number | undefined => {
  const n = Number(s.trim());
  return s.trim() !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
};

export function RicercaPage({ params }: PageProps) {
  const state = readState(params);
  const active = hasQuery(state);
  const { data, error, loading, reload } = useApi<SearchResponse>(active ? '/api/search' : null, apiParams(state));
  const [text, setText] = useState(state.q);
  const [from, setFrom] = useState(yearText(state.yearFrom));
  const [to, setTo] = useState(yearText(state.yearTo));
  const [comune, setComune] = useState(comuneChoice(state.comuni));
  const union = useUnion();
  const key = params.toString();

  // Back/forward and links change the hash: the form shows the search in force.
  useEffect(() => {
    setText(state.q);
    setFrom(yearText(state.yearFrom));
    setTo(yearText(state.yearTo));
    setComune(comuneChoice(state.comuni));
  }, [key]);

  useEffect(() => {
    if (state.pagina > 1) window.scrollTo({ top: 0 });
  }, [state.pagina]);

  const go = (next: SearchState): void => {
    const target = stateHref(next);
    if (target === stateHref(state)) reload();
    else navigate(target);
  };

  const submit = (ev: Event): void => {
    ev.preventDefault();
    let yearFrom = yearValue(from);
    let yearTo = yearValue(to);
    if (yearFrom !== undefined && yearTo !== undefined && yearFrom > yearTo) [yearFrom, yearTo] = [yearTo, yearFrom];
    const comuni = comune === MANY ? state.comuni : comune ? [comune] : [];
    go({ ...state, q: text, yearFrom, yearTo, comuni, pagina: 1 });
  };

  const shown = active ? data : undefined;
  return (
    <section class="ricerca">
      <h1>Ricerca</h1>
      <form class="ricerca-form" role="search" onSubmit={submit}>
        <div class="ricerca-field ricerca-q">
          <label for="ricerca-q">Cerca</label>
          <input
            id="ricerca-q"
            type="search"
            name="q"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder="es. permesso di costruire via Roma 12, PE 123/1987, fg 12 mapp 345"
            autoComplete="off"
            maxLength={500}
          />
        </div>
        <div class="ricerca-field">
          <label for="ricerca-anno-da">Anno da</label>
          <input
            id="ricerca-anno-da"
            type="number"
            inputMode="numeric"
            min={1800}
            max={2100}
            value={from}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </div>
        <div class="ricerca-field">
          <label for="ricerca-anno-a">Anno a</label>
          <input
            id="ricerca-anno-a"
            type="number"
            inputMode="numeric"
            min={1800}
            max={2100}
            value={to}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </div>
        {union.multi && (
          <div class="ricerca-field">
            <label for="ricerca-comune">Comune</label>
            <select id="ricerca-comune" value={comune} onChange={(e) => setComune(e.currentTarget.value)}>
              <option value="">Tutta l'unione</option>
              {comune === MANY && <option value={MANY}>{state.comuni.length} Comuni scelti</option>}
              {union.comuni.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit">Cerca</button>
      </form>

      {active && shown && (
        <Understood
          understood={shown.understood}
          onRemove={(r) => go({ ...state, q: removeReference(state.q, r.raw), pagina: 1 })}
        />
      )}
      <ErrorAlert error={active ? error : null} onRetry={reload} />

      {!active && (
        <p class="ricerca-hint">
          Cercare parole del testo, un numero di pratica (PE 123/1987), un protocollo (prot. 1234/2020), un indirizzo
          (via Roma 12) o i dati catastali (fg 12 mapp 345).
        </p>
      )}

      {active && (
        <div class="ricerca-layout" aria-busy={loading}>
          {shown && (
            <FacetPanel facets={shown.facets} state={state} onChange={go} comuni={union.comuni.map((c) => c.code)} />
          )}
          <div class="ricerca-main">
            <p class="ricerca-summary" aria-live="polite">
              {loading
                ? 'Ricerca in corso…'
                : shown && shown.total > 0
                  ? `${shown.total}${shown.approximate ? ' circa' : ''} ${shown.total === 1 ? 'pagina trovata' : 'pagine trovate'} in ${Math.round(shown.tookMs)} ms`
                  : ''}
            </p>
            {shown && !loading && shown.total === 0 && (
              <div class="ricerca-empty">
                {shown.paper?.records.length ? (
                  <p>Nessun documento digitalizzato</p>
                ) : (
                  <>
                    <p>Nessun risultato</p>
                    <p class="ricerca-hint">Provare con meno parole, togliere un filtro o allargare gli anni.</p>
                  </>
                )}
              </div>
            )}
            {shown && shown.hits.length > 0 && (
              <Results hits={shown.hits} queryText={shown.understood?.text ?? state.q} showComune={union.multi} />
            )}
            {shown && shown.total > 0 && (
              <Pager
                label="Pagine dei risultati"
                offset={(state.pagina - 1) * PAGE_SIZE}
                limit={PAGE_SIZE}
                count={shown.hits.length}
                total={shown.total}
                onChange={(offset) => go({ ...state, pagina: Math.floor(offset / PAGE_SIZE) + 1 })}
              />
            )}
            {shown?.paper && !loading && <PaperResults paper={shown.paper} />}
          </div>
        </div>
      )}
    </section>
  );
}
