// "Sostituisci pagina (nuova scansione)": staff send a new scan of the page shown (one image, or a one-page PDF)
// with an optional reason; the page is replaced in the background and a new version appears in the list.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';

const ACCEPT = 'image/tiff,image/jpeg,image/png,application/pdf,.tif,.tiff,.jpg,.jpeg,.png,.pdf';

export function RescanForm({ documentId, page, onSent }: { documentId: string; page: number; onSent: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<number | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setSent(null);
    const form = new FormData();
    if (reason.trim()) form.append('reason', reason.trim()); // before the file: the server reads fields in order
    form.append('file', file, file.name);
    try {
      const res = await api.form<{ version: { version: number } }>(
        `/api/documents/${documentId}/pages/${page}/rescan`,
        form,
      );
      setSent(res.version.version);
      setFile(null);
      setReason('');
      (e.target as HTMLFormElement).reset();
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="rescan-form" onSubmit={submit} aria-label={`Sostituisci la pagina ${page}`}>
      <label>
        Nuova scansione della pagina {page}
        <input
          type="file"
          accept={ACCEPT}
          required
          onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
      </label>
      <label>
        Motivo (facoltativo)
        <input
          type="text"
          maxLength={500}
          value={reason}
          placeholder="es. pagina storta, illeggibile"
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" disabled={!file || busy}>
        {busy ? 'Invio…' : 'Sostituisci pagina (nuova scansione)'}
      </button>
      {sent !== null && (
        <p class="alert alert-info" role="status">
          Nuova scansione ricevuta (versione {sent}): la pagina sarà sostituita a breve.
        </p>
      )}
      <ErrorAlert error={error} />
    </form>
  );
}
