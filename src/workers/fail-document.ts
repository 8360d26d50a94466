// A document that cannot go on: status failed with the reason, original moved to quarantine with that reason.
import { keys } from '../store/keys.ts';
import { reasonLabel } from '../core/metrics.ts';
import type { Services } from './job-context.ts';

export async function failDocument(
  services: Pick<Services, 'db' | 'store' | 'logger' | 'metrics'>,
  documentId: string,
  batchId: string,
  step: string,
  reason: string,
): Promise<void> {
  const { db, store, logger } = services;
  const doc = await db.getDocument(documentId);
  if (!doc || doc.status === 'failed') return;
  const original = keys.original(documentId);
  const quarantine = keys.quarantine(documentId);
  if (await store.head(original)) {
    // Copy first, verify, and only then drop the inbox copy: the original is never out of the store.
    const stored = await store.put(`${quarantine}/original`, await store.get(original));
    if (stored.sha256 !== doc.sha256) throw new Error(`quarantine copy of ${documentId} has a different fingerprint`);
    await store.put(`${quarantine}/reason.json`, Buffer.from(JSON.stringify({ documentId, filename: doc.filename, step, reason, at: new Date().toISOString() }, null, 2)));
    await store.delete(original);
  }
  await db.updateDocument(documentId, { status: 'failed', error: reason, failedStep: step });
  await db.addEvent({ type: 'failed', documentId, batchId, actor: 'system', detail: { step, reason } });
  services.metrics.documents.inc({ status: 'failed' });
  services.metrics.failures.inc({ step, reason: reasonLabel(reason) });
  logger.warn({ documentId, batchId, step, reason }, 'document failed');
}
