// Process entry point. `serve` (default) runs the API and the workers; `api` and `worker` run one role each.
import { loadConfig } from './core/config.ts';
import { createLogger } from './core/logger.ts';
import { buildServer } from './api/server.ts';
import { createServices } from './workers/services.ts';
import { WorkerRunner } from './workers/worker.runner.ts';
import { resumeReceivedDocuments } from './workers/resume.ts';

export async function run(role: string): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  const runner = role === 'api' ? undefined : new WorkerRunner(services);
  runner?.start();
  if (runner) await resumeReceivedDocuments(services);
  const app = role === 'worker' ? undefined : await buildServer(services);
  if (app) {
    await app.listen({ host: config.api.host, port: config.api.port });
    logger.info({ url: `http://${config.api.host}:${config.api.port}/` }, 'Faldone is listening');
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app?.close(); // stop accepting requests first
    await runner?.close(); // then let workers finish or hand back their jobs
    await services.close(); // queues, stores, Redis last
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const role = process.argv[2] ?? 'serve';
  if (!['serve', 'api', 'worker'].includes(role)) {
    console.error(`usage: tsx src/main.ts [serve|api|worker]`);
    process.exit(2);
  }
  run(role).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
