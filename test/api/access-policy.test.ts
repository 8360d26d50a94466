// The access policy over real HTTP: every registered route has an entry, each role reaches what the contract allows
// and gets 403 elsewhere, 401 without a login, and audited actions land in the audit log for the administrator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { policyFor } from '../../src/api/access-policy.ts';
import { buildServer, registeredRoutes } from '../../src/api/server.ts';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { recordSuggestion } from '../../src/classify/review.service.ts';
import type { Role } from '../../src/auth/roles.ts';
import { PACKAGE_FILES } from '../../src/store/keys.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';

let world: World;
let app: FastifyInstance;
let url: string;
const as: Partial<Record<Role, BearerCaller>> = {};
const caller = (role: Role) => as[role]!;

beforeAll(async () => {
  world = await createWorld({ auth: { searchRateLimit: 6 } }, { workers: false });
  app = await buildServer(world.services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
  for (const role of ['admin', 'archivist', 'records_manager', 'professional'] as const) {
    as[role] = await bearerUser(world.services, role);
  }
});
afterAll(async () => {
  await app?.close();
  await world?.close();
});

async function call(method: string, path: string, role?: Role, body?: unknown) {
  const headers: Record<string, string> = role ? { ...caller(role).headers } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

let seq = 0;
/** A classified document waiting for review, archived with a PDF and a text record in the store. */
async function archivedDocument(): Promise<string> {
  const { db, store } = world.services;
  const id = `c${(++seq).toString(16).padStart(63, '0')}`;
  const batch = await db.createBatch({ label: 'policy', source: 'test' });
  const m: DocumentMetadata = {
    documentType: 'lettera' as DocumentMetadata['documentType'],
    documentTypeLabel: 'Lettera',
    confidence: 0.8,
    dates: [],
    titolarioClass: 'VI.3',
    office: 'edilizia-privata',
    personalData: false,
    reasons: [],
    classifier: 'rules@test',
    routing: { mode: 'review', confidence: 0.4, threshold: 0.9, decidedBy: 'rules', reasons: ['c=0.4'] },
  };
  await db.createDocument({
    id,
    sha256: id,
    batchId: batch.id,
    filename: `${seq}.tif`,
    mediaType: 'image/tiff',
    size: 1,
  });
  const archiveKey = `archive/${id}`;
  await store.put(`${archiveKey}/${PACKAGE_FILES.pdf}`, Buffer.from('%PDF-1.7\n%%EOF\n'));
  await store.put(`${archiveKey}/${PACKAGE_FILES.text}`, Buffer.from(JSON.stringify({ pages: [] })));
  await db.updateDocument(id, { classification: m, title: `Lettera ${seq}`, status: 'archived', archiveKey });
  await recordSuggestion(db, id, m, world.services.reference());
  return id;
}

describe('access policy', () => {
  it('has an entry for every registered route (default deny would silently lock a new route)', () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => !policyFor(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const k of [
      'GET /api/search',
      'POST /api/review/:documentId/correct',
      'GET /api/audit',
      'HEAD /*',
      'GET /health',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('answers 403 to a route that has no policy entry, even for an administrator', async () => {
    const bare = await buildServer(world.services);
    bare.get('/api/senza-politica', async () => ({ ok: true }));
    try {
      const res = await bare.inject({ url: '/api/senza-politica', headers: caller('admin').headers });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'Accesso non consentito' } });
    } finally {
      await bare.close();
    }
  });

  it('answers 401 without a login, and keeps probes, metrics, login and the UI public', async () => {
    for (const [method, path] of [
      ['GET', '/api/search?q=casa'],
      ['GET', '/api/batches'],
      ['POST', '/api/batches'],
      ['GET', `/api/documents/${'0'.repeat(64)}`],
      ['GET', '/api/review'],
      ['GET', '/api/users'],
      ['GET', '/api/audit'],
      ['GET', '/api/auth/me'],
      ['GET', '/api/reference'],
      ['POST', '/api/models/retrain'],
    ]) {
      const res = await call(method!, path!);
      expect(res, `${method} ${path}`).toMatchObject({
        status: 401,
        body: { error: { code: 'UNAUTHENTICATED', message: 'Accesso richiesto' } },
      });
    }
    for (const path of ['/health', '/metrics', '/api/auth/config', '/'])
      expect((await call('GET', path)).status, path).toBe(200);
    expect((await call('POST', '/api/auth/login', undefined, { username: 'x', password: 'y' })).status).toBe(401);
    // No route at all: the plain 404, before and without any policy.
    expect((await call('POST', '/api/inesistente')).status).toBe(404);
  });

  it('lets a professional search and read documents, and nothing else', async () => {
    const id = await archivedDocument();
    const forbidden: Array<[string, string, unknown?]> = [
      ['POST', '/api/batches'],
      ['GET', '/api/batches'],
      ['GET', '/api/failed'],
      ['POST', `/api/documents/${id}/retry`],
      ['GET', '/api/review'],
      ['POST', `/api/review/${id}/accept`, {}],
      ['GET', '/api/practices'],
      ['GET', '/api/users'],
      ['GET', '/api/audit'],
      ['GET', '/api/models'],
      ['POST', '/api/models/retrain', {}],
      ['GET', '/api/admin/queues'],
      ['GET', '/api/reference'],
    ];
    for (const [method, path, body] of forbidden) {
      const res = await call(method, path, 'professional', body);
      expect(res, `${method} ${path}`).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN', message: 'Accesso non consentito' } },
      });
    }
    expect((await call('GET', '/api/search?q=lettera', 'professional')).status).toBe(200);
    expect((await call('GET', `/api/documents/${id}`, 'professional')).status).toBe(200);
    expect((await call('GET', `/api/documents/${id}/pdf`, 'professional')).status).toBe(200);
    expect((await call('GET', `/api/documents/${id}/text`, 'professional')).status).toBe(200);
  });

  it('gives archivists uploads and batches but not review; records managers review but not uploads', async () => {
    expect((await call('GET', '/api/batches', 'archivist')).status).toBe(200);
    expect((await call('GET', '/api/failed', 'archivist')).status).toBe(200);
    expect((await call('GET', '/api/practices', 'archivist')).status).toBe(200);
    expect((await call('GET', '/api/reference', 'archivist')).status).toBe(200);
    expect((await call('GET', '/api/review', 'archivist')).status).toBe(403);
    expect((await call('GET', '/api/users', 'archivist')).status).toBe(403);

    expect((await call('GET', '/api/review', 'records_manager')).status).toBe(200);
    expect((await call('GET', '/api/batches', 'records_manager')).status).toBe(200);
    expect((await call('POST', '/api/batches', 'records_manager')).status).toBe(403);
    expect((await call('GET', '/api/failed', 'records_manager')).status).toBe(403);
    expect((await call('GET', '/api/models', 'records_manager')).status).toBe(403);

    for (const path of [
      '/api/users',
      '/api/audit',
      '/api/models',
      '/api/admin/queues',
      '/api/admin/settings',
      '/api/review',
    ]) {
      expect((await call('GET', path, 'admin')).status, path).toBe(200);
    }
  });

  it('audits a records manager correcting a routing suggestion, visible to the administrator', async () => {
    const id = await archivedDocument();
    const rm = caller('records_manager');
    const res = await call('POST', `/api/review/${id}/correct`, 'records_manager', {
      titolarioClass: 'IV.3',
      office: 'tributi',
      note: 'avviso IMU',
    });
    expect(res.status).toBe(200);
    expect(res.body.review.reviewer).toBe(rm.user.username);
    const audit = await call('GET', `/api/audit?action=routing.correct&targetId=${id}`, 'admin');
    expect(audit.body.total).toBe(1);
    expect(audit.body.entries[0]).toMatchObject({
      actor: rm.user.id,
      actorName: rm.user.username,
      role: 'records_manager',
      action: 'routing.correct',
      targetType: 'document',
      targetId: id,
      detail: { titolarioClass: 'IV.3', office: 'tributi', note: 'avviso IMU' },
      ip: '127.0.0.1',
    });
    // A refused correction (no reason given) is not audited.
    const other = await archivedDocument();
    expect((await call('POST', `/api/review/${other}/correct`, 'records_manager', { office: 'tributi' })).status).toBe(
      400,
    );
    expect((await call('GET', `/api/audit?action=routing.correct&targetId=${other}`, 'admin')).body.total).toBe(0);
    expect((await call('GET', `/api/audit?action=routing.correct`, 'records_manager')).status).toBe(403);
  });

  it('audits document views, downloads and text reads with who and which document', async () => {
    const id = await archivedDocument();
    const pro = caller('professional');
    await call('GET', `/api/documents/${id}`, 'professional');
    await call('GET', `/api/documents/${id}/pdf`, 'professional');
    await call('GET', `/api/documents/${id}/text`, 'archivist');
    await call('GET', `/api/documents/${'f'.repeat(64)}`, 'professional'); // 404: nothing seen, nothing audited
    const audit = await call('GET', `/api/audit?targetId=${id}`, 'admin');
    expect(audit.body.entries.map((e: { action: string; actorName: string }) => [e.action, e.actorName])).toEqual([
      ['document.text', caller('archivist').user.username],
      ['document.download', pro.user.username],
      ['document.view', pro.user.username],
    ]);
    expect((await call('GET', `/api/audit?targetId=${'f'.repeat(64)}`, 'admin')).body.total).toBe(0);
    const mine = await call('GET', `/api/audit?actor=${pro.user.username}&action=document.download`, 'admin');
    expect(mine.body.entries.every((e: { actor: string }) => e.actor === pro.user.id)).toBe(true);
  });

  it('limits searches per user, not per address', async () => {
    const limited = await bearerUser(world.services, 'professional');
    const search = (headers: Record<string, string>) => fetch(`${url}/api/search?q=casa`, { headers });
    for (let i = 0; i < 6; i++) expect((await search(limited.headers)).status).toBe(200);
    const res = await search(limited.headers);
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe('RATE_LIMITED');
    expect((await search(caller('archivist').headers)).status).toBe(200);
  });

  it('serves reference data for the forms and the settings to the administrator', async () => {
    const ref = await call('GET', '/api/reference', 'records_manager');
    expect(ref.body.offices).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'tributi', name: expect.any(String) })]),
    );
    expect(ref.body.titolario).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'VI.3', title: expect.any(String) })]),
    );
    expect(ref.body.documentTypes).toEqual(expect.arrayContaining([{ code: 'domanda', label: 'Domanda / istanza' }]));
    const settings = await call('GET', '/api/admin/settings', 'admin');
    expect(settings.body.routing).toEqual({ threshold: 0.9, thresholds: {} });
    const queues = await call('GET', '/api/admin/queues', 'admin');
    expect(queues.body.queues.map((q: { step: string }) => q.step)).toContain('ocr-page');
    expect(queues.body.queues[0]).toMatchObject({
      counts: { waiting: expect.any(Number), failed: expect.any(Number) },
      failed: [],
    });
  });

  it('shows the BullMQ dashboard to administrators only, and the OpenAPI document to anyone', async () => {
    expect((await call('GET', '/admin/queues')).status).toBe(401);
    expect((await call('GET', '/admin/queues', 'archivist')).status).toBe(403);
    const board = await call('GET', '/admin/queues', 'admin');
    expect(board.status).toBe(200);
    expect(String(board.body)).toContain('Faldone');
    const queues = await call('GET', '/admin/queues/api/queues', 'admin');
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['prepare', 'ocr-page', 'index', 'maintenance']),
    );
    expect((await call('GET', '/admin/queues/api/queues', 'professional')).status).toBe(403);
    const docs = await call('GET', '/docs/json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/search', '/api/batches/{id}/events']));
  });
});
