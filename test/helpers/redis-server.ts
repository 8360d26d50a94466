// A private redis-server with append-only persistence on its own port, for tests that restart Redis mid-batch.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { makeTmpDir } from './tmp-dir.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const tmp = await makeTmpDir('faldone-redis-');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ping = () => {
    try {
      return (
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', timeout: 2000 }).trim() === 'PONG'
      );
    } catch {
      return false;
    }
  };
  async function start() {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        tmp.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100 && !ping(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!ping()) throw new Error('private redis-server did not start');
  }
  async function stop() {
    if (!child) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM'); // redis writes and closes the append-only file on SIGTERM
    await exited;
    child = undefined;
  }
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    cleanup: async () => (await stop(), await tmp.cleanup()),
  };
}
