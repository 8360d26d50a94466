// Process entry point: `tsx src/main.ts [serve|api|worker|scheduler]`.
//   serve      API + workers + scheduler in one process (the embedded default)
//   api        HTTP only
//   worker     pipeline and maintenance workers (WORKER_QUEUES restricts the steps, e.g. "ocr-page" on OCR hosts)
//   scheduler  registers the periodic jobs (inbox poll, fixity audit); any number may run
import { loadConfig } from './core/config.ts';
import { createLogger } from './core/logger.ts';
import { buildServer } from './api/server.ts';
import { bootstrapAdmin } from './auth/bootstrap.ts';
import { STEPS, type StepName } from './workers/job-catalogue.ts';
import { MaintenanceRunner } from './workers/maintenance.runner.ts';
import { resumeReceivedDocuments } from './workers/resume.ts';
import { createServices } from './workers/services.ts';
import { WorkerRunner } from './workers/worker.runner.ts';

export const ROLES = ['serve', 'api', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export function parseSteps(list: string): StepName[] {
  if (!list.trim()) return [...STEPS];
  const steps = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = steps.filter((s) => !(STEPS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown steps in WORKER_QUEUES: ${unknown.join(', ')} (known: ${STEPS.join(', ')})`);
  return steps as StepName[];
}

export async function run(role: Role): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ role });
  const services = await createServices(config, logger);
  if (role === 'serve' || role === 'api') await bootstrapAdmin(services.auth, { adminPassword: config.auth.adminPassword, logger });
  const works = role === 'serve' || role === 'worker';
  const runner = works
    ? new WorkerRunner(services, { steps: parseSteps(config.worker.queues), concurrency: config.worker.concurrency as Partial<Record<StepName, number>> })
    : undefined;
  const maintenance = new MaintenanceRunner(services);
  if (runner) {
    runner.start();
    maintenance.start();
    await resumeReceivedDocuments(services);
  }
  if (role === 'serve' || role === 'scheduler') await maintenance.schedule();
  const app = role === 'serve' || role === 'api' ? await buildServer(services) : undefined;
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
    await maintenance.close();
    await services.close(); // queues, stores, Redis last
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const role = (process.argv[2] ?? 'serve') as Role;
  if (!ROLES.includes(role)) {
    console.error(`usage: tsx src/main.ts [${ROLES.join('|')}]`);
    process.exit(2);
  }
  run(role).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
