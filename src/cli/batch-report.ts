// Terminal output of a batch: a progress bar while it runs and a summary (done / failed with reasons) at the end.
import cliProgress from 'cli-progress';
import type { BatchSummary, MetadataStore } from '../db/metadata-store.ts';
import { waitForBatch } from '../ingest/batch-progress.ts';

export async function followBatch(db: MetadataStore, batchId: string, opts: { quiet?: boolean } = {}): Promise<BatchSummary> {
  const bar = new cliProgress.SingleBar(
    { format: 'elaborazione |{bar}| {value}/{total} documenti | {status}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const summary = await waitForBatch(db, batchId, {
    intervalMs: 500,
    onProgress: (s) => {
      if (opts.quiet) return;
      const finished = (s.byStatus.archived ?? 0) + (s.byStatus.failed ?? 0);
      const status = Object.entries(s.byStatus).map(([k, v]) => `${k}: ${v}`).join(', ');
      if (!started) (bar.start(s.accepted, finished, { status }), (started = true));
      else bar.update(finished, { status });
    },
  });
  if (started) bar.stop();
  return summary;
}

export async function printBatchSummary(db: MetadataStore, summary: BatchSummary, out: (line: string) => void = console.log): Promise<void> {
  const docs = await db.listDocuments({ batchId: summary.batch.id });
  const items = await db.listBatchItems(summary.batch.id);
  out(`\nLotto ${summary.batch.id} (${summary.batch.label})`);
  out(`  archiviati: ${summary.byStatus.archived ?? 0}   falliti: ${summary.byStatus.failed ?? 0}   duplicati: ${summary.duplicates}   rifiutati: ${summary.rejected}`);
  for (const d of docs.filter((d) => d.status === 'failed')) out(`  ✗ ${d.filename}: ${d.error} (passo ${d.failedStep})`);
  for (const i of items.filter((i) => i.outcome === 'duplicate')) out(`  = ${i.filename}: duplicato di ${i.documentId?.slice(0, 12)}…`);
  for (const i of items.filter((i) => i.outcome === 'rejected')) out(`  ✗ ${i.filename}: ${i.error}`);
}
