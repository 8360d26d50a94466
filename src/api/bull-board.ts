// The BullMQ dashboard (Bull Board) at /admin/queues: every pipeline step's queue and the maintenance queue.
// Access is decided by the access policy like any other route (admin only); the board's own routes carry no auth.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { STEPS } from '../workers/job-catalogue.ts';
import { MAINTENANCE_QUEUE } from '../workers/maintenance.runner.ts';
import type { AppServices } from '../workers/services.ts';

export const BULL_BOARD_PATH = '/admin/queues';

/** Registers the board; the extra maintenance queue handle closes with the server. */
export async function registerBullBoard(app: FastifyInstance, services: AppServices): Promise<void> {
  const { pipeline, config } = services;
  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection: services.redis, prefix: config.redis.prefix });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [...STEPS.map((step) => new BullMQAdapter(pipeline.queue(step))), new BullMQAdapter(maintenance)],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Faldone — code' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  app.addHook('onClose', async () => {
    await maintenance.close();
  });
}
