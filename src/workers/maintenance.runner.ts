// Scheduled maintenance on its own queue: polling the inbox, the periodic fixity audit and the check for enough new
// records-manager decisions to retrain the routing models. BullMQ job schedulers make each tick run once however
// many scheduler processes are up; retrains carry one deduplication id, so at most one is queued or running.
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { accessServiceFor } from '../paper/access.service.ts';
import { createRedis } from '../core/redis.ts';
import { countDecisionsSince, ROUTING_TASKS, type RoutingTask } from '../classify/learning/training-corrections.ts';
import { retrain, type RetrainReport } from '../classify/learning/retrain.ts';
import { ModelStore } from '../classify/model/model.store.ts';
import { pollInbox } from '../ingest/inbox.ts';
import { listenForInboxUploads, type InboxNotifier } from '../ingest/minio-notify.ts';
import { auditFixity } from '../store/fixity.ts';
import type { AppServices } from './services.ts';
import type { Services } from './job-context.ts';

export const MAINTENANCE_QUEUE = 'maintenance';
export type MaintenanceJob = 'inbox-poll' | 'fixity-audit' | 'retrain-check' | 'retrain' | 'access-expiry';

/** Payload of a 'retrain' job. */
export interface RetrainJobData {
  tasks?: RoutingTask[];
  actor: string;
  trigger: string;
}

/** While a retrain is waiting or running, adding another one returns that job instead of a second one. */
export const RETRAIN_DEDUPLICATION_ID = 'retrain';

export class MaintenanceRunner {
  private queue?: Queue;
  private worker?: Worker;
  private notifier?: InboxNotifier;

  constructor(private readonly services: AppServices) {}

  private get connection() {
    return this.services.pipeline.queue('prepare').opts.connection;
  }

  private get maintenanceQueue(): Queue {
    return (this.queue ??= new Queue(MAINTENANCE_QUEUE, { connection: this.connection, prefix: this.services.config.redis.prefix }));
  }

