// The scan work list's priority: the formula and its reasons (pure), and the work list over the real SQLite paper
// store, where a practice that gets new requests moves up above the others.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryRecord, ScanCandidate } from '../../src/paper/paper-store.ts';
import { DigitisationService, locationLabel } from '../../src/paper/digitisation.service.ts';
import { byPriority, priority } from '../../src/paper/worklist-priority.ts';
import { accessWorld, actor, UNION, type AccessWorld } from './access-world.ts';
import { record } from './paper-store.contract.ts';

const NOW = new Date('2024-05-31T12:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

function candidate(over: Partial<ScanCandidate> & { key?: string; stateAt?: string } = {}): ScanCandidate {
  const rec = {
    id: 'x',
    comune: 'E730',
    practiceKey: over.key ?? 'PE 1/1980',
    procedureType: 'PE',
    number: 1,
    year: 1980,
    location: {},
    state: 'requested',
    stateAt: over.stateAt ?? daysAgo(0),
    pages: 0,
    createdAt: daysAgo(400),
    updatedAt: daysAgo(0),
  } satisfies InventoryRecord;
  return { record: rec, waitingRequests: 0, oldestRequestAt: rec.stateAt, areaRequests: 0, ...over };
}

describe('work-list priority (pure)', () => {
  it('weighs waiting requests, the age of the oldest and the demand in the area, and says why', () => {
    const p = priority(candidate({ waitingRequests: 3, oldestRequestAt: daysAgo(12), areaRequests: 5 }), NOW);
    expect(p.priority).toBe(10 * 3 + 0.5 * 12 + 2 * 5);
    expect(p.ageDays).toBe(12);
    expect(p.reasons).toEqual(['3 richieste in attesa', 'in attesa da 12 giorni', '5 richieste nella stessa zona']);
  });

  it('counts the age up to 60 days and says so', () => {
    const old = priority(candidate({ waitingRequests: 1, oldestRequestAt: daysAgo(200) }), NOW);
    expect(old.priority).toBe(10 + 30);
    expect(old.ageDays).toBe(200);
    expect(old.reasons).toEqual(['1 richiesta in attesa', 'in attesa da 200 giorni (contano al massimo 60)']);
  });

  it('ranks a practice planned by the archive below any practice somebody waits for', () => {
    const planned = priority(candidate({ stateAt: daysAgo(30), oldestRequestAt: daysAgo(30) }), NOW);
    const asked = priority(candidate({ waitingRequests: 1, oldestRequestAt: daysAgo(0) }), NOW);
    expect(planned.reasons[0]).toMatch(/pianificata dall'archivio/);
    expect(planned.reasons[1]).toBe('pianificata da 30 giorni');
    expect(planned.priority).toBe(15);
    expect(asked.priority).toBeLessThan(planned.priority); // age alone can outweigh one fresh request…
    const two = priority(candidate({ waitingRequests: 2, oldestRequestAt: daysAgo(0) }), NOW);
    expect(two.priority).toBeGreaterThan(planned.priority); // …but not two
  });

  it('orders by priority, then the oldest request first', () => {
    const items = [
      { ...candidate({ key: 'PE 3/1980' }), priority: 10, oldestRequestAt: daysAgo(1) },
      { ...candidate({ key: 'PE 2/1980' }), priority: 10, oldestRequestAt: daysAgo(5) },
      { ...candidate({ key: 'PE 1/1980' }), priority: 20, oldestRequestAt: daysAgo(0) },
    ];
    expect(items.sort(byPriority).map((i) => i.record.practiceKey)).toEqual(['PE 1/1980', 'PE 2/1980', 'PE 3/1980']);
  });
});

describe('the scan work list on the SQLite paper store', () => {
  let w: AccessWorld;
  let service: DigitisationService;
  const staff = actor('archivist', '*', 'Archivista');
  const professionals = Array.from({ length: 5 }, (_, i) => actor('professional', [], `Geometra ${i + 1}`));
  const ask = (i: number, comune: string, practiceKey: string) =>
    w.service.request({
      user: professionals[i]!,
      comune,
      practiceKey,
      requesterRole: 'delegated_technician',
      reason: 'Verifica di conformità per compravendita',
    });

  beforeEach(async () => {
    w = await accessWorld();
    service = new DigitisationService({ paper: w.paper, union: UNION });
    await w.paper.upsertInventory([
      record('E730', 'PE', 10, 1975, {
        foglio: 12,
        mappale: 345,
        location: { building: 'Municipio', room: '2', shelf: 'B', box: '14' },
      }),
      record('E730', 'PE', 11, 1976, { address: 'Via Garibaldi 3' }),
      record('E730', 'LE', 12, 1962, { foglio: 12, mappale: 345 }),
      record('E730', 'PE', 13, 1977),
      record('A547', 'CE', 20, 1981),
    ]);
  });
  afterEach(async () => {
    await w.close();
  });

  it('lists only practices waiting for scanning, the most awaited first, with where the box is', async () => {
    await ask(0, 'E730', 'PE 10/1975');
    await ask(1, 'E730', 'PE 10/1975');
    await ask(2, 'E730', 'PE 11/1976');
    const { items } = await service.worklist({ now: NOW });
    expect(items.map((i) => i.record.practiceKey)).toEqual(['PE 10/1975', 'PE 11/1976']); // PE 13, LE 12: paper only
    const [first] = items;
    expect(first).toMatchObject({
      waitingRequests: 2,
      areaRequests: 0,
      location: 'Edificio Municipio, stanza 2, scaffale B, faldone 14',
      record: { comune: 'E730', comuneName: 'Lugo', state: 'requested', stateLabel: 'Digitalizzazione richiesta' },
    });
    expect(first!.reasons[0]).toBe('2 richieste in attesa');
    expect(first!.priority).toBeGreaterThan(items[1]!.priority);
  });

  it('moves a practice up the list when more people ask for it', async () => {
    await ask(0, 'E730', 'PE 10/1975');
    await ask(1, 'E730', 'PE 10/1975');
    await ask(2, 'E730', 'PE 11/1976');
    const before = (await service.worklist({ now: NOW })).items.map((i) => i.record.practiceKey);
    expect(before).toEqual(['PE 10/1975', 'PE 11/1976']);

    await ask(3, 'E730', 'PE 11/1976');
    await ask(4, 'E730', 'PE 11/1976');
    const after = await service.worklist({ now: NOW });
    expect(after.items.map((i) => i.record.practiceKey)).toEqual(['PE 11/1976', 'PE 10/1975']);
    expect(after.items[0]).toMatchObject({ waitingRequests: 3 });
    expect(after.items[0]!.reasons[0]).toBe('3 richieste in attesa');
  });

  it('raises a planned practice when its parcel is asked about, and plans only paper-only practices', async () => {
    await ask(0, 'E730', 'PE 10/1975'); // foglio 12 mappale 345, like LE 12/1962
    const paperOnly = (await w.paper.getInventoryByKey('E730', 'PE 13/1977'))!;
    const sameParcel = (await w.paper.getInventoryByKey('E730', 'LE 12/1962'))!;
    expect((await service.plan(paperOnly.id, staff.scope, NOW)).state).toBe('requested');
    expect(await service.plan(sameParcel.id, staff.scope, NOW)).toMatchObject({
      state: 'requested',
      comuneName: 'Lugo',
    });
    // Planning twice changes nothing.
    expect((await service.plan(sameParcel.id, staff.scope, NOW)).state).toBe('requested');

    const { items } = await service.worklist({ now: NOW });
    const le = items.find((i) => i.record.practiceKey === 'LE 12/1962')!;
    const pe = items.find((i) => i.record.practiceKey === 'PE 13/1977')!;
    expect(le).toMatchObject({ waitingRequests: 0, areaRequests: 1 });
    expect(le.reasons).toContain('1 richiesta nella stessa zona');
    expect(le.priority).toBeGreaterThan(pe.priority);
    expect(items.map((i) => i.record.practiceKey)).toEqual(['PE 10/1975', 'LE 12/1962', 'PE 13/1977']);

    await w.paper.setInventoryState('E730', 'PE 13/1977', 'archived', { pages: 4 });
    await expect(service.plan(paperOnly.id, staff.scope)).rejects.toMatchObject({
      statusCode: 409,
      message: 'La pratica è già archiviata',
    });
  });

  it('keeps each Comune to its own staff', async () => {
    await ask(0, 'E730', 'PE 10/1975');
    await ask(1, 'A547', 'CE 20/1981');
    expect((await service.worklist({ comuni: ['A547'], now: NOW })).items.map((i) => i.record.practiceKey)).toEqual([
      'CE 20/1981',
    ]);
    const lugoOnly = actor('archivist', ['E730']);
    const bagnacavallo = (await w.paper.getInventoryByKey('A547', 'CE 20/1981'))!;
    await expect(service.plan(bagnacavallo.id, lugoOnly.scope)).rejects.toMatchObject({ statusCode: 403 });
    await expect(service.plan('7d3f1f0e-0000-4000-8000-000000000000', staff.scope)).rejects.toMatchObject({
      statusCode: 404,
      message: 'Pratica non trovata',
    });
  });

  it('names an unknown location as empty and a partial one by its parts', () => {
    expect(locationLabel({})).toBe('');
    expect(locationLabel({ shelf: ' C ', box: '7' })).toBe('Scaffale C, faldone 7');
  });
});
