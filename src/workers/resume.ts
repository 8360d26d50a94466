// Start-up sweep: a process that died between writing a document's row and enqueuing its first job leaves the
// document "received" with no job. Re-enqueue those; the job id de-duplicates against any job still waiting.
import type { Services } from './job-context.ts';

export async function resumeReceivedDocuments(services: Pick<Services, 'db' | 'pipeline' | 'logger'>): Promise<number> {
  const docs = await services.db.listDocuments({ status: 'received', limit: 100_000 });
  for (const d of docs) await services.pipeline.add('prepare', { documentId: d.id, batchId: d.batchId });
  if (docs.length) services.logger.info({ documents: docs.length }, 'resumed documents waiting for their first step');
  return docs.length;
}
