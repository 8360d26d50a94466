// Consumer of the rescan queue, started with the pipeline workers. One rescan at a time per process (each edition
// of a document is built on the one before). A rescan that cannot be applied marks its version 'failed' with the
// reason: the document stays archived as it was, the rescan bytes stay stored.
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import { PermanentError, errorMessage } from '../core/errors.ts';
import type { Services } from '../workers/job-context.ts';
import { rescanPageJob } from './rescan-page.job.ts';
import { RESCAN_QUEUE, enqueueRescan, openRescanQueue, type RescanJob } from './rescan.queue.ts';

export class RescanRunner {
  private worker?: Worker;
  private queue?: Queue;

  constructor(private readonly services: Services) {}

  start(): void {
    const { config, pipeline, logger } = this.services;
    this.worker = new Worker(RESCAN_QUEUE, (job: Job) => this.process(job), {
      connection: pipeline.queue('prepare').opts.connection,
      prefix: config.redis.prefix,
      concurrency: 1,
      lockDuration: config.jobs.lockDurationMs,
      stalledInterval: config.jobs.stalledIntervalMs,
    });
    this.worker.on('failed', (job, err) => void this.onFailed(job, err));
    this.worker.on('error', (err) => logger.error({ err, queue: RESCAN_QUEUE }, 'worker error'));
    void this.resumePending().catch((err) =>
      logger.warn({ err: errorMessage(err) }, 'could not resume pending rescans'),
    );
  }

  /** A process that died between recording a rescan and enqueuing it leaves the version pending with no job. */
  async resumePending(): Promise<number> {
    const pending = await this.services.db.listPageVersions({ status: 'pending' });
    if (!pending.length) return 0;
    this.queue ??= openRescanQueue(this.services);
    for (const v of pending) {
      const doc = await this.services.db.getDocument(v.documentId);
      if (doc)
        await enqueueRescan(this.queue, this.services, {
          documentId: v.documentId,
          batchId: doc.batchId,
          page: v.page,
          version: v.version,
        });
    }
    return pending.length;
  }

  private async process(job: Job): Promise<unknown> {
    const data = job.data as RescanJob;
    const log = this.services.logger.child({
      queue: RESCAN_QUEUE,
      jobId: job.id,
      documentId: data.documentId,
      page: data.page,
      version: data.version,
    });
    try {
      return await rescanPageJob({ ...this.services, log, jobId: job.id ?? '', attempt: job.attemptsMade + 1 }, data);
    } catch (err) {
      log.warn({ err: errorMessage(err), attempt: job.attemptsMade + 1 }, 'page rescan failed');
      if (err instanceof PermanentError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  private async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const { documentId, batchId, page, version } = job.data as RescanJob;
    const { db, logger } = this.services;
    try {
      await db.updatePageVersion(documentId, page, version, { status: 'failed', error: err.message });
      await db.addEvent({
        type: 'page-rescan-failed',
        documentId,
        batchId,
        actor: 'system',
        detail: { page, version, reason: err.message },
      });
    } catch (e) {
      logger.error({ err: e, documentId }, 'could not record the failed rescan');
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    this.worker = undefined;
    this.queue = undefined;
  }
}
