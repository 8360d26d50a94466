// "Conformità" of a batch: draw the verification sample, mark each sampled page after comparing it with the paper,
// close the verification, issue and download the attestation to sign and upload the signed file (.p7m or signed PDF).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Loading } from '../../components/loading.tsx';
import { useApi } from '../../hooks/use-api.ts';
import { formatDateTime, plural } from '../../format.ts';

type Outcome = 'conforme' | 'non conforme';

interface SampledPage {
  documentId: string;
  page: number;
  outcome: Outcome | null;
  problem: string | null;
  checkedBy: string | null;
}

interface Verification {
  id: string;
  state: 'open' | 'closed';
  seed: string;
  createdAt: string;
  pages: SampledPage[];
  report: {
    checkedBy: { username: string };
    closedAt: string;
    sampleSize: number;
    population: number;
    conformi: number;
    nonConformi: number;
    outcome: Outcome;
  } | null;
}

interface ConformityStatus {
  verification: Verification | null;
  attestations: Array<{ sha256: string; issuedAt: string; issuedBy: string }>;
  signed: Array<{
    sha256: string;
    format: 'cades' | 'pades';
    signer: string | null;
    uploadedAt: string;
    uploadedBy: string;
  }>;
}

export interface ConformityPanelProps {
  batchId: string;
  /** The batch's documents, to show file names instead of ids. */
  documents: Array<{ id: string; filename: string; status: string }>;
}

export function ConformityPanel({ batchId, documents }: ConformityPanelProps) {
  const base = `/api/batches/${batchId}`;
  const { data, error, loading, reload } = useApi<ConformityStatus>(`${base}/conformity`);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const names = new Map(documents.map((d) => [d.id, d.filename]));
  const archived = documents.some((d) => d.status === 'archived');

  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      await fn();
      if (done) setNotice(done);
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!data) {
    return (
      <section class="conformity" aria-label="Conformità">
        {error ? (
          <ErrorAlert error={error} onRetry={reload} />
        ) : (
          loading && <Loading label="Lettura della conformità…" />
        )}
      </section>
    );
  }

  const v = data.verification;
  const lastSigned = data.signed[0];
  return (
    <section class="conformity" aria-labelledby="conformity-title">
      <h2 id="conformity-title">Conformità delle copie per immagine</h2>
      <p class="summary" role="status">
        {statusText(data)}
      </p>
      <ErrorAlert error={actionError} />
      {notice && (
        <div class="alert alert-info" role="status">
          {notice}
        </div>
      )}

      {(!v || v.state === 'closed') && archived && (
        <SampleForm
          busy={busy}
          again={Boolean(v)}
          onSubmit={(body) => act(() => api.post(`${base}/verification/sample`, body))}
        />
      )}

      {v?.state === 'open' && (
        <>
          <div class="table-wrap">
            <table class="conformity-sample">
              <caption>
                Campione: {plural(v.pages.length, 'pagina', 'pagine')} (seme {v.seed})
              </caption>
              <thead>
                <tr>
                  <th>Documento</th>
                  <th class="num">Pagina</th>
                  <th>Esito del raffronto</th>
                </tr>
              </thead>
              <tbody>
                {v.pages.map((p) => (
                  <PageRow
                    key={`${p.documentId}-${p.page}`}
                    page={p}
                    name={names.get(p.documentId) ?? p.documentId.slice(0, 12)}
                    busy={busy}
                    onMark={(outcome, problem) =>
                      act(() => api.put(`${base}/verification/pages/${p.documentId}/${p.page}`, { outcome, problem }))
                    }
                  />
                ))}
              </tbody>
            </table>
          </div>
          <button
            type="button"
            disabled={busy || v.pages.some((p) => !p.outcome)}
            onClick={() => act(() => api.post(`${base}/verification/close`), 'Verifica chiusa')}
          >
            Chiudi la verifica
          </button>
        </>
      )}

      {v?.report && (
        <>
          <p class="summary">
            Verifica chiusa il {formatDateTime(v.report.closedAt)} da {v.report.checkedBy.username}:{' '}
            {plural(v.report.sampleSize, 'pagina controllata', 'pagine controllate')} su {v.report.population},{' '}
            {v.report.conformi} conformi, {v.report.nonConformi} non conformi — esito{' '}
            <strong>{v.report.outcome}</strong>
          </p>
          {v.report.outcome === 'conforme' ? (
            <p class="row-actions">
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() => act(() => issueAndDownload(base, batchId))}
              >
                Emetti e scarica l’attestazione (PDF da firmare)
              </button>
            </p>
          ) : (
            <p class="summary">
              Pagine non conformi: ripetere la scansione dei documenti indicati ed estrarre un nuovo campione prima di
              attestare la conformità.
            </p>
          )}
          {data.attestations.length > 0 && (
            <SignedUpload
              busy={busy}
              onUpload={(file) => {
                const form = new FormData();
                form.append('file', file, file.name);
                return act(
                  () => api.form(`${base}/attestation/signed`, form),
                  'File firmato registrato nei pacchetti di archivio',
                );
              }}
            />
          )}
        </>
      )}
      {lastSigned && (
        <p class="summary">
          Firmato ({lastSigned.format === 'cades' ? 'CAdES .p7m' : 'PAdES'}){' '}
          {lastSigned.signer ? `da ${lastSigned.signer} ` : ''}— caricato il {formatDateTime(lastSigned.uploadedAt)} da{' '}
          {lastSigned.uploadedBy}
        </p>
      )}
    </section>
  );
}

