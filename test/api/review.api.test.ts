// The routing review over real HTTP: the queue, accept / correct / bulk accept by the logged-in records manager,
// Italian errors, concurrent decisions, and the protocol register that no request can change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { registerFromMetadata } from '../../src/classify/protocol-register.ts';
import { recordSuggestion } from '../../src/classify/review.service.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { bearerUser } from '../helpers/auth.ts';

let world: World;
let app: FastifyInstance;
let url: string;
let batchId: string;
/** Authorization headers of two records managers, by username. */
const callers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  world = await createWorld({}, { workers: false });
  app = await buildServer(world.services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
  batchId = (await world.services.db.createBatch({ label: 'revisione', source: 'test' })).id;
  for (const username of ['mrossi', 'lbianchi']) {
    callers[username] = (await bearerUser(world.services, 'records_manager', { username })).headers;
  }
});
afterAll(async () => {
  await app?.close();
  await world?.close();
});

let next = 0;
/** A new classified document (classification JSON, protocol register, suggestion); returns its id. */
async function classified(confidence: number, protocol?: { number: number; date: string }): Promise<string> {
  const id = (++next).toString(16).padStart(64, '0');
  const { db } = world.services;
  const ref = world.services.reference();
  const m: DocumentMetadata = {
    documentType: 'lettera',
    documentTypeLabel: 'Lettera',
    confidence: 0.8,
    dates: [],
    protocol,
    titolarioClass: 'VI.3',
    office: 'edilizia-privata',
    personalData: false,
    reasons: [],
    classifier: 'rules@test',
    routing: {
      mode: confidence >= 0.9 ? 'auto' : 'review',
      confidence,
      threshold: 0.9,
      decidedBy: 'rules',
      reasons: [`c=${confidence}`],
    },
  };
  await db.createDocument({ id, sha256: id, batchId, filename: `${next}.tif`, mediaType: 'image/tiff', size: 1 });
  await db.updateDocument(id, { classification: m, title: `Lettera ${next}` });
  await registerFromMetadata(db, id, m);
  await recordSuggestion(db, id, m, ref);
  return id;
}

async function call(method: string, path: string, body?: unknown, user: string | null = 'mrossi') {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (user) Object.assign(headers, callers[user] ?? { authorization: `Bearer ${user}` });
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('routing review API', () => {
  it('lists the pending queue least confident first, with confidence and reasons', async () => {
    const high = await classified(0.6);
    const low = await classified(0.1);
    const auto = await classified(0.95);
    const res = await call('GET', '/review?state=pending&office=edilizia-privata&class=VI.3');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((i: { documentId: string }) => i.documentId);
    expect(ids.indexOf(low)).toBeLessThan(ids.indexOf(high));
    expect(ids).not.toContain(auto);
    expect(res.body.items[ids.indexOf(low)]).toMatchObject({ confidence: 0.1, reasons: ['c=0.1'], state: 'pending' });
    expect(res.body.total).toBeGreaterThanOrEqual(2);
    expect(
      (await call('GET', '/review?state=auto')).body.items.map((i: { documentId: string }) => i.documentId),
    ).toContain(auto);
    expect((await call('GET', '/review?state=rubbish')).status).toBe(400);
  });

  it('needs a logged-in user on every decision', async () => {
    const id = await classified(0.5);
    const missing = await call('POST', `/review/${id}/accept`, {}, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'Accesso richiesto' });
    expect((await call('POST', `/review/${id}/accept`, {}, 'fld_token-che-non-esiste-affatto')).status).toBe(401);
    expect((await call('GET', `/review/${id}`)).body.review.state).toBe('pending');
  });

  it('accepts a suggestion and shows the decision in the history', async () => {
    const id = await classified(0.5);
    const res = await call('POST', `/review/${id}/accept`, { note: 'corretto così' });
    expect(res.status).toBe(200);
    expect(res.body.review).toMatchObject({ state: 'accepted', reviewer: 'mrossi', reviewNote: 'corretto così' });
    const history = await call('GET', `/review/${id}/history`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['routing.accepted']);
    expect(history.body.events[0]).toMatchObject({ actor: 'mrossi', detail: { note: 'corretto così' } });
  });

  it('lets one of two concurrent accepts win and answers 409 to the other', async () => {
    const id = await classified(0.5);
    const [a, b] = await Promise.all([
      call('POST', `/review/${id}/accept`, {}, 'mrossi'),
      call('POST', `/review/${id}/accept`, {}, 'lbianchi'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.error.code).toBe('NOT_DECIDABLE');
  });

  it('corrects class and office with a reason, and refuses corrections without one or with unknown codes', async () => {
    const id = await classified(0.4, { number: 777, date: '2023-05-04' });
    const noNote = await call('POST', `/review/${id}/correct`, { office: 'tributi' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.message).toMatch(/obbligatorio indicare il motivo/);
    const unknown = await call('POST', `/review/${id}/correct`, { titolarioClass: 'XXX.99', note: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('Classe del titolario sconosciuta: "XXX.99"');
    const ok = await call('POST', `/review/${id}/correct`, {
      titolarioClass: 'IV.3',
      office: 'tributi',
      note: 'avviso IMU',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      review: { state: 'corrected', current: { titolarioClass: 'IV.3', office: 'tributi' } },
      warnings: [],
    });
    const detail = await call('GET', `/review/${id}`);
    expect(detail.body.protocol).toMatchObject({ number: 777, year: 2023, date: '2023-05-04' });
    expect(detail.body.document).toMatchObject({ id, filename: expect.stringMatching(/\.tif$/) });
  });

  it('refuses with 409 a payload that tries to change the protocol, and leaves the register as it was', async () => {
    const id = await classified(0.4, { number: 778, date: '2023-05-04' });
    const res = await call('POST', `/review/${id}/correct`, { office: 'tributi', protocolNumber: 779, note: 'x' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'PROTOCOL_IMMUTABLE',
      message: 'Il numero e la data di protocollo non si possono modificare',
    });
    const detail = await call('GET', `/review/${id}`);
    expect(detail.body.protocol).toMatchObject({ number: 778, date: '2023-05-04' });
    expect(detail.body.review.state).toBe('pending');
  });

  it('bulk-accepts a mixed list and reports each document', async () => {
    const waiting = await classified(0.3);
    const decided = await classified(0.3);
    await call('POST', `/review/${decided}/accept`, {});
    const unknown = 'f'.repeat(64);
    const res = await call('POST', '/review/accept', { documentIds: [waiting, decided, unknown] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      results: [
        { documentId: waiting, result: 'accepted' },
        { documentId: decided, result: 'not-pending' },
        { documentId: unknown, result: 'not-found' },
      ],
      accepted: 1,
      notPending: 1,
      notFound: 1,
    });
    const tooMany = Array.from({ length: 501 }, (_, i) => i.toString(16).padStart(64, 'e'));
    expect((await call('POST', '/review/accept', { documentIds: tooMany })).status).toBe(400);
  });

  it('answers 404 for an unknown document and 409 when the review is already decided', async () => {
    const unknown = 'f'.repeat(64);
    expect((await call('GET', `/review/${unknown}`)).status).toBe(404);
    expect((await call('GET', `/review/${unknown}/history`)).status).toBe(404);
    expect((await call('POST', `/review/${unknown}/accept`, {})).status).toBe(404);
    const id = await classified(0.5);
    await call('POST', `/review/${id}/accept`, {});
    const again = await call('POST', `/review/${id}/accept`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/già accettata/);
  });
});
