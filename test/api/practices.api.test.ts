import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { practiceRoutes } from '../../src/api/routes/practices.routes.ts';
import { linkDocumentToPractice } from '../../src/classify/practice-linker.ts';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { bearerUser } from '../helpers/auth.ts';

let world: World;
let app: FastifyInstance;
let seq = 0;
/** Authorization headers of two records managers (practices read and write). */
let USER: Record<string, string>;
let LBIANCHI: Record<string, string>;

beforeAll(async () => {
  world = await createWorld({}, { workers: false });
  USER = (await bearerUser(world.services, 'records_manager', { username: 'mrossi' })).headers;
  LBIANCHI = (await bearerUser(world.services, 'records_manager', { username: 'lbianchi' })).headers;
  app = await buildServer(world.services);
  // server.ts registers these routes once the coordinator wires them; until then the test adds them itself.
  if (!app.hasRoute({ method: 'GET', url: '/api/practices' }))
    await app.register(practiceRoutes(world.services), { prefix: '/api' });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await world.close();
});

/** A classified document of practice `n`/1990 (or only on parcel F. 1 m. `n` when `letter`), linked as the classify step does. */
async function classified(batchId: string, n: number, letter = false): Promise<{ id: string; practiceId: string }> {
  const db = world.services.db;
  const id = `e${(++seq).toString(16).padStart(63, '0')}`;
  await db.createDocument({
    id,
    sha256: id,
    batchId,
    filename: `pratica-${n}-${seq}.tif`,
    mediaType: 'image/tiff',
    size: 10,
  });
  const metadata: Partial<DocumentMetadata> = {
    documentType: letter ? 'corrispondenza' : 'domanda',
    documentTypeLabel: letter ? 'Corrispondenza' : 'Domanda / istanza',
    confidence: 0.8,
    cadastral: { foglio: 1, mappale: n },
    ...(letter ? {} : { practice: { prefix: 'PE', number: n, year: 1990, key: `PE ${n}/1990` } }),
  };
  await db.updateDocument(id, { classification: metadata, title: `${metadata.documentTypeLabel} — PE ${n}/1990` });
  const { practiceId } = await linkDocumentToPractice(db, id, metadata as DocumentMetadata);
  return { id, practiceId: practiceId! };
}

