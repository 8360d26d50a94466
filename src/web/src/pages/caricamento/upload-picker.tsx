// Choosing scans to upload (drop zone for files and folders, "Scegli file", "Scegli cartella"), the list of chosen
// files with a progress bar each, and "Carica", which sends them as one batch. In a union of several Comuni the batch
// belongs to a Comune the user acts on (their home Comune by default) and may be kept from the rest of the union.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, apiUrl, errorMessage } from '../../api.ts';
import { ComuneSelect } from '../../components/comune-select.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatBytes, plural } from '../../format.ts';
import { currentUser } from '../../session.ts';
import type { BatchItem, UploadResult } from '../../types.ts';
import { actingComuni, useUnion } from '../../union.ts';
import { SplitModeSelect, type SplitChoice } from './split-mode-select.tsx';
import { filesFromDrop, filesFromInput, pickKey, type PickedFile } from './file-walk.ts';

interface Row extends PickedFile {
  key: string;
  loaded: number;
  outcome?: BatchItem;
}

export interface UploadPickerProps {
  onUploaded: (result: UploadResult) => void;
}

const OUTCOMES: Record<string, string> = {
  accepted: 'accettato',
  duplicate: 'duplicato (già in archivio)',
  rejected: 'scartato',
  expanded: 'archivio estratto',
};

const ACCEPT = '.tif,.tiff,.jpg,.jpeg,.png,.pdf,.zip,image/tiff,image/jpeg,image/png,application/pdf,application/zip';

