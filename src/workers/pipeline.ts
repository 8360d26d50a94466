// Producer side of the pipeline: puts jobs on the BullMQ queues. Steps call next() to enqueue what follows them.
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { STEPS, jobId, type JobPayloads, type StepName } from './job-catalogue.ts';

export interface PipelineOptions {
  /** Called before a document's next job is enqueued, so it shows the step it waits for (never after: a fast next
   * step could already have moved it further). */
  onEnqueue?: (documentId: string, step: StepName) => Promise<void>;
  /** Connection errors of the producers (Redis restarting…): reported here instead of on the console. */
  onError?: (err: Error) => void;
  connection: Redis;
  prefix: string;
  attempts: number;
  backoffMs: number;
}

export class Pipeline {
  private readonly queues = new Map<StepName, Queue>();
  private readonly flow: FlowProducer;

  constructor(private readonly opts: PipelineOptions) {
    const onError = opts.onError ?? (() => {});
    for (const step of STEPS) {
      const queue = new Queue(step, { connection: opts.connection, prefix: opts.prefix });
      queue.on('error', onError);
      this.queues.set(step, queue);
    }
    this.flow = new FlowProducer({ connection: opts.connection, prefix: opts.prefix });
    this.flow.on('error', onError);
  }

  queue(step: StepName): Queue {
    return this.queues.get(step)!;
  }

  private jobOptions<S extends StepName>(step: S, payload: JobPayloads[S]): JobsOptions {
    return {
      jobId: jobId(step, payload),
      attempts: this.opts.attempts,
      backoff: { type: 'exponential', delay: this.opts.backoffMs },
      // Completed jobs go away so a later re-run of the same step is not swallowed by the de-duplication.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  async add<S extends Exclude<StepName, 'ocr-page' | 'assemble'>>(step: S, payload: JobPayloads[S]): Promise<void> {
    await this.opts.onEnqueue?.(payload.documentId, step);
    await this.queue(step).add(step, payload, this.jobOptions(step, payload));
  }

  /** OCR every page as a child job; assemble runs when all children are done. */
  async addOcrFlow(payload: JobPayloads['assemble']): Promise<void> {
    await this.opts.onEnqueue?.(payload.documentId, 'ocr-page');
    const children = Array.from({ length: payload.pageCount }, (_, i) => {
      const child: JobPayloads['ocr-page'] = { ...payload, page: i + 1 };
      return {
        name: 'ocr-page',
        queueName: 'ocr-page',
        data: child,
        opts: { ...this.jobOptions('ocr-page', child), failParentOnFailure: true },
      };
    });
    await this.flow.add({
      name: 'assemble',
      queueName: 'assemble',
      data: payload,
      opts: this.jobOptions('assemble', payload),
      children,
    });
  }

  /** Remove every job a document left behind (failed ones keep their ids), so a retry can enqueue them afresh. */
  async forget(documentId: string, pageCount = 0): Promise<number> {
    let removed = 0;
    const payload = { documentId, batchId: '', pageCount };
    const ids: Array<[StepName, string]> = STEPS.filter((s) => s !== 'ocr-page').map((s) => [s, jobId(s, payload as never)]);
    for (let page = 1; page <= pageCount; page++) ids.push(['ocr-page', jobId('ocr-page', { ...payload, page })]);
    for (const [step, id] of ids) {
      const job = await this.queue(step).getJob(id);
      if (job && !(await job.isActive())) {
        await job.remove({ removeChildren: true });
        removed++;
      }
    }
    return removed;
  }

  async counts(): Promise<Record<StepName, Record<string, number>>> {
    const out = {} as Record<StepName, Record<string, number>>;
    for (const step of STEPS) {
      out[step] = await this.queue(step).getJobCounts('waiting', 'active', 'delayed', 'failed', 'waiting-children', 'prioritized');
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.flow.close();
  }
}