describe('practices API', () => {
  it('lists practices, opens one and tells a document its practice', async () => {
    const batch = await world.services.db.createBatch({ label: 'api', source: 'test' });
    const domanda = await classified(batch.id, 501);
    const lettera = await classified(batch.id, 501, true);
    expect(lettera.practiceId).toBe(domanda.practiceId);

    const list = await app.inject({ url: '/api/practices?q=p.e.%20501/90', headers: USER });
    expect(list.statusCode).toBe(200);
    expect(list.json().practices).toEqual([
      expect.objectContaining({ id: domanda.practiceId, key: 'PE 501/1990', documents: 2 }),
    ]);

    const detail = await app.inject({ url: `/api/practices/${domanda.practiceId}`, headers: USER });
    expect(detail.json().members).toEqual([
      expect.objectContaining({
        documentId: domanda.id,
        confidence: 0.94,
        document: expect.objectContaining({ documentType: 'domanda', title: 'Domanda / istanza — PE 501/1990' }),
      }),
      expect.objectContaining({
        documentId: lettera.id,
        confidence: 0.75,
        reason: 'stessa particella F. 1 m. 501',
        document: expect.objectContaining({ filename: expect.stringMatching(/^pratica-501-/) }),
      }),
    ]);

    const ofDocument = await app.inject({ url: `/api/documents/${lettera.id}/practice`, headers: USER });
    expect(ofDocument.json()).toMatchObject({
      practice: { id: domanda.practiceId },
      member: { confidence: 0.75, locked: false },
    });

    const missing = await app.inject({ url: '/api/practices/nessuno', headers: USER });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Fascicolo non trovato' } });
  });

  it('merges and splits practices for the logged-in user, and refuses without one', async () => {
    const batch = await world.services.db.createBatch({ label: 'api', source: 'test' });
    const a = await classified(batch.id, 601);
    const b = await classified(batch.id, 602);
    const b2 = await classified(batch.id, 602);

    const anonymous = await app.inject({
      method: 'POST',
      url: `/api/practices/${a.practiceId}/merge`,
      payload: { from: [b.practiceId] },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'Accesso richiesto' },
    });
    expect(await world.services.db.getPractice(b.practiceId)).not.toBeNull();

    const itself = await app.inject({
      method: 'POST',
      url: `/api/practices/${a.practiceId}/merge`,
      headers: USER,
      payload: { from: [a.practiceId] },
    });
    expect(itself.statusCode).toBe(400);
    expect(itself.json().error.message).toBe('Non si può unire un fascicolo con se stesso');

    const merged = await app.inject({
      method: 'POST',
      url: `/api/practices/${a.practiceId}/merge`,
      headers: USER,
      payload: { from: [b.practiceId], note: 'stessa pratica' },
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ moved: 2, practice: { practice: { id: a.practiceId, documents: 3 } } });
    const history = await app.inject({ url: `/api/documents/${b.id}`, headers: USER });
    expect(history.json().events.at(-1)).toMatchObject({
      type: 'practice.merged',
      actor: 'mrossi',
      detail: { note: 'stessa pratica' },
    });

    const splitAnonymous = await app.inject({
      method: 'POST',
      url: `/api/practices/${a.practiceId}/split`,
      payload: { documentIds: [b.id] },
    });
    expect(splitAnonymous.statusCode).toBe(401);

    const all = await app.inject({
      method: 'POST',
      url: `/api/practices/${a.practiceId}/split`,
      headers: USER,
      payload: { documentIds: [a.id, b.id, b2.id] },
    });
    expect(all.statusCode).toBe(400);

    const split = await app.inject({
      method: 'POST',
      url: `/api/practices/${a.practiceId}/split`,
      headers: LBIANCHI,
      payload: { documentIds: [b.id, b2.id], key: 'PE 602/1990', note: 'erano due' },
    });
    expect(split.statusCode).toBe(201);
    const splitBody = split.json();
    expect(splitBody).toMatchObject({
      moved: 2,
      practice: { practice: { key: 'PE 602/1990', documents: 2 } },
      from: { practice: { documents: 1 } },
    });
    expect(
      splitBody.practice.members.every(
        (m: { locked: boolean; linkedBy: string }) => m.locked && m.linkedBy === 'lbianchi',
      ),
    ).toBe(true);

    const dup = await app.inject({
      method: 'PATCH',
      url: `/api/practices/${a.practiceId}`,
      headers: USER,
      payload: { key: 'PE 602/1990' },
    });
    expect(dup.statusCode).toBe(409);
    const renamedAnonymous = await app.inject({
      method: 'PATCH',
      url: `/api/practices/${a.practiceId}`,
      payload: { label: 'Casa Rossi' },
    });
    expect(renamedAnonymous.statusCode).toBe(401);
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/practices/${a.practiceId}`,
      headers: USER,
      payload: { label: 'Casa Rossi' },
    });
    expect(renamed.json()).toMatchObject({ practice: { id: a.practiceId, key: 'PE 601/1990', label: 'Casa Rossi' } });
  });

  it('moves one document into another practice, locked', async () => {
    const batch = await world.services.db.createBatch({ label: 'api', source: 'test' });
    const a = await classified(batch.id, 701);
    const b = await classified(batch.id, 702);
    const anonymous = await app.inject({
      method: 'POST',
      url: `/api/documents/${b.id}/practice`,
      payload: { practiceId: a.practiceId },
    });
    expect(anonymous.statusCode).toBe(401);
    const moved = await app.inject({
      method: 'POST',
      url: `/api/documents/${b.id}/practice`,
      headers: USER,
      payload: { practiceId: a.practiceId, note: 'numero errato' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      practice: { id: a.practiceId },
      member: { locked: true, confidence: 1, linkedBy: 'mrossi' },
    });
    expect(await world.services.db.getPractice(b.practiceId)).toBeNull();
    const unknown = await app.inject({
      method: 'POST',
      url: `/api/documents/${b.id}/practice`,
      headers: USER,
      payload: { practiceId: 'nessuno' },
    });
    expect(unknown.statusCode).toBe(404);
  });
});
