import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { readOutbox } from '../notify/eml.ts';

let world: World;
let app: FastifyInstance;
let lugo: BearerCaller; // archivist of Lugo
let bagnacavallo: BearerCaller; // archivist of Bagnacavallo
let manager: BearerCaller; // records manager of Lugo: reads, never decides
const reason = 'Compravendita: verifica della conformità edilizia';

beforeAll(async () => {
  world = await createWorld(
    {
      union: {
        name: 'Unione della Bassa Romagna',
        comuni: [
          { code: 'E730', name: 'Lugo', requireAccessRequest: true },
          { code: 'A547', name: 'Bagnacavallo' },
        ],
      },
      notify: { baseUrl: 'https://archivio.example.it' },
    },
    { workers: false },
  );
  const { paper, db } = world.services;
  await paper.upsertInventory([
    { comune: 'E730', practiceKey: 'PE 40/1975', procedureType: 'PE', number: 40, year: 1975, location: { box: 'B7' } },
  ]);
  await db.createPractice({ key: 'PE 41/1975', label: 'PE 41/1975', comune: 'E730' });
  await db.createPractice({ key: 'PE 9/2003', label: 'PE 9/2003', comune: 'A547' });
  lugo = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  bagnacavallo = await bearerUser(world.services, 'archivist', { comune: 'A547' });
  manager = await bearerUser(world.services, 'records_manager', { comune: 'E730' });
  app = await buildServer(world.services);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await world?.close();
});

const post = (url: string, headers: Record<string, string>, payload?: object) =>
  app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });

