import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { startApi, uploadBatch } from '../helpers/http.ts';
import { bearerUser } from '../helpers/auth.ts';

let world: World;
let api: { app: FastifyInstance; url: string };
/** Authorization headers of an archivist (uploads, batches, documents, search). */
let auth: Record<string, string>;
beforeAll(async () => {
  world = await createWorld({ limits: { maxFileBytes: 1000 } }, { workers: false });
  api = await startApi(world.services);
  auth = (await bearerUser(world.services, 'archivist')).headers;
});
afterAll(async () => {
  await api.app.close();
  await world.close();
});

describe('HTTP API', () => {
  it('answers errors with a code and a message', async () => {
    const notFound = await fetch(`${api.url}/api/documents/${'0'.repeat(64)}`, { headers: auth });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Documento non trovato' } });
    const bad = await fetch(`${api.url}/api/documents/../../etc/passwd`, { headers: auth });
    expect([400, 404]).toContain(bad.status);
    const badQuery = await fetch(`${api.url}/api/search?limit=100000`, { headers: auth });
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).error.code).toBe('INVALID_REQUEST');
    const notMultipart = await fetch(`${api.url}/api/batches`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(415);
  });

  it('rejects a file over the size limit, keeps the rest of the batch and says why', async () => {
    const res = await uploadBatch(api.url, [
      { name: 'enorme.tif', data: new Uint8Array(5000) },
      { name: '../../piccolo.jpg', data: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) },
    ], auth);
    expect(res.status).toBe(201);
    expect(res.body.items).toEqual([
      expect.objectContaining({ filename: 'enorme.tif', outcome: 'rejected', error: expect.stringMatching(/larger than the limit/) }),
      expect.objectContaining({ filename: 'piccolo.jpg', outcome: 'accepted' }),
    ]);
    const batch = await (await fetch(`${api.url}/api/batches/${res.body.batch.id}`, { headers: auth })).json();
    expect(batch).toMatchObject({ accepted: 1, rejected: 1 });
    expect(batch.documents[0]).toMatchObject({ filename: 'piccolo.jpg', mediaType: 'image/jpeg', status: 'received' });
  });

  it('serves the Italian UI', async () => {
    const res = await fetch(`${api.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html lang="it">');
  });

  it('answers liveness and readiness, and exposes Prometheus metrics with queue depths', async () => {
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    const ready = await fetch(`${api.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', database: 'ok', store: 'ok', search: 'ok' } });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/faldone_queue_jobs\{queue="ocr-page",state="waiting"\} \d+/);
    expect(metrics).toContain('faldone_step_duration_seconds');
  });

  it('sends secure headers', async () => {
    const res = await fetch(`${api.url}/`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
