// Retry a failed document (after a fix, or once a transient cause is gone): its original comes back from
// quarantine, the jobs it left behind are cleared, and the pipeline starts again from the first step.
import { keys } from '../store/keys.ts';
import type { Services } from './job-context.ts';

export class RetryError extends Error {
  override name = 'RetryError';
}

export async function retryDocument(services: Pick<Services, 'db' | 'store' | 'pipeline' | 'logger'>, documentId: string, actor: string): Promise<void> {
  const { db, store, pipeline } = services;
  const doc = await db.getDocument(documentId);
  if (!doc) throw new RetryError('document not found');
  if (doc.status !== 'failed') throw new RetryError(`only failed documents can be retried (this one is ${doc.status})`);
  const quarantined = `${keys.quarantine(documentId)}/original`;
  if (!(await store.head(keys.original(documentId)))) {
    if (!(await store.head(quarantined))) throw new RetryError('the original is neither in the inbox nor in quarantine');
    const back = await store.put(keys.original(documentId), await store.get(quarantined));
    if (back.sha256 !== doc.sha256) throw new RetryError('the quarantined original does not match its fingerprint');
  }
  await pipeline.forget(documentId, doc.pageCount ?? 0);
  await db.updateDocument(documentId, { status: 'received', error: undefined, failedStep: undefined });
  await db.addEvent({ type: 'reprocessed', documentId, batchId: doc.batchId, actor, detail: { previousError: doc.error, previousStep: doc.failedStep } });
  await store.delete(quarantined);
  await store.delete(`${keys.quarantine(documentId)}/reason.json`);
  await pipeline.add('prepare', { documentId, batchId: doc.batchId });
  services.logger.info({ documentId, batchId: doc.batchId, actor }, 'document retried');
}
