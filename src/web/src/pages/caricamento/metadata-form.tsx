// Correcting a document's metadata (PATCH /api/documents/:id/metadata) in a modal dialog; the selects are filled
// from GET /api/reference. Only the fields the user changed are sent, with the mandatory note.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Loading } from '../../components/loading.tsx';
import { useApi } from '../../hooks/use-api.ts';
import { codeText, type CodeName, type DocumentMetadataPatch, type ReferenceData } from '../../types.ts';

export interface MetadataFormProps {
  documentId: string;
  onClose: (saved: boolean) => void;
}

type FieldName = Exclude<keyof DocumentMetadataPatch, 'note'>;
type Values = Record<FieldName, string>;

const TEXT_FIELDS: { name: FieldName; label: string; type?: string }[] = [
  { name: 'practiceNumber', label: 'Numero pratica' },
  { name: 'practiceYear', label: 'Anno', type: 'number' },
  { name: 'address', label: 'Indirizzo' },
  { name: 'foglio', label: 'Foglio' },
  { name: 'mappale', label: 'Mappale' },
  { name: 'subalterno', label: 'Subalterno' },
];

const FIELD_NAMES: FieldName[] = [
  'title',
  'documentType',
  'titolarioClass',
  'practiceNumber',
  'practiceYear',
  'address',
  'foglio',
  'mappale',
  'subalterno',
];

interface DocumentResponse {
  document: Record<string, unknown> & { id: string; filename: string; metadata?: Record<string, unknown> };
}

export function MetadataForm({ documentId, onClose }: MetadataFormProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const doc = useApi<DocumentResponse>(`/api/documents/${documentId}`);
  const ref = useApi<ReferenceData>('/api/reference');
  const [initial, setInitial] = useState<Values | null>(null);
  const [values, setValues] = useState<Values | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  useEffect(() => {
    if (!doc.data) return;
    const v = initialValues(doc.data.document);
    setInitial(v);
    setValues(v);
  }, [doc.data]);

  const set = (name: FieldName, value: string) => setValues((prev) => prev && { ...prev, [name]: value });

  const save = async (ev: Event) => {
    ev.preventDefault();
    if (!values || !initial || busy) return;
    if (!note.trim()) {
      setError('Indica nella nota il motivo della correzione');
      return;
    }
    const patch: DocumentMetadataPatch = { note: note.trim() };
    for (const name of FIELD_NAMES) {
      const v = values[name].trim();
      if (v === initial[name].trim() || v === '') continue;
      if (name === 'practiceYear') {
        const year = Number(v);
        if (!Number.isInteger(year) || year < 1800 || year > 2200) {
          setError('Anno non valido');
          return;
        }
        patch.practiceYear = year;
      } else patch[name] = v;
    }
    if (Object.keys(patch).length === 1) {
      setError('Nessun campo modificato');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/documents/${documentId}/metadata`, patch);
      dialog.current?.close();
      onClose(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => {
    dialog.current?.close();
    onClose(false);
  };

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="metadata-title"
      onCancel={(e) => {
        e.preventDefault();
        cancel();
      }}
    >
      <h2 id="metadata-title">Correggi metadati</h2>
      {doc.data && <p class="sub">{doc.data.document.filename}</p>}
      {doc.error ? <ErrorAlert error={doc.error} onRetry={doc.reload} /> : null}
      {!values && !doc.error && <Loading />}
      {values && (
        <form onSubmit={save} class="form-grid" noValidate>
          <div class="field wide">
            <label for="md-title">Titolo</label>
            <input
              id="md-title"
              value={values.title}
              maxLength={500}
              onInput={(e) => set('title', e.currentTarget.value)}
            />
          </div>
          <ReferenceSelect
            id="md-type"
            label="Tipo documento"
            value={values.documentType}
            options={ref.data ? ref.data.documentTypes.map(toOption) : undefined}
            onChange={(v) => set('documentType', v)}
          />
          <ReferenceSelect
            id="md-class"
            label="Classe titolario"
            value={values.titolarioClass}
            options={ref.data?.titolario.map((t) => ({ value: t.code, text: `${t.code} — ${t.title}` }))}
            onChange={(v) => set('titolarioClass', v)}
          />
          {TEXT_FIELDS.map((f) => (
            <div class="field" key={f.name}>
              <label for={`md-${f.name}`}>{f.label}</label>
              <input
                id={`md-${f.name}`}
                type={f.type ?? 'text'}
                inputMode={f.type === 'number' ? 'numeric' : undefined}
                value={values[f.name]}
                onInput={(e) => set(f.name, e.currentTarget.value)}
              />
            </div>
          ))}
          <div class="field wide">
            <label for="md-note">Nota</label>
            <textarea
              id="md-note"
              rows={3}
              required
              aria-describedby="md-note-hint"
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
            <span id="md-note-hint" class="hint">
              Obbligatoria: il motivo della correzione resta nel registro.
            </span>
          </div>
          <div class="wide">
            <ErrorAlert error={error} />
          </div>
          <div class="actions wide">
            <button type="submit" disabled={busy}>
              Salva
            </button>
            <button type="button" class="secondary" onClick={cancel}>
              Annulla
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

interface Option {
  value: string;
  text: string;
}

/** A select filled from reference data; a text input when the reference data cannot be read. */
function ReferenceSelect(props: {
  id: string;
  label: string;
  value: string;
  options: Option[] | undefined;
  onChange: (v: string) => void;
}) {
  const { id, label, value, options, onChange } = props;
  if (!options) {
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <input id={id} value={value} onInput={(e) => onChange(e.currentTarget.value)} />
      </div>
    );
  }
  const known = value === '' || options.some((o) => o.value === value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">—</option>
        {!known && <option value={value}>{value}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

function toOption(t: string | CodeName): Option {
  return typeof t === 'string' ? { value: t, text: t } : { value: t.code, text: codeText(t) };
}

/** Current values: the document's own fields, or its `metadata` object, whichever the API gives. */
function initialValues(document: DocumentResponse['document']): Values {
  const sources = [document.metadata ?? {}, document];
  const out = {} as Values;
  for (const name of FIELD_NAMES) {
    const found = sources.map((s) => s[name]).find((v) => v !== undefined && v !== null);
    out[name] = found === undefined ? '' : String(found);
  }
  return out;
}
