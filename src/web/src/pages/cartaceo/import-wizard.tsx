// Importing the paper inventory (staff): choose the Comune and a .csv or .xlsx file → preview with the columns, ten
// sample rows and a column per field (the server's suggestion preselected) → import → the report of every row.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../../api.ts';
import { ComuneSelect } from '../../components/comune-select.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatBytes, plural } from '../../format.ts';
import { INVENTORY_FIELD_LABELS, INVENTORY_FIELDS } from '../../paper-labels.ts';
import { currentUser } from '../../session.ts';
import type { ImportPreview, InventoryField, InventoryImport } from '../../types.ts';
import { actingComuni, useUnion } from '../../union.ts';
import { ImportReport } from './import-report.tsx';

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Mapping = Partial<Record<InventoryField, string>>;

/** What the mapping lacks to identify a practice, or null when it is enough. */
export function mappingProblem(m: Mapping): string | null {
  if (m.practice) return null;
  if (m.procedureType && m.number && m.year) return null;
  return 'Indica la colonna della pratica (es. "PE 123/1987") oppure quelle di tipo di procedimento, numero e anno';
}

/** The fields to map: ours, in our order, then any further field the server's suggestion names. */
function fieldsOf(preview: ImportPreview): InventoryField[] {
  const extra = Object.keys(preview.mapping ?? {}).filter((f) => !(INVENTORY_FIELDS as readonly string[]).includes(f));
  return [...INVENTORY_FIELDS, ...(extra as InventoryField[])];
}

function cleanMapping(m: Mapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (v) out[k] = v;
  return out;
}

function formOf(fields: Record<string, string>, file: File): FormData {
  const form = new FormData();
  // Fields first: a streaming multipart reader sees them before the file.
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', file, file.name);
  return form;
}

export function ImportWizard({ onImported }: { onImported?: (report: InventoryImport) => void }) {
  const union = useUnion();
  const comuni = actingComuni(currentUser(), union.comuni);
  const [comune, setComune] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [report, setReport] = useState<InventoryImport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const chosen = comune || (comuni.length === 1 ? comuni[0]!.code : '');
  const step = report ? 3 : preview ? 2 : 1;

  useEffect(() => {
    if (step === 2) stepHeading.current?.focus();
    if (step === 3) document.getElementById('import-report-title')?.focus();
  }, [step]);

  const reset = () => {
    setFile(null);
    setPreview(null);
    setMapping({});
    setReport(null);
    setError(null);
    setMessage('');
  };

  const loadPreview = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    if (!chosen) return setError("Scegli il Comune dell'inventario");
    if (!file) return setError('Scegli un file .csv o .xlsx');
    if (!/\.(csv|xlsx)$/i.test(file.name)) return setError('Il file deve essere .csv o .xlsx');
    setBusy(true);
    setError(null);
    setMessage('Lettura del file…');
    try {
      const res = await api.form<ImportPreview>('/api/inventory/imports/preview', formOf({ comune: chosen }, file));
      const suggested: Mapping = {};
      for (const f of fieldsOf(res)) {
        const col = res.mapping?.[f];
        if (col && res.columns.includes(col)) suggested[f] = col;
      }
      setMapping(suggested);
      setPreview(res);
      setMessage(`${plural(res.rows, 'riga letta', 'righe lette')} da ${res.filename}`);
    } catch (err) {
      setError(errorMessage(err));
      setMessage('');
    } finally {
      setBusy(false);
    }
  };

  const runImport = async (ev: Event) => {
    ev.preventDefault();
    if (busy || !file || !preview) return;
    const problem = mappingProblem(mapping);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    setMessage('Importazione in corso…');
    try {
      const res = await api.form<InventoryImport>(
        '/api/inventory/imports',
        formOf({ comune: chosen, mapping: JSON.stringify(cleanMapping(mapping)) }, file),
      );
      setReport(res);
      setMessage(
        `Importazione completata: ${res.inserted} inserite, ${res.updated} aggiornate, ${res.rejected} scartate`,
      );
      onImported?.(res);
    } catch (err) {
      setError(errorMessage(err));
      setMessage('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Importa l'inventario cartaceo</h2>
      <ol class="steps" aria-label="Passi dell'importazione">
        {['File', 'Colonne', 'Rapporto'].map((s, i) => (
          <li key={s} aria-current={step === i + 1 ? 'step' : undefined}>
            {i + 1}. {s}
          </li>
        ))}
      </ol>

      {step === 1 && (
        <form class="form-grid" aria-labelledby="import-title" onSubmit={loadPreview} noValidate>
          <ComuneSelect
            id="imp-comune"
            label="Comune dell'inventario"
            comuni={comuni}
            value={chosen}
            required
            onChange={setComune}
          />
          <div class="field">
            <label for="imp-file">File dell'inventario (.csv o .xlsx)</label>
            <input
              id="imp-file"
              type="file"
              accept={ACCEPT}
              disabled={busy}
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setError(null);
              }}
            />
            {file && (
              <span class="hint">
                {file.name} ({formatBytes(file.size)})
              </span>
            )}
          </div>
          <div class="actions wide">
            <button type="submit" disabled={busy || !file}>
              Anteprima
            </button>
          </div>
        </form>
      )}

      {step === 2 && preview && (
        <form aria-labelledby="import-map-title" onSubmit={runImport} noValidate>
          <h3 id="import-map-title" ref={stepHeading} tabIndex={-1}>
            Anteprima di {preview.filename}: {plural(preview.rows, 'riga', 'righe')}
          </h3>
          <SampleTable preview={preview} />
          <fieldset class="mapping">
            <legend>Colonna del file per ogni campo</legend>
            <p class="hint">
              Le colonne proposte sono state riconosciute dai nomi: controllarle prima di importare. La pratica si
              indica in una colonna sola ("PE 123/1987") oppure con tipo, numero e anno.
            </p>
            <div class="form-grid">
              {fieldsOf(preview).map((f) => (
                <div class="field" key={f}>
                  <label for={`map-${f}`}>{INVENTORY_FIELD_LABELS[f] ?? f}</label>
                  <select
                    id={`map-${f}`}
                    value={mapping[f] ?? ''}
                    onChange={(e) => setMapping((m) => ({ ...m, [f]: e.currentTarget.value || undefined }))}
                  >
                    <option value="">— non presente —</option>
                    {preview.columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
          </fieldset>
          <ErrorAlert error={error} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              Importa
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={reset}>
              Annulla
            </button>
          </div>
        </form>
      )}

      {step === 1 && <ErrorAlert error={error} />}
      <p class="status-line" role="status">
        {message}
      </p>

      {step === 3 && report && (
        <>
          <ImportReport report={report} titleId="import-report-title" />
          <div class="actions">
            <button type="button" class="secondary" onClick={reset}>
              Nuova importazione
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function SampleTable({ preview }: { preview: ImportPreview }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Prime {preview.sample.length} righe del file</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Riga
            </th>
            {preview.columns.map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.sample.map((row, r) => (
            <tr key={r}>
              <td class="num">{r + 1}</td>
              {preview.columns.map((_, i) => (
                <td key={i}>{row[i] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
