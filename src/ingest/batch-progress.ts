// Waiting for a batch to finish, with a progress callback: used by the CLI, the demo and the tests.
import type { BatchSummary, MetadataStore } from '../db/metadata-store.ts';

export async function waitForBatch(
  db: MetadataStore,
  batchId: string,
  opts: { timeoutMs?: number; intervalMs?: number; onProgress?: (s: BatchSummary) => void } = {},
): Promise<BatchSummary> {
  const deadline = Date.now() + (opts.timeoutMs ?? 24 * 3600_000);
  for (;;) {
    const summary = await db.batchSummary(batchId);
    if (!summary) throw new Error(`batch ${batchId} not found`);
    opts.onProgress?.(summary);
    if (summary.done) return summary;
    if (Date.now() > deadline)
      throw new Error(
        `batch ${batchId} not done after ${opts.timeoutMs} ms (documents by status: ${JSON.stringify(summary.byStatus)})`,
      );
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
