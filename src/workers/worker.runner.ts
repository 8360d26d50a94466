// Consumer side: one BullMQ Worker per step, bound to its handler from the catalogue. Tracks each document's
// status, turns permanent errors into UnrecoverableError and fails the document (original to quarantine).
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentError, errorMessage } from '../core/errors.ts';
import { STEPS, STEP_STATUS, type DocumentJob, type StepName } from './job-catalogue.ts';
import { JOB_HANDLERS } from './job-handlers.ts';
import type { Services } from './job-context.ts';
import { failDocument } from './fail-document.ts';
import { RescanRunner } from '../rescan/rescan.runner.ts';

export interface WorkerRunnerOptions {
  steps?: readonly StepName[]; // default: all
  concurrency?: Partial<Record<StepName, number>>;
}

/** Attempts at failing a document (quarantine + status) while the store or database is unavailable: ~15 minutes. */
const FAIL_RECORD_ATTEMPTS = 20;
const FAIL_RECORD_BASE_MS = 1000;

export class WorkerRunner {
  private readonly workers: Worker[] = [];
  private closing = false;
  private rescans?: RescanRunner;

  constructor(private readonly services: Services, private readonly opts: WorkerRunnerOptions = {}) {
    for (const step of STEPS) {
      if (typeof JOB_HANDLERS[step] !== 'function') throw new Error(`no handler for job "${step}"`);
    }
  }

  start(): void {
    const { config, pipeline } = this.services;
    const connection = pipeline.queue('prepare').opts.connection;
    for (const step of this.opts.steps ?? STEPS) {
      const concurrency = this.opts.concurrency?.[step] ?? (step === 'ocr-page' ? config.ocr.workers : 1);
      const worker = new Worker(step, (job: Job) => this.process(step, job), {
        connection,
        prefix: config.redis.prefix,
        concurrency,
        // Locks are renewed every lockDuration/2 while the process lives (OCR runs in worker threads, so the event
        // loop stays free); a killed process's jobs are taken over once its lock expires and the stall check runs.
        lockDuration: config.jobs.lockDurationMs,
        stalledInterval: config.jobs.stalledIntervalMs,
      });
      worker.on('failed', (job, err) => void this.onFailed(step, job, err));
      worker.on('error', (err) => this.services.logger.error({ err, step }, 'worker error'));
      this.workers.push(worker);
    }
    // Page rescans of archived documents run where pages are recognised.
    if ((this.opts.steps ?? STEPS).includes('ocr-page')) (this.rescans = new RescanRunner(this.services)).start();
  }

  private async process(step: StepName, job: Job): Promise<unknown> {
    const data = job.data as DocumentJob;
    const log = this.services.logger.child({ step, jobId: job.id, documentId: data.documentId, batchId: data.batchId });
    const doc = await this.services.db.getDocument(data.documentId);
    if (!doc) throw new UnrecoverableError(`document ${data.documentId} does not exist`);
    if (doc.status === 'failed') {
      log.info('document already failed: step skipped');
      return { skipped: true };
    }
    // A step redelivered after the document was archived (its worker died between handing on to the next step and
    // completing its own job): the work files are gone and the status must not go back.
    if (doc.status === 'archived' || doc.status === 'split') {
      log.info(`document already ${doc.status}: redelivered step skipped`);
      return { skipped: true };
    }
    if (doc.status !== STEP_STATUS[step]) await this.services.db.updateDocument(doc.id, { status: STEP_STATUS[step] });
    const started = Date.now();
    const { metrics } = this.services;
    try {
      const handler = JOB_HANDLERS[step] as (ctx: unknown, payload: unknown) => Promise<unknown>;
      const result = await handler({ ...this.services, log, jobId: job.id ?? '', attempt: job.attemptsMade + 1 }, job.data);
      metrics.stepDuration.observe({ step, outcome: 'ok' }, (Date.now() - started) / 1000);
      if (step === 'ocr-page') {
        metrics.pages.inc();
        // Pages whose text came from the PDF's own text layer say nothing about OCR quality.
        const r = result as { confidence: number; source?: string };
        if (r.source !== 'text-layer') metrics.ocrConfidence.observe(r.confidence);
      }
      if (step === 'index') metrics.documents.inc({ status: 'archived' });
      log.info({ ms: Date.now() - started }, 'step done');
      return result;
    } catch (err) {
      metrics.stepDuration.observe({ step, outcome: 'error' }, (Date.now() - started) / 1000);
      log.warn({ err: errorMessage(err), attempt: job.attemptsMade + 1 }, 'step failed');
      if (err instanceof PermanentError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  private async onFailed(step: StepName, job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    if (!final) return;
    const data = job.data as DocumentJob;
    // Failing a document moves its original to quarantine: with the store down that cannot happen yet, and giving up
    // would leave the document in its step with no job (a batch that never ends). Try again with backoff.
    for (let attempt = 1; ; attempt++) {
      try {
        await failDocument(this.services, data.documentId, data.batchId, step, err.message);
        return;
      } catch (e) {
        const last = attempt >= FAIL_RECORD_ATTEMPTS || this.closing;
        this.services.logger[last ? 'error' : 'warn'](
          { err: errorMessage(e), documentId: data.documentId, batchId: data.batchId, attempt },
          last ? 'could not record the failure' : 'could not record the failure yet: retrying',
        );
        if (last) return;
        await sleep(Math.min(60_000, FAIL_RECORD_BASE_MS * 2 ** (attempt - 1)), undefined, { ref: false });
      }
    }
  }

  /** Stop taking jobs; let the active ones finish (BullMQ hands back what it cannot finish on the next start). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers.map((w) => w.close()), this.rescans?.close()]);
    this.workers.length = 0;
    this.rescans = undefined;
  }
}
