// Administration: queue health of every pipeline step with the latest failed jobs, and the (read-only) settings.
import type { FastifyPluginAsync } from 'fastify';
import { STEPS } from '../../workers/job-catalogue.ts';
import type { AppServices } from '../../workers/services.ts';

/** Failed jobs shown per step, newest first. */
const FAILED_SHOWN = 20;

export function adminRoutes(services: AppServices): FastifyPluginAsync {
  const { pipeline, config } = services;
  return async (app) => {
    app.get('/admin/queues', async () => {
      const counts = await pipeline.counts();
      const queues = await Promise.all(
        STEPS.map(async (step) => {
          const failed = await pipeline.queue(step).getFailed(0, FAILED_SHOWN - 1);
          return {
            step,
            counts: counts[step],
            failed: failed
              .filter((job) => job)
              .map((job) => ({
                id: job.id ?? null,
                documentId: (job.data as { documentId?: string } | undefined)?.documentId ?? null,
                reason: job.failedReason ?? null,
                attempts: job.attemptsMade,
                failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
              })),
          };
        }),
      );
      return { queues };
    });

    app.get('/admin/settings', async () => ({
      routing: { threshold: config.routing.threshold, thresholds: config.routing.thresholds },
      learning: { enabled: config.learning.enabled, retrainAfter: config.learning.retrainAfter },
      auth: {
        sessionIdleMinutes: config.auth.sessionIdleMinutes,
        sessionAbsoluteHours: config.auth.sessionAbsoluteHours,
        loginRateLimit: config.auth.loginRateLimit,
        searchRateLimit: config.auth.searchRateLimit,
      },
    }));
  };
}
