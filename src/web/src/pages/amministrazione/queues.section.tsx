// "Code": job counts per pipeline step and state, and the failed jobs, from GET /api/admin/queues.
import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { stepLabel } from '../../status.ts';

const STATE_LABELS: Record<string, string> = {
  waiting: 'In attesa',
  active: 'In corso',
  delayed: 'Rinviati',
  prioritized: 'Con priorità',
  'waiting-children': 'In attesa di sotto-lavori',
  completed: 'Completati',
  failed: 'Falliti',
  paused: 'In pausa',
};
const STATE_ORDER = Object.keys(STATE_LABELS);

type Counts = Record<string, Record<string, number>>;

interface FailedJob {
  step: string;
  id?: string | null;
  documentId?: string | null;
  reason?: string | null;
  attempts?: number;
  failedAt?: string | null;
}

interface QueueHealth {
  step: string;
  counts: Record<string, number>;
  failed?: Omit<FailedJob, 'step'>[];
}

/** GET /api/admin/queues: `{ queues: [{ step, counts: {state: n}, failed: [...] }] }`. */
function readQueues(data: { queues?: QueueHealth[] } | undefined): { counts: Counts; failed: FailedJob[] } {
  const counts: Counts = {};
  const failed: FailedJob[] = [];
  for (const q of data?.queues ?? []) {
    counts[q.step] = q.counts ?? {};
    for (const f of q.failed ?? []) failed.push({ ...f, step: q.step });
  }
  failed.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''));
  return { counts, failed };
}

export function QueuesSection() {
  const { data, error, loading, reload } = useApi<{ queues?: QueueHealth[] }>('/api/admin/queues');
  const [readAt, setReadAt] = useState<string>('');
  const { counts, failed } = readQueues(data);
  const states = [...new Set(Object.values(counts).flatMap((c) => Object.keys(c)))].sort((a, b) => rank(a) - rank(b));
  const steps = Object.keys(counts);

  return (
    <section aria-labelledby="queues-title">
      <div class="panel-head">
        <h2 id="queues-title">Code di lavorazione</h2>
        <button
          type="button"
          class="secondary small"
          disabled={loading}
          onClick={() => {
            reload();
            setReadAt(new Date().toISOString());
          }}
        >
          Aggiorna
        </button>
      </div>
      <p class="status-line" role="status">
        {loading ? 'Lettura delle code…' : readAt ? `Aggiornato il ${formatDateTime(readAt, true)}` : ''}
      </p>
      <ErrorAlert error={error} onRetry={reload} />
      <DataTable
        caption="Lavori per coda e stato"
        columns={[
          { header: 'Coda', render: (s: string) => stepLabel(s) },
          ...states.map((st) => ({
            header: STATE_LABELS[st] ?? st,
            class: 'num',
            render: (s: string) => formatNumber(counts[s]?.[st] ?? 0),
          })),
        ]}
        rows={steps}
        rowKey={(s) => s}
        rowProps={(s) => ({ class: (counts[s]?.failed ?? 0) > 0 ? 'row-failed' : undefined })}
        empty={loading ? 'Attendere…' : 'Nessuna coda'}
      />
      <h3>Lavori falliti</h3>
      <DataTable
        caption="Lavori falliti"
        captionHidden
        columns={[
          { header: 'Coda', render: (j: FailedJob) => stepLabel(j.step) },
          {
            header: 'Documento',
            render: (j) => (
              <span class="code" title={j.documentId ?? undefined}>
                {j.documentId ? `${j.documentId.slice(0, 12)}…` : (j.id ?? '')}
              </span>
            ),
          },
          { header: 'Errore', render: (j) => j.reason ?? '' },
          { header: 'Tentativi', class: 'num', render: (j) => formatNumber(j.attempts) },
          { header: 'Quando', render: (j) => formatDateTime(j.failedAt, true) },
        ]}
        rows={failed}
        rowKey={(j, i) => `${j.step}-${j.id ?? i}`}
        empty="Nessun lavoro fallito"
      />
    </section>
  );
}

function rank(state: string): number {
  const i = STATE_ORDER.indexOf(state);
  return i < 0 ? STATE_ORDER.length : i;
}