function statusText(s: ConformityStatus): string {
  if (s.signed.length) return 'Conformità attestata: attestazione firmata registrata nei manifesti dei documenti.';
  if (s.attestations.length) return 'Attestazione emessa: in attesa del file firmato dal pubblico ufficiale.';
  if (s.verification?.report?.outcome === 'non conforme') return 'Verifica chiusa con pagine non conformi.';
  if (s.verification?.state === 'closed') return 'Verifica chiusa: si può scaricare l’attestazione.';
  if (s.verification?.state === 'open') {
    const left = s.verification.pages.filter((p) => !p.outcome).length;
    return `Verifica a campione in corso: ${plural(left, 'pagina', 'pagine')} da controllare.`;
  }
  return 'Nessuna verifica: estrai un campione di pagine da confrontare con gli originali cartacei.';
}

function SampleForm({ busy, again, onSubmit }: { busy: boolean; again: boolean; onSubmit: (body: object) => void }) {
  const [mode, setMode] = useState<'size' | 'percent'>('percent');
  const [value, setValue] = useState('5');
  const [seed, setSeed] = useState('');
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ [mode]: Number(value), ...(seed.trim() ? { seed: seed.trim() } : {}) });
      }}
    >
      <label>
        Dimensione del campione{' '}
        <input
          type="number"
          min="1"
          max={mode === 'percent' ? 100 : undefined}
          step="1"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
      </label>
      <select aria-label="Unità" value={mode} onChange={(e) => setMode(e.currentTarget.value as 'size' | 'percent')}>
        <option value="percent">% delle pagine</option>
        <option value="size">pagine</option>
      </select>
      <label>
        Seme (facoltativo) <input value={seed} onInput={(e) => setSeed(e.currentTarget.value)} maxLength={100} />
      </label>
      <button type="submit" disabled={busy}>
        {again ? 'Nuova verifica a campione' : 'Estrai il campione'}
      </button>
    </form>
  );
}

function PageRow(props: {
  page: SampledPage;
  name: string;
  busy: boolean;
  onMark: (o: Outcome, problem?: string) => void;
}) {
  const { page: p, name, busy, onMark } = props;
  const [problem, setProblem] = useState(p.problem ?? '');
  return (
    <tr class={p.outcome === 'non conforme' ? 'row-failed' : undefined}>
      <td>
        <a href={`/api/documents/${p.documentId}/pdf#page=${p.page}`} target="_blank" rel="noopener">
          {name}
        </a>
      </td>
      <td class="num">{p.page}</td>
      <td>
        <span class="row-actions">
          <button
            type="button"
            class={p.outcome === 'conforme' ? 'small' : 'small secondary'}
            disabled={busy}
            aria-pressed={p.outcome === 'conforme'}
            onClick={() => onMark('conforme')}
          >
            Conforme
          </button>
          <input
            aria-label={`Problema di ${name}, pagina ${p.page}`}
            placeholder="Problema (se non conforme)"
            value={problem}
            onInput={(e) => setProblem(e.currentTarget.value)}
          />
          <button
            type="button"
            class={p.outcome === 'non conforme' ? 'small' : 'small secondary'}
            disabled={busy || !problem.trim()}
            aria-pressed={p.outcome === 'non conforme'}
            onClick={() => onMark('non conforme', problem)}
          >
            Non conforme
          </button>
        </span>
      </td>
    </tr>
  );
}

function SignedUpload({ busy, onUpload }: { busy: boolean; onUpload: (file: File) => void }) {
  const [file, setFile] = useState<File | null>(null);
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        if (file) onUpload(file);
      }}
    >
      <label>
        Attestazione firmata (.p7m o PDF firmato){' '}
        <input
          type="file"
          accept=".p7m,.pdf,application/pkcs7-mime,application/pdf"
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" disabled={busy || !file}>
        Carica il file firmato
      </button>
    </form>
  );
}

/** Issues the attestation (idempotent: the same batch gives the same PDF), then downloads the one issued. */
async function issueAndDownload(base: string, batchId: string): Promise<void> {
  await api.post(`${base}/attestation`);
  await download(`${base}/attestation.pdf`, batchId);
}

/** Downloads the PDF through fetch, so that a refusal (e.g. a stored file that no longer matches) shows as a message. */
async function download(url: string, batchId: string): Promise<void> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(
      res.status,
      body.error?.code ?? `HTTP_${res.status}`,
      body.error?.message ?? `Errore ${res.status}`,
    );
  }
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `attestazione-conformita-${batchId}.pdf`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