async function fileRequest(caller: BearerCaller, practiceKey = 'PE 41/1975', comune = 'E730', email?: string) {
  const res = await post('/api/access-requests', caller.headers, {
    comune,
    practiceKey,
    requesterRole: 'delegated_technician',
    reason,
    ...(email ? { email } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; state: string; awaitingScan: boolean; comune: string; practiceKey: string };
}

describe('access requests API', () => {
  it('a professional requests, an archivist of the Comune approves, the e-mails are filed and both steps audited', async () => {
    const prof = await bearerUser(world.services, 'professional');
    const created = await fileRequest(prof, 'pe 40/75', 'e730', 'tecnico@example.it');
    expect(created).toMatchObject({ comune: 'E730', practiceKey: 'PE 40/1975', state: 'pending', awaitingScan: true });
    expect((await world.services.paper.getInventoryByKey('E730', 'PE 40/1975'))!.state).toBe('requested');

    const approved = await post(`/api/access-requests/${created.id}/approve`, lugo.headers, { note: 'Ok', days: 15 });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'approved', decidedBy: lugo.user.id, decisionNote: 'Ok' });
    const now = new Date().toISOString();
    expect(await world.services.paper.hasApprovedAccess(prof.user.id, 'E730', 'PE 40/1975', now)).toBe(true);

    const mails = (await readOutbox(world.services.config.notify.outboxDir)).filter(
      (m) => m.headers.to === 'tecnico@example.it',
    );
    expect(mails.map((m) => m.headers.subject)).toEqual([
      'Richiesta di accesso agli atti ricevuta — pratica PE 40/1975 (Comune di Lugo)',
      'Richiesta di accesso agli atti approvata — pratica PE 40/1975 (Comune di Lugo)',
    ]);
    expect(mails[1]!.text).toContain(`https://archivio.example.it/#/richieste?id=${created.id}`);

    const { entries } = await world.services.auth.listAudit({ targetId: created.id });
    expect(entries.map((e) => [e.action, e.actor, e.targetType]).reverse()).toEqual([
      ['access.request', prof.user.id, 'access_request'],
      ['access.approve', lugo.user.id, 'access_request'],
    ]);
    expect(entries.every((e) => e.comune === 'E730')).toBe(true);
    expect(entries[0]!.detail).toMatchObject({ note: 'Ok', days: 15, practiceKey: 'PE 40/1975', state: 'approved' });
  });

  it('validates the request: reason length, known practice, known Comune', async () => {
    const prof = await bearerUser(world.services, 'professional');
    const base = { comune: 'E730', practiceKey: 'PE 41/1975', requesterRole: 'owner', reason };
    const short = await post('/api/access-requests', prof.headers, { ...base, reason: 'breve' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe('INVALID_REQUEST');
    const unknown = await post('/api/access-requests', prof.headers, { ...base, practiceKey: 'PE 1/1901' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe('Pratica non trovata');
    const comune = await post('/api/access-requests', prof.headers, { ...base, comune: 'Z999' });
    expect(comune.statusCode).toBe(400);
    const role = await post('/api/access-requests', prof.headers, { ...base, requesterRole: 'curioso' });
    expect(role.statusCode).toBe(400);
    const anonymous = await post('/api/access-requests', {}, base);
    expect(anonymous.statusCode).toBe(401);
  });

  it('a second decision is a 409, and of a concurrent approve and reject exactly one wins', async () => {
    const prof = await bearerUser(world.services, 'professional');
    const first = await fileRequest(prof);
    const rejectedNoNote = await post(`/api/access-requests/${first.id}/reject`, lugo.headers, {});
    expect(rejectedNoNote.statusCode).toBe(400);
    expect(
      (await post(`/api/access-requests/${first.id}/reject`, lugo.headers, { note: 'Manca la delega' })).statusCode,
    ).toBe(200);
    const again = await post(`/api/access-requests/${first.id}/approve`, lugo.headers, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('La richiesta è già stata decisa');

    const admin = await bearerUser(world.services, 'admin'); // union level
    for (let round = 0; round < 3; round++) {
      const request = await fileRequest(await bearerUser(world.services, 'professional'));
      const answers = await Promise.all([
        post(`/api/access-requests/${request.id}/approve`, lugo.headers, {}),
        post(`/api/access-requests/${request.id}/reject`, admin.headers, { note: 'Respinta' }),
      ]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
      const winner = answers.find((a) => a.statusCode === 200)!.json();
      expect((await world.services.paper.getAccessRequest(request.id))!.state).toBe(winner.state);
    }
  });

  it('only archivists of the Comune decide: other Comuni get 404, other roles 403', async () => {
    const prof = await bearerUser(world.services, 'professional');
    const request = await fileRequest(prof);
    const elsewhere = await post(`/api/access-requests/${request.id}/approve`, bagnacavallo.headers, {});
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.message).toBe('Richiesta non trovata');
    expect((await post(`/api/access-requests/${request.id}/approve`, manager.headers, {})).statusCode).toBe(403);
    expect((await post(`/api/access-requests/${request.id}/approve`, prof.headers, {})).statusCode).toBe(403);
    expect((await world.services.paper.getAccessRequest(request.id))!.state).toBe('pending');
  });

  it('lists: professionals only their own, staff the Comuni they act on; the requester withdraws', async () => {
    const prof = await bearerUser(world.services, 'professional');
    const other = await bearerUser(world.services, 'professional');
    const mine = await fileRequest(prof);
    const theirs = await fileRequest(other, 'PE 9/2003', 'A547');

    const own = await app.inject({ url: '/api/access-requests', headers: prof.headers });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ total: 1, requests: [expect.objectContaining({ id: mine.id })] });

    const bagna = (await app.inject({ url: '/api/access-requests?limit=200', headers: bagnacavallo.headers })).json();
    expect(bagna.requests.map((r: { id: string }) => r.id)).toContain(theirs.id);
    expect(bagna.requests.every((r: { comune: string }) => r.comune === 'A547')).toBe(true);
    const crossed = await app.inject({ url: '/api/access-requests?comune=E730', headers: bagnacavallo.headers });
    expect(crossed.json()).toEqual({ total: 0, requests: [] });
    const lugoPending = (
      await app.inject({
        url: '/api/access-requests?state=pending&comune=E730,A547&limit=200',
        headers: manager.headers,
      })
    ).json();
    expect(lugoPending.requests.map((r: { id: string }) => r.id)).toContain(mine.id);
    expect(lugoPending.requests.every((r: { comune: string }) => r.comune === 'E730')).toBe(true);

    expect((await post(`/api/access-requests/${mine.id}/withdraw`, other.headers)).statusCode).toBe(404);
    expect((await post(`/api/access-requests/${mine.id}/withdraw`, lugo.headers)).statusCode).toBe(403);
    const withdrawn = await post(`/api/access-requests/${mine.id}/withdraw`, prof.headers);
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json().state).toBe('withdrawn');
    expect((await post(`/api/access-requests/${mine.id}/withdraw`, prof.headers)).statusCode).toBe(409);
    const audit = await world.services.auth.listAudit({ action: 'access.withdraw', targetId: mine.id });
    expect(audit.entries).toHaveLength(1);
  });
});
