// Scheduled maintenance on its own queue: polling the inbox and the periodic fixity audit. BullMQ job schedulers
// make each tick run once however many scheduler processes are up.
import { Queue, Worker, type Job } from 'bullmq';
import { pollInbox } from '../ingest/inbox.ts';
import { listenForInboxUploads, type InboxNotifier } from '../ingest/minio-notify.ts';
import { auditFixity } from '../store/fixity.ts';
import type { AppServices } from './services.ts';

export const MAINTENANCE_QUEUE = 'maintenance';
export type MaintenanceJob = 'inbox-poll' | 'fixity-audit';

export class MaintenanceRunner {
  private queue?: Queue;
  private worker?: Worker;
  private notifier?: InboxNotifier;

  constructor(private readonly services: AppServices) {}

  private get connection() {
    return this.services.pipeline.queue('prepare').opts.connection;
  }

  /** Register the schedules (scheduler role). Idempotent: upserting replaces the previous definition. */
  async schedule(): Promise<void> {
    const { config } = this.services;
    this.queue ??= new Queue(MAINTENANCE_QUEUE, { connection: this.connection, prefix: config.redis.prefix });
    if (config.inbox.enabled) {
      await this.queue.upsertJobScheduler('inbox-poll', { every: config.inbox.intervalMs }, { name: 'inbox-poll', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    } else {
      await this.queue.removeJobScheduler('inbox-poll');
    }
    if (config.inbox.enabled && config.inbox.minioNotifications && config.store.s3 && !this.notifier) {
      const queue = this.queue;
      // One job id: a burst of uploads collapses into one extra poll.
      this.notifier = listenForInboxUploads(config.store.s3, config.inbox.newPrefix, () => {
        void queue.add('inbox-poll', {}, { jobId: 'inbox-poll-notified', removeOnComplete: true, removeOnFail: true });
      }, this.services.logger);
    }
    await this.queue.upsertJobScheduler('fixity-audit', { pattern: config.fixity.cron }, { name: 'fixity-audit', opts: { removeOnComplete: 20, removeOnFail: 20 } });
  }

  /** Process maintenance jobs (worker role). */
  start(): void {
    this.worker = new Worker(MAINTENANCE_QUEUE, (job: Job) => this.run(job.name as MaintenanceJob), {
      connection: this.connection,
      prefix: this.services.config.redis.prefix,
      concurrency: 1,
      lockDuration: 10 * 60_000,
    });
    this.worker.on('error', (err) => this.services.logger.error({ err }, 'maintenance worker error'));
  }

  async run(name: MaintenanceJob): Promise<unknown> {
    const s = this.services;
    if (name === 'inbox-poll') {
      const result = await pollInbox(s, s.config.inbox);
      return { batchId: result.batchId, picked: result.picked };
    }
    if (name === 'fixity-audit') {
      const report = await auditFixity(s);
      await s.store.put(`audits/fixity/${report.startedAt.replace(/[:.]/g, '-')}.json`, Buffer.from(JSON.stringify(report, null, 2)));
      const log = s.logger.child({ audit: 'fixity', packages: report.packages, files: report.files, problems: report.problems.length });
      if (report.ok) log.info('fixity audit passed');
      else log.error({ sample: report.problems.slice(0, 20) }, 'fixity audit found problems');
      return { ok: report.ok, packages: report.packages, problems: report.problems.length };
    }
    throw new Error(`unknown maintenance job ${String(name)}`);
  }

  async close(): Promise<void> {
    this.notifier?.stop();
    await this.worker?.close();
    await this.queue?.close();
  }
}
