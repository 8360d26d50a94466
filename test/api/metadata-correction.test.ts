// Correcting an archived document's metadata over real HTTP, on a document the real pipeline archived (born-digital
// PDF, real Redis queues, SQLite, filesystem store, embedded search index): the override, its history and event,
// search seeing the new values at once, the practice link following the new number, and the refusals in Italian.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { bearerUser } from '../helpers/auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { bornDigitalPdf } from '../helpers/born-digital-pdf.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';

let world: World;
let app: FastifyInstance;
let auth: { authorization: string };
let url: string;
let documentId: string;
let machine: DocumentMetadata;

const LINES = [
  'Comune di Castelfranco Emilia - Settore Edilizia Privata',
  'Oggetto: permesso di costruire n. 45/2024, via Garibaldi 14.',
  'Il responsabile del procedimento, verificata la conformità',
  "dell'intervento al piano regolatore, rilascia il titolo richiesto.",
  'Distinti saluti. Castelfranco Emilia, lì 4 ottobre 2024.',
];

beforeAll(async () => {
  world = await createWorld({}, { workers: true });
  const { db, ingest } = world.services;
  const batch = await db.createBatch({ label: 'correzioni', source: 'test' });
  const item = await ingest.ingest(
    batch.id,
    'permesso.pdf',
    Readable.from([Buffer.from(await bornDigitalPdf([{ lines: LINES }]))]),
  );
  await waitForBatch(db, batch.id, { timeoutMs: 120_000 });
  documentId = item.documentId!;
  const doc = await db.getDocument(documentId);
  expect(doc?.status, doc?.error).toBe('archived');
  machine = doc!.classification as DocumentMetadata;

  app = await buildServer(world.services);
  auth = (await bearerUser(world.services, 'archivist', { username: 'archivista' })).headers;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
}, 150_000);
afterAll(async () => {
  await app?.close();
  await world?.close();
});