export function UploadPicker({ onUploaded }: UploadPickerProps) {
  const [rows, setRows] = useState<Row[]>([]);
  const [label, setLabel] = useState('');
  const union = useUnion();
  const user = currentUser();
  const mine = actingComuni(user, union.comuni);
  const [comune, setComune] = useState('');
  const [restricted, setRestricted] = useState(false);
  const [split, setSplit] = useState<SplitChoice>('');
  // Until chosen: the home Comune, or the union's default for union-level users (if they act on it).
  const fallback = user?.comune ?? union.union?.defaultComune ?? '';
  const chosenComune = comune || (mine.some((c) => c.code === fallback) ? fallback : (mine[0]?.code ?? ''));
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const folderInput = useRef<HTMLInputElement>(null);
  const uploaded = rows.length > 0 && rows.every((r) => r.outcome);

  useEffect(() => {
    // Not in Preact's JSX types; every browser we support reads it.
    if (folderInput.current) folderInput.current.webkitdirectory = true;
  }, []);

  const add = (picked: PickedFile[]) => {
    if (picked.length === 0) return;
    setError(null);
    setRows((prev) => {
      const base = prev.length > 0 && prev.every((r) => r.outcome) ? [] : prev; // a new pick after an upload
      const seen = new Set(base.map((r) => r.key));
      const added = picked.map((p) => ({ ...p, key: pickKey(p), loaded: 0 })).filter((r) => !seen.has(r.key));
      setMessage(`${plural(added.length, 'file aggiunto', 'file aggiunti')} all'elenco`);
      return [...base, ...added];
    });
  };

  const onDrop = (ev: DragEvent) => {
    ev.preventDefault();
    setDragging(false);
    if (busy || !ev.dataTransfer) return;
    filesFromDrop(ev.dataTransfer)
      .then(add)
      .catch((err: unknown) => setError(`Impossibile leggere i file trascinati: ${errorMessage(err)}`));
  };

  const upload = async () => {
    if (rows.length === 0 || busy) return;
    if (union.multi && !chosenComune) {
      setError('Scegli il Comune del lotto');
      return;
    }
    setBusy(true);
    setError(null);
    setMessage('Caricamento in corso…');
    const files = rows.map((r) => r.file);
    try {
      const result = await api.upload<UploadResult>(
        apiUrl('/api/batches', {
          label: label.trim() || defaultLabel(rows),
          split: split || undefined,
          // With a single Comune the server files the batch under it.
          ...(union.multi ? { comune: chosenComune, restricted: restricted ? 1 : undefined } : {}),
        }),
        files,
        (i, loaded) => setRows((prev) => prev.map((r, j) => (j === i && r.loaded !== loaded ? { ...r, loaded } : r))),
        { filenames: rows.map((r) => r.path) },
      );
      setRows((prev) => prev.map((r, i) => ({ ...r, loaded: r.file.size, outcome: result.items[i] })));
      const accepted = result.items.filter((i) => i.outcome !== 'duplicate' && i.outcome !== 'rejected').length;
      setMessage(`Lotto creato: ${plural(accepted, 'file accettato', 'file accettati')} su ${rows.length}`);
      setLabel('');
      setRestricted(false);
      onUploaded(result);
    } catch (err) {
      setError(errorMessage(err));
      setMessage('');
      setRows((prev) => prev.map((r) => ({ ...r, loaded: 0 })));
    } finally {
      setBusy(false);
    }
  };

  const totalBytes = rows.reduce((n, r) => n + r.file.size, 0);

  return (
    <section class="panel" aria-labelledby="upload-title">
      <h2 id="upload-title">Nuovo lotto</h2>
      <div
        class={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <p>Trascina qui le scansioni o intere cartelle (TIFF, JPEG, PNG, PDF, ZIP), oppure:</p>
        <div class="pick-buttons">
          <span class="file-pick">
            <input
              id="upload-files"
              type="file"
              multiple
              accept={ACCEPT}
              disabled={busy}
              onChange={(e) => {
                add(filesFromInput(e.currentTarget.files));
                e.currentTarget.value = '';
              }}
            />
            <label for="upload-files" class="button secondary">
              Scegli file
            </label>
          </span>
          <span class="file-pick">
            <input
              id="upload-folder"
              ref={folderInput}
              type="file"
              multiple
              disabled={busy}
              onChange={(e) => {
                add(filesFromInput(e.currentTarget.files));
                e.currentTarget.value = '';
              }}
            />
            <label for="upload-folder" class="button secondary">
              Scegli cartella
            </label>
          </span>
        </div>
      </div>

      <div class="field inline">
        <label for="upload-label">Nome del lotto (facoltativo)</label>
        <input
          id="upload-label"
          value={label}
          maxLength={200}
          placeholder={rows.length > 0 ? defaultLabel(rows) : 'es. Archivio 1987, faldone 12'}
          disabled={busy}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
      </div>

      <SplitModeSelect value={split} onChange={setSplit} disabled={busy} />

      {union.multi && (
        <div class="upload-comune">
          <ComuneSelect
            id="upload-comune"
            label="Comune del lotto"
            class="field inline"
            comuni={mine}
            value={chosenComune}
            onChange={setComune}
            disabled={busy}
            required
          />
          <div class="check-field">
            <input
              id="upload-restricted"
              type="checkbox"
              checked={restricted}
              disabled={busy}
              onChange={(e) => setRestricted(e.currentTarget.checked)}
            />
            <label for="upload-restricted">Riservato al personale del Comune (non condiviso con l'Unione)</label>
          </div>
        </div>
      )}

      {rows.length > 0 && (
        <>
          <h3 id="upload-list-title">
            File scelti: {rows.length} ({formatBytes(totalBytes)})
          </h3>
          <ul class="upload-list" aria-labelledby="upload-list-title">
            {rows.map((r, i) => {
              const pct = r.file.size > 0 ? Math.round((r.loaded / r.file.size) * 100) : r.outcome ? 100 : 0;
              return (
                <li key={r.key}>
                  <span class="upload-name" title={r.path}>
                    {r.path}
                  </span>
                  <span class="upload-size">{formatBytes(r.file.size)}</span>
                  <progress max={100} value={pct} aria-label={`Avanzamento di ${r.path}`}>
                    {pct}%
                  </progress>
                  <span class={`upload-outcome outcome-${r.outcome?.outcome ?? 'none'}`}>
                    {r.outcome ? (OUTCOMES[r.outcome.outcome] ?? r.outcome.outcome) : busy ? `${pct}%` : ''}
                    {r.outcome?.error ? `: ${r.outcome.error}` : ''}
                  </span>
                  {!busy && !r.outcome && (
                    <button
                      type="button"
                      class="link-button"
                      aria-label={`Rimuovi ${r.path}`}
                      onClick={() => setRows((prev) => prev.filter((_, j) => j !== i))}
                    >
                      Rimuovi
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}

      <ErrorAlert error={error} />
      <p class="status-line" role="status">
        {message}
      </p>
      <div class="actions">
        <button type="button" onClick={upload} disabled={busy || rows.length === 0 || uploaded}>
          Carica
        </button>
        {rows.length > 0 && !busy && (
          <button type="button" class="secondary" onClick={() => (setRows([]), setMessage(''))}>
            Svuota elenco
          </button>
        )}
      </div>
    </section>
  );
}

/** The folder's name when everything comes from one folder, else the date and time. */
function defaultLabel(rows: PickedFile[]): string {
  const tops = new Set(rows.map((r) => (r.path.includes('/') ? r.path.split('/')[0] : '')));
  const [only] = [...tops];
  if (tops.size === 1 && only) return only;
  return `Caricamento del ${new Date().toLocaleString('it-IT', { dateStyle: 'short', timeStyle: 'short' })}`;
}
