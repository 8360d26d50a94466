// s3rver in a child process (bench/lib/s3rver.serve.ts): its CPU is measured apart from the bench's, and it can be
// pinned to a CPU or niced like any process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sampleTree, type TreeSample } from './proc.ts';

const SERVE = 'bench/lib/s3rver.serve.ts';

export interface S3rverProcess {
  endpoint: string;
  bucket: string;
  directory: string;
  pid: number;
  /** The process tree (npx, tsx, node) of the server: RSS and CPU so far. */
  sample(): TreeSample;
  /** SIGTERM: the server deletes its data directory and exits. */
  cleanup(): Promise<void>;
}

export async function startS3rverProcess(
  bucket: string,
  opts: { cwd: string; cpus?: string; nice?: number; timeoutMs?: number },
): Promise<S3rverProcess> {
  const cmd = ['npx', 'tsx', SERVE, bucket];
  if (opts.nice) cmd.unshift('nice', '-n', String(opts.nice));
  if (opts.cpus) cmd.unshift('taskset', '-c', opts.cpus);
  const [file, ...args] = cmd;
  const child: ChildProcess = spawn(file!, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ endpoint: string; bucket: string; directory: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver process not listening after ${opts.timeoutMs ?? 60_000} ms`)), opts.timeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { endpoint: string; bucket: string; directory: string });
      } catch (err) {
        reject(new Error(`s3rver process printed ${JSON.stringify(line)}: ${String(err)}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`s3rver process exited before listening (code ${code}, signal ${signal})`));
    });
  });
  const pid = child.pid!;
  return {
    ...ready,
    pid,
    sample: () => sampleTree(pid, SERVE),
    async cleanup() {
      const server = sampleTree(pid, SERVE).worker?.pid;
      if (server !== undefined) process.kill(server, 'SIGTERM');
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
