// The queue of page rescans: one job per new version of a page, its id made of document, page and version, so a
// duplicate delivery collapses and a crashed run resumes the same version.
import { Queue } from 'bullmq';
import type { Services } from '../workers/job-context.ts';

export const RESCAN_QUEUE = 'page-rescan';

export interface RescanJob {
  documentId: string;
  batchId: string;
  page: number;
  version: number;
}

export function rescanJobId(job: Pick<RescanJob, 'documentId' | 'page' | 'version'>): string {
  // BullMQ forbids ':' in custom ids.
  return `${job.documentId}-rescan-p${String(job.page).padStart(4, '0')}-v${job.version}`;
}

/** A producer on the rescan queue, on the pipeline's Redis connection and prefix. Close it with the process. */
export function openRescanQueue(services: Pick<Services, 'pipeline' | 'config'>): Queue {
  return new Queue(RESCAN_QUEUE, {
    connection: services.pipeline.queue('prepare').opts.connection,
    prefix: services.config.redis.prefix,
  });
}

export async function enqueueRescan(queue: Queue, services: Pick<Services, 'config'>, job: RescanJob): Promise<void> {
  const { attempts, backoffMs } = services.config.jobs;
  await queue.add('rescan-page', job, {
    jobId: rescanJobId(job),
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}