async function patch(id: string, body: unknown) {
  const res = await fetch(`${url}/api/documents/${id}/metadata`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function search(query: Record<string, string>) {
  const qs = new URLSearchParams({ understand: '0', ...query });
  const res = await fetch(`${url}/api/search?${qs}`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json()) as { total: number; hits: Array<{ documentId: string; title: string; practice?: string }> };
}

describe('metadata correction', () => {
  it('starts from what the machine read', async () => {
    expect(machine.practice?.key).toBe('PDC 45/2024');
    expect(machine.documentType).not.toBe('relazione_tecnica');
    expect(machine.titolarioClass).toBe('VI.3');
    expect((await search({ practice: 'PDC 45/2024' })).hits.map((h) => h.documentId)).toEqual([documentId]);
  });

  it('applies the correction, keeps the machine values in the history and the event, and search sees it at once', async () => {
    const res = await patch(documentId, {
      documentType: 'relazione_tecnica',
      titolarioClass: 'vi.6',
      practiceNumber: 'PE 77',
      practiceYear: 1999,
      address: 'Via Roma, 12/A',
      foglio: '12',
      mappale: 345,
      note: 'Numero di pratica letto male; tipo corretto dopo verifica del fascicolo cartaceo',
    });
    expect(res.status).toBe(200);
    expect(res.body.changed.sort()).toEqual([
      'address',
      'cadastral',
      'documentType',
      'practice',
      'title',
      'titolarioClass',
    ]);
    const c = res.body.document.classification;
    expect(c).toMatchObject({
      documentType: 'relazione_tecnica',
      documentTypeLabel: 'Relazione tecnica',
      titolarioClass: 'VI.6',
      titolarioLabel: 'Catasto',
      practice: { prefix: 'PE', number: 77, year: 1999, key: 'PE 77/1999' },
      address: { street: 'Via Roma', civic: '12/A' },
      cadastral: { foglio: 12, mappale: 345 },
    });
    expect(res.body.document.title).toBe('Relazione tecnica — PE 77/1999'); // the machine's title follows
    expect(c.corrections).toHaveLength(1);
    expect(c.corrections[0]).toMatchObject({
      by: 'archivista',
      note: expect.stringContaining('letto male'),
      changes: {
        documentType: { from: machine.documentType, to: 'relazione_tecnica' },
        practice: { from: machine.practice, to: { key: 'PE 77/1999' } },
      },
    });

    const { events } = await (await fetch(`${url}/api/documents/${documentId}`, { headers: auth })).json();
    const corrected = events.filter((e: { type: string }) => e.type === 'metadata.corrected');
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatchObject({
      actor: 'archivista',
      detail: {
        changes: { titolarioClass: { from: machine.titolarioClass, to: 'VI.6' } },
        practice: { practiceId: expect.any(String) },
      },
    });

    expect((await search({ practice: 'PDC 45/2024' })).total).toBe(0);
    const byPractice = await search({ practice: 'PE 77/1999' });
    expect(byPractice.hits).toEqual([expect.objectContaining({ documentId, title: 'Relazione tecnica — PE 77/1999' })]);
    expect((await search({ q: 'tecnica' })).hits.map((h) => h.documentId)).toEqual([documentId]);
    expect((await search({ documentType: 'relazione_tecnica', titolarioClass: 'VI.6' })).hits[0]?.documentId).toBe(
      documentId,
    );
    expect((await search({ address: 'via roma 12/a', foglio: '12', mappale: '345' })).total).toBeGreaterThan(0);
    expect((await search({ yearFrom: '1999', yearTo: '1999' })).total).toBeGreaterThan(0);

    // The practice link followed the new number.
    const member = await world.services.db.practiceMember(documentId);
    const practice = await world.services.db.getPractice(member!.practiceId);
    expect(practice?.key).toBe('PE 77/1999');
  });

  it('keeps a title a person typed, clears what is set to null, and records nothing for a repeated request', async () => {
    const typed = await patch(documentId, { title: 'Relazione sul sopralluogo', note: 'titolo più chiaro' });
    expect(typed.body.changed).toEqual(['title']);
    const cleared = await patch(documentId, {
      address: null,
      foglio: null,
      practiceYear: 2001,
      note: 'indirizzo errato',
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.document.title).toBe('Relazione sul sopralluogo');
    expect(cleared.body.document.classification.address).toBeUndefined();
    expect(cleared.body.document.classification.cadastral).toBeUndefined();
    expect(cleared.body.document.classification.practice.key).toBe('PE 77/2001');
    // The title is indexed (and boosted): the new one is found, the old one no longer.
    expect((await search({ q: 'sopralluogo' })).hits.map((h) => h.documentId)).toEqual([documentId]);
    expect((await search({ q: 'tecnica' })).total).toBe(0);
    expect((await search({ practice: 'PE 77/2001' })).hits[0]?.title).toBe('Relazione sul sopralluogo');

    const again = await patch(documentId, {
      address: null,
      foglio: null,
      practiceYear: 2001,
      note: 'indirizzo errato',
    });
    expect(again).toMatchObject({ status: 200, body: { changed: [] } });
    const doc = await world.services.db.getDocument(documentId);
    expect((doc!.classification as { corrections: unknown[] }).corrections).toHaveLength(3);
    const events = await world.services.db.listEvents({ documentId });
    expect(events.filter((e) => e.type === 'metadata.corrected')).toHaveLength(3);
  });

  it('refuses values the reference data does not know, with a message in Italian, and changes nothing', async () => {
    const before = await world.services.db.getDocument(documentId);
    const type = await patch(documentId, { documentType: 'verbale_di_gara', note: 'x' });
    expect(type).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', message: 'Tipo documento sconosciuto: "verbale_di_gara"' } },
    });
    const cls = await patch(documentId, { titolarioClass: 'XXI.4', note: 'x' });
    expect(cls.status).toBe(400);
    expect(cls.body.error.message).toBe('Classe del titolario sconosciuta: "XXI.4"');
    const address = await patch(documentId, { address: 'da qualche parte', note: 'x' });
    expect(address.body.error.message).toMatch(/^Indirizzo non valido/);
    const practice = await patch(documentId, { practiceNumber: 'boh', note: 'x' });
    expect(practice.body.error.message).toMatch(/^Numero di pratica non valido/);
    expect(await world.services.db.getDocument(documentId)).toEqual(before);
  });

  it('requires a note and a well-formed body (400), an archived document (409) and an existing one (404)', async () => {
    const noNote = await patch(documentId, { title: 'Senza motivo' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('nota è obbligatoria'),
    });
    expect((await patch(documentId, { title: 'x', note: ' '.repeat(3) })).status).toBe(400);
    expect((await patch(documentId, { title: 'x', note: 'n'.repeat(2001) })).status).toBe(400);
    expect((await patch(documentId, { colour: 'blu', note: 'x' })).status).toBe(400);
    expect((await patch(documentId, { foglio: 'dodici', note: 'x' })).body.error.message).toContain(
      'Foglio non valido',
    );

    const { db } = world.services;
    const pending = 'e'.repeat(64);
    const batch = await db.createBatch({ label: 'in corso', source: 'test' });
    await db.createDocument({
      id: pending,
      sha256: pending,
      batchId: batch.id,
      filename: 'in-corso.tif',
      mediaType: 'image/tiff',
      size: 1,
    });
    await db.updateDocument(pending, { status: 'ocr' });
    const notArchived = await patch(pending, { title: 'x', note: 'x' });
    expect(notArchived).toEqual({
      status: 409,
      body: {
        error: {
          code: 'NOT_ARCHIVED',
          message: 'Si possono correggere solo documenti archiviati (stato attuale: OCR)',
        },
      },
    });
    const missing = await patch('0'.repeat(64), { title: 'x', note: 'x' });
    expect(missing).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'Documento non trovato' } } });
  });
});