  /** Register the schedules (scheduler role). Idempotent: upserting replaces the previous definition. */
  async schedule(): Promise<void> {
    const { config } = this.services;
    const queue = this.maintenanceQueue;
    if (config.inbox.enabled) {
      await queue.upsertJobScheduler('inbox-poll', { every: config.inbox.intervalMs }, { name: 'inbox-poll', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    } else {
      await queue.removeJobScheduler('inbox-poll');
    }
    if (config.inbox.enabled && config.inbox.minioNotifications && config.store.s3 && !this.notifier) {
      // One job id: a burst of uploads collapses into one extra poll.
      this.notifier = listenForInboxUploads(config.store.s3, config.inbox.newPrefix, () => {
        void queue.add('inbox-poll', {}, { jobId: 'inbox-poll-notified', removeOnComplete: true, removeOnFail: true });
      }, this.services.logger);
    }
    // Approved access requests past their end become 'expired' and their requesters are told (the gate already
    // refuses expired access in between).
    await queue.upsertJobScheduler('access-expiry', { every: 3_600_000 }, { name: 'access-expiry', opts: { removeOnComplete: 20, removeOnFail: 20 } });
    await queue.upsertJobScheduler('fixity-audit', { pattern: config.fixity.cron }, { name: 'fixity-audit', opts: { removeOnComplete: 20, removeOnFail: 20 } });
    if (config.learning.enabled) {
      const every = config.learning.checkEvery;
      await queue.upsertJobScheduler('retrain-check', typeof every === 'number' ? { every } : { pattern: every }, {
        name: 'retrain-check',
        opts: { removeOnComplete: 20, removeOnFail: 20 },
      });
    } else {
      await queue.removeJobScheduler('retrain-check');
    }
  }

  /** Process maintenance jobs (worker role). */
  start(): void {
    this.worker = new Worker(MAINTENANCE_QUEUE, (job: Job) => this.run(job.name as MaintenanceJob, job.data), {
      connection: this.connection,
      prefix: this.services.config.redis.prefix,
      concurrency: 1,
      lockDuration: 10 * 60_000,
    });
    this.worker.on('error', (err) => this.services.logger.error({ err }, 'maintenance worker error'));
  }

  async run(name: MaintenanceJob, data?: unknown): Promise<unknown> {
    const s = this.services;
    if (name === 'inbox-poll') {
      const result = await pollInbox(s, { ...s.config.inbox, comune: s.config.union.defaultComune });
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
    if (name === 'retrain-check') {
      const due = await retrainDue(s);
      if (!due.due) return { ...due, enqueued: null };
      const job = await enqueueRetrain(this.maintenanceQueue, { actor: 'system', trigger: 'schedule' });
      s.logger.info({ decisions: due.decisions, since: due.since, jobId: job.id }, 'enough new decisions: retrain queued');
      return { ...due, enqueued: job.id ?? null };
    }
    if (name === 'access-expiry') return { expired: (await accessServiceFor(s).expire()).length };
    if (name === 'retrain') {
      const job = (data ?? {}) as Partial<RetrainJobData>;
      return runRetrain(s, { actor: job.actor ?? 'system', trigger: job.trigger ?? 'schedule', tasks: job.tasks });
    }
    throw new Error(`unknown maintenance job ${String(name)}`);
  }

  async close(): Promise<void> {
    this.notifier?.stop();
    await this.worker?.close();
    await this.queue?.close();
  }
}

/**
 * Whether enough decisions came after the newest model of each routing task (current or not: a rejected candidate
 * also consumed the decisions before it, and counting from the current model would retrain on the same data at
 * every check after a rejection or a rollback). A task without any model counts every decision.
 */
export async function retrainDue(
  s: Pick<Services, 'db' | 'store' | 'config'>,
): Promise<{ due: boolean; decisions: number; since: string | null; retrainAfter: number }> {
  const models = new ModelStore(s.store);
  let since: string | null = null;
  let first = true;
  for (const task of ROUTING_TASKS) {
    const newest = (await models.versions(task)).at(-1);
    const at = newest ? await models.createdAt(task, newest) : null;
    // The oldest of the tasks' newest models: each task must have seen the decisions counted.
    if (first || at === null || (since !== null && at < since)) since = at;
    first = false;
  }
  const decisions = await countDecisionsSince(s.db, since ?? undefined);
  const retrainAfter = s.config.learning.retrainAfter;
  return { due: decisions >= retrainAfter, decisions, since, retrainAfter };
}

/** Retrain now, in this process, with the configured learning settings. */
export async function runRetrain(s: Services, data: RetrainJobData): Promise<RetrainReport> {
  const { learning } = s.config;
  const log = s.logger.child({ job: 'retrain', trigger: data.trigger, actor: data.actor });
  const report = await retrain(
    { db: s.db, store: s.store, reference: () => s.reference(), onProgress: (m) => log.info(m) },
    {
      tasks: data.tasks?.length ? data.tasks : undefined,
      base: learning.base,
      holdout: learning.holdout,
      correctionWeight: learning.correctionWeight,
      tolerance: learning.tolerance,
      epochs: learning.epochs,
      actor: data.actor,
      trigger: data.trigger,
    },
  );
  for (const t of report.tasks) log.info({ task: t.task, outcome: t.outcome, version: t.version, current: t.current }, t.reason);
  return report;
}

export function enqueueRetrain(queue: Queue, data: RetrainJobData): Promise<Job> {
  return queue.add('retrain', data, {
    deduplication: { id: RETRAIN_DEDUPLICATION_ID },
    attempts: 1, // a failed retrain leaves the current model in place; the next check or request tries again
    removeOnComplete: { age: 7 * 86_400, count: 50 },
    removeOnFail: { age: 30 * 86_400, count: 50 },
  });
}

/**
 * Asks the maintenance workers for a retrain and waits for its report (at most `timeoutMs`). When a retrain is
 * already queued or running, waits for that one instead. `report` is null when the wait timed out.
 */
export async function requestRetrain(
  s: Pick<Services, 'config'>,
  data: RetrainJobData,
  timeoutMs: number,
): Promise<{ jobId: string; report: RetrainReport | null }> {
  // Own connections: QueueEvents blocks on its connection while waiting for events.
  const redis = createRedis(s.config.redis.url);
  const blocking = createRedis(s.config.redis.url);
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix: s.config.redis.prefix });
  const events = new QueueEvents(MAINTENANCE_QUEUE, { connection: blocking, prefix: s.config.redis.prefix });
  try {
    await events.waitUntilReady();
    const job = await enqueueRetrain(queue, data);
    try {
      return { jobId: job.id!, report: (await job.waitUntilFinished(events, timeoutMs)) as RetrainReport };
    } catch (err) {
      if (/timed out/i.test((err as Error).message)) return { jobId: job.id!, report: null };
      throw err;
    }
  } finally {
    await events.close();
    await queue.close();
    for (const r of [blocking, redis]) await r.quit().catch(() => r.disconnect());
  }
}
