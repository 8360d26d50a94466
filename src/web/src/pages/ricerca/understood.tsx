// What the engine understood of the query: references recognised in the text (practice, protocol, cadastral data,
// address) shown as chips that can be removed, and the text left for the full-text search.
import type { RecognisedKind, RecognisedReference, SearchResponse } from './search.types.ts';

const KIND_LABELS: Record<RecognisedKind, string> = {
  practice: 'Pratica',
  protocol: 'Protocollo',
  cadastral: 'Catasto',
  address: 'Indirizzo',
};

/** "F12 M345 S6" → "foglio 12, mappale 345, sub. 6"; other values unchanged. */
export function referenceLabel(r: RecognisedReference): string {
  if (r.kind !== 'cadastral') return r.value;
  const m = /^F(\d+)(?:\s+M(\d+))?(?:\s+S(\d+))?$/.exec(r.value);
  if (!m) return r.value;
  return [`foglio ${m[1]}`, m[2] && `mappale ${m[2]}`, m[3] && `sub. ${m[3]}`].filter(Boolean).join(', ');
}

/** The query without the recognised text (first occurrence, case-insensitive), spaces tidied. */
export function removeReference(q: string, raw: string): string {
  let at = q.indexOf(raw);
  if (at < 0) at = q.toLowerCase().indexOf(raw.toLowerCase());
  const rest = at < 0 ? q : q.slice(0, at) + ' ' + q.slice(at + raw.length);
  return rest.replace(/\s+/g, ' ').trim();
}

export function Understood(props: {
  understood: SearchResponse['understood'];
  onRemove: (r: RecognisedReference) => void;
}) {
  const { understood, onRemove } = props;
  if (!understood || understood.recognised.length === 0) return null;
  return (
    <div class="ricerca-understood">
      <span id="ricerca-understood-title">Riferimenti riconosciuti:</span>
      <ul aria-labelledby="ricerca-understood-title">
        {understood.recognised.map((r) => {
          const label = `${KIND_LABELS[r.kind] ?? r.kind} ${referenceLabel(r)}`;
          return (
            <li key={`${r.kind}:${r.value}`} class="ricerca-chip">
              <span>
                <strong>{KIND_LABELS[r.kind] ?? r.kind}</strong> {referenceLabel(r)}
              </span>
              <button
                type="button"
                aria-label={`Rimuovi ${label}`}
                title={`Rimuovi ${label}`}
                onClick={() => onRemove(r)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
      {understood.text && (
        <span class="ricerca-understood-text">
          testo cercato: <q>{understood.text}</q>
        </span>
      )}
    </div>
  );
}
