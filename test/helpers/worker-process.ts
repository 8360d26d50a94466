// A Faldone worker as a real child process (node + tsx loader, no npx wrapper, so a signal reaches the worker itself).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, type World } from './pipeline-world.ts';

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function spawnWorker(world: World, env: Record<string, string> = {}): WorkerProcess {
  const c = world.services.config;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'main.ts'), 'worker'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      FALDONE_DATA_DIR: c.dataDir,
      REDIS_URL: c.redis.url,
      QUEUE_PREFIX: c.redis.prefix,
      OCR_WORKERS: String(c.ocr.workers),
      JOB_ATTEMPTS: String(c.jobs.attempts),
      JOB_LOCK_MS: String(c.jobs.lockDurationMs),
      JOB_STALLED_CHECK_MS: String(c.jobs.stalledIntervalMs),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out };
}

export async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
