// Digitisation routes over real HTTP: the scan work list and planning for archivists of a Comune, progress (JSON and
// CSV) for staff, each seeing the Comuni they act on; professionals see none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let lugo: BearerCaller; // archivist of Lugo
let bagnacavallo: BearerCaller; // archivist of Bagnacavallo
let manager: BearerCaller; // records manager of Lugo: progress only
let professional: BearerCaller;
const ids: Record<string, string> = {};

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
    },
    { workers: false },
  );
  const { paper } = world.services;
  await paper.upsertInventory([
    {
      comune: 'E730',
      practiceKey: 'PE 10/1975',
      procedureType: 'PE',
      number: 10,
      year: 1975,
      location: { building: 'Municipio', room: '2', shelf: 'B', box: '14' },
    },
    { comune: 'E730', practiceKey: 'PE 11/1976', procedureType: 'PE', number: 11, year: 1976, location: {} },
    { comune: 'A547', practiceKey: 'CE 20/1981', procedureType: 'CE', number: 20, year: 1981, location: { box: '3' } },
  ]);
  for (const r of (await paper.searchInventory({})).records) ids[r.practiceKey] = r.id;
  await paper.setInventoryState('E730', 'PE 11/1976', 'archived', { pages: 12 });
  api = await startApi(world.services);
  lugo = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  bagnacavallo = await bearerUser(world.services, 'archivist', { comune: 'A547' });
  manager = await bearerUser(world.services, 'records_manager', { comune: 'E730' });
  professional = await bearerUser(world.services, 'professional');
  const res = await fetch(`${api.url}/api/access-requests`, {
    method: 'POST',
    headers: { ...professional.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      comune: 'E730',
      practiceKey: 'P.E. 10/75',
      requesterRole: 'owner',
      reason: 'Verifica della conformità per una compravendita',
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

const get = (path: string, caller: { headers: Record<string, string> }) =>
  fetch(`${api.url}${path}`, { headers: caller.headers });
const post = (path: string, caller: { headers: Record<string, string> }) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers: caller.headers });

describe('GET /api/digitisation/worklist', () => {
  it('shows an archivist the requested practices of their Comune, with priority, reasons and box location', async () => {
    const res = await get('/api/digitisation/worklist', lugo);
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      record: { practiceKey: 'PE 10/1975', comune: 'E730', comuneName: 'Lugo', state: 'requested' },
      waitingRequests: 1,
      areaRequests: 0,
      priority: 10,
      reasons: ['1 richiesta in attesa'],
      location: 'Edificio Municipio, stanza 2, scaffale B, faldone 14',
    });
  });

  it('keeps another Comune’s archivist to their own list, and refuses them a Comune they do not act on', async () => {
    expect((await (await get('/api/digitisation/worklist', bagnacavallo)).json()).items).toEqual([]);
    const other = await get('/api/digitisation/worklist?comune=E730', bagnacavallo);
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe('COMUNE_NOT_IN_SCOPE');
  });

  it('lets union-level staff filter by Comune and rejects an unknown Comune', async () => {
    expect((await (await get('/api/digitisation/worklist', api)).json()).items).toHaveLength(1);
    expect((await (await get('/api/digitisation/worklist?comune=a547', api)).json()).items).toEqual([]);
    expect((await get('/api/digitisation/worklist?comune=Z999', api)).status).toBe(400);
  });

  it('is staff work: professionals and records managers are refused', async () => {
    expect((await get('/api/digitisation/worklist', professional)).status).toBe(403);
    expect((await get('/api/digitisation/worklist', manager)).status).toBe(403);
  });
});

describe('POST /api/digitisation/:inventoryId/request', () => {
  it('plans a paper-only practice for scanning, audited under its Comune', async () => {
    const res = await post(`/api/digitisation/${ids['CE 20/1981']}/request`, bagnacavallo);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      practiceKey: 'CE 20/1981',
      state: 'requested',
      comuneName: 'Bagnacavallo',
    });
    const { items } = await (await get('/api/digitisation/worklist', bagnacavallo)).json();
    expect(items.map((i: { record: { practiceKey: string } }) => i.record.practiceKey)).toEqual(['CE 20/1981']);
    const { entries } = await world.services.auth.listAudit({ action: 'digitisation.plan' });
    expect(entries[0]).toMatchObject({
      actor: bagnacavallo.user.id,
      targetType: 'inventory',
      targetId: ids['CE 20/1981'],
      comune: 'A547',
      detail: { practiceKey: 'CE 20/1981' },
    });
  });

  it('refuses another Comune’s practice, a digitised one, an unknown one and a malformed id', async () => {
    expect((await post(`/api/digitisation/${ids['PE 10/1975']}/request`, bagnacavallo)).status).toBe(403);
    const done = await post(`/api/digitisation/${ids['PE 11/1976']}/request`, lugo);
    expect(done.status).toBe(409);
    expect((await done.json()).error.message).toBe('La pratica è già archiviata');
    const unknown = await post('/api/digitisation/7d3f1f0e-0000-4000-8000-000000000000/request', lugo);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe('Pratica non trovata');
    expect((await post('/api/digitisation/not-an-id/request', lugo)).status).toBe(400);
    expect((await post(`/api/digitisation/${ids['PE 10/1975']}/request`, professional)).status).toBe(403);
  });
});

describe('GET /api/digitisation/progress', () => {
  it('gives union-level staff every Comune and the total', async () => {
    const res = await get('/api/digitisation/progress?days=10', api);
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p.windowDays).toBe(10);
    expect(p.daily).toHaveLength(10);
    expect(p.comuni.map((r: { comune: string }) => r.comune)).toEqual(['E730', 'A547']);
    expect(p.comuni[0]).toMatchObject({ practices: 2, digitised: 1, pagesDigitised: 12, backlog: 1 });
    expect(p.overall).toMatchObject({ comuneName: 'Totale', practices: 3, digitised: 1, backlog: 2 });
    expect(p.overall.pagesPerDay).toBeCloseTo(1.2);
    expect(p.overall.forecastDays).toBe(20);
  });

  it('gives a records manager of Lugo only Lugo, and refuses professionals', async () => {
    const p = await (await get('/api/digitisation/progress', manager)).json();
    expect(p.comuni.map((r: { comune: string }) => r.comune)).toEqual(['E730']);
    expect(p.overall.practices).toBe(2);
    expect((await get('/api/digitisation/progress?comune=A547', manager)).status).toBe(403);
    expect((await get('/api/digitisation/progress', professional)).status).toBe(403);
  });

  it('serves the same numbers as a semicolon CSV to download', async () => {
    const res = await get('/api/digitisation/progress.csv?days=10', api);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="avanzamento-digitalizzazione-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]!.split(';')[0]).toBe('Codice');
    expect(lines.slice(1).map((l) => l.split(';').slice(0, 3).join(';'))).toEqual([
      'E730;Lugo;2',
      'A547;Bagnacavallo;1',
      ';Totale;3',
    ]);
    expect((await get('/api/digitisation/progress.csv', professional)).status).toBe(403);
  });
});
