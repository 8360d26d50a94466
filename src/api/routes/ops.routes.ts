// Operations: liveness, readiness (Redis, metadata store and object store answer) and Prometheus metrics.
import type { FastifyPluginAsync } from 'fastify';
import type { AppServices } from '../../workers/services.ts';
import { STEPS } from '../../workers/job-catalogue.ts';

export function opsRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', async () => ({ status: 'ok' }));

    app.get('/ready', async (_req, reply) => {
      const checks: Record<string, string> = {};
      const check = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000))]);
          checks[name] = 'ok';
        } catch (err) {
          checks[name] = (err as Error).message;
        }
      };
      await Promise.all([
        check('redis', () => services.redis.ping()),
        check('database', () => services.db.listBatches({ limit: 1 })),
        check('store', () => services.store.head('.ready-probe')),
        check('search', () => services.search.stats()),
      ]);
      const ready = Object.values(checks).every((v) => v === 'ok');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    });

    app.get('/metrics', async (_req, reply) => {
      const { metrics, pipeline } = services;
      try {
        const counts = await pipeline.counts();
        for (const step of STEPS) for (const [state, n] of Object.entries(counts[step])) metrics.queueDepth.set({ queue: step, state }, n);
      } catch {
        // Redis down: the scrape still answers with what this process knows; /ready reports the outage.
      }
      return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  };
}
