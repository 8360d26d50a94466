// Real HTTP against the API on an ephemeral port.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import type { AppServices } from '../../src/workers/services.ts';
import { bearerUser } from './auth.ts';

/** The API on an ephemeral port, with an admin's bearer `headers` to call it. */
export async function startApi(
  services: AppServices,
): Promise<{ app: FastifyInstance; url: string; headers: { authorization: string } }> {
  const app = await buildServer(services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const { headers } = await bearerUser(services, 'admin');
  return { app, url: `http://127.0.0.1:${address.port}`, headers };
}

/** Upload files as one multipart batch with the given auth headers; `files` are paths or { name, data }. */
export async function uploadBatch(
  url: string,
  files: Array<string | { name: string; data: Uint8Array }>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const f of files) {
    const { name, data } = typeof f === 'string' ? { name: path.basename(f), data: await readFile(f) } : f;
    form.append('file', new Blob([new Uint8Array(data)]), name);
  }
  const res = await fetch(`${url}/api/batches`, { method: 'POST', headers, body: form });
  return { status: res.status, body: await res.json() };
}
