// The behaviour every PaperStore adapter must have; each adapter's test file calls paperStoreContract with a factory
// that opens a fresh store (its own file or schema).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressKeyOf, parcelKeyOf } from '../../src/classify/practice-keys.ts';
import type { NewAccessRequest, NewInventoryRecord, PaperStore } from '../../src/paper/paper-store.ts';

export interface PaperHarness {
  store: PaperStore;
  cleanup: () => Promise<void>;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function record(
  comune: string,
  type: string,
  number: number,
  year: number,
  extra: Partial<NewInventoryRecord> & { foglio?: number; mappale?: number } = {},
): NewInventoryRecord {
  const parcelKey =
    extra.foglio !== undefined && extra.mappale !== undefined
      ? parcelKeyOf({ foglio: extra.foglio, mappale: extra.mappale })
      : undefined;
  const addressKey = extra.address ? addressKeyOf(extra.address) : undefined;
  return {
    comune,
    practiceKey: `${type} ${number}/${year}`,
    procedureType: type,
    number,
    year,
    location: {},
    ...(parcelKey ? { parcelKey } : {}),
    ...(addressKey ? { addressKey } : {}),
    ...extra,
  };
}

const request = (comune: string, practiceKey: string, over: Partial<NewAccessRequest> = {}): NewAccessRequest => ({
  comune,
  practiceKey,
  requesterId: 'u-prof',
  requesterName: 'Paola Tecnica',
  requesterEmail: 'paola@example.it',
  requesterRole: 'delegated_technician',
  reason: 'Verifica conformità urbanistica',
  awaitingScan: true,
  ...over,
});

export function paperStoreContract(name: string, open: () => Promise<PaperHarness>): void {
  describe(`PaperStore contract: ${name}`, () => {
    let h: PaperHarness;
    let store: PaperStore;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('inserts and then updates by (comune, practice key), keeping id, state and pages', async () => {
      const first = await store.upsertInventory([
        record('E730', 'PE', 123, 1987, {
          applicant: 'Mario Rossi',
          address: 'Via Roma 12',
          foglio: 12,
          mappale: 345,
          location: { building: 'Municipio', room: 'Archivio 1', shelf: 'S3', box: 'B12' },
          importId: 'imp-1',
          sourceRow: 4,
          expectedPages: 40,
        }),
        record('A547', 'PE', 123, 1987),
      ]);
      expect(first).toEqual({ inserted: 2, updated: 0 });
      const r = (await store.getInventoryByKey('E730', 'PE 123/1987'))!;
      expect(r).toEqual({
        id: expect.stringMatching(UUID),
        comune: 'E730',
        practiceKey: 'PE 123/1987',
        procedureType: 'PE',
        number: 123,
        year: 1987,
        applicant: 'Mario Rossi',
        address: 'Via Roma 12',
        addressKey: 'via roma 12',
        foglio: 12,
        mappale: 345,
        parcelKey: '12/345',
        location: { building: 'Municipio', room: 'Archivio 1', shelf: 'S3', box: 'B12' },
        state: 'paper',
        stateAt: expect.stringMatching(ISO),
        pages: 0,
        expectedPages: 40,
        importId: 'imp-1',
        sourceRow: 4,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(await store.getInventory(r.id)).toEqual(r);
      expect(await store.getInventory('00000000-0000-0000-0000-000000000000')).toBeNull();

      await store.setInventoryState('E730', 'PE 123/1987', 'archived', { pages: 7 });
      const again = await store.upsertInventory([
        record('E730', 'PE', 123, 1987, {
          applicant: 'Mario Rossi e Anna Bianchi',
          location: { box: 'B13' },
          expectedPages: 42,
        }),
      ]);
      expect(again).toEqual({ inserted: 0, updated: 1 });
      const updated = (await store.getInventoryByKey('E730', 'PE 123/1987'))!;
      expect(updated.id).toBe(r.id);
      expect(updated.state).toBe('archived');
      expect(updated.pages).toBe(7);
      expect(updated.expectedPages).toBe(42);
      expect(updated.applicant).toBe('Mario Rossi e Anna Bianchi');
      expect(updated.location).toEqual({ box: 'B13' });
      expect(updated.address).toBeUndefined();
      expect(updated.createdAt).toBe(r.createdAt);
      expect(await store.getInventoryByKey('A547', 'PE 123/1987')).not.toBeNull();
      expect(await store.getInventoryByKey('E730', 'PE 124/1987')).toBeNull();
    });

    it('searches all words, ignoring case and accents, over key, applicant, address, parcel and location', async () => {
      await store.upsertInventory([
        record('E730', 'PE', 1, 1990, {
          applicant: 'Niccolò Fabbri',
          address: 'Via Garibaldi 8',
          foglio: 5,
          mappale: 77,
        }),
        record('E730', 'SCIA', 2, 2005, {
          applicant: 'Lucia Fabbri',
          address: 'Piazza Mazzini 1',
          location: { box: 'Faldone 42' },
        }),
        record('A547', 'PE', 3, 1990, { applicant: 'Giorgio Neri', address: 'V. Garibaldi 10' }),
        record('A547', 'CE', 4, 1975, { applicant: 'Ditta Rossi', location: { shelf: 'Scaffale Nord' } }),
      ]);
      const keys = async (f: Parameters<PaperStore['searchInventory']>[0]) =>
        (await store.searchInventory(f)).records.map((r) => `${r.comune} ${r.practiceKey}`);
      expect(await keys({ q: 'NICCOLO fabbri' })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ q: 'fabbri' })).toEqual(['E730 SCIA 2/2005', 'E730 PE 1/1990']);
      expect(await keys({ q: 'fabbri garibaldi' })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ q: 'pe 3/1990' })).toEqual(['A547 PE 3/1990']);
      expect(await keys({ q: '5/77' })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ q: 'abbri' })).toEqual([]); // words match from their start
      expect(await keys({ q: 'fabb gari' })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ q: 'faldone 42' })).toEqual(['E730 SCIA 2/2005']);
      expect(await keys({ q: 'scaffale nord' })).toEqual(['A547 CE 4/1975']);
      expect(await keys({ q: 'garibaldi' })).toEqual(['A547 PE 3/1990', 'E730 PE 1/1990']);
      expect(await keys({ q: 'garibaldi', comuni: ['E730'] })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ comuni: [] })).toEqual([]);
      expect(await keys({ address: 'via garibaldi' })).toEqual(['A547 PE 3/1990', 'E730 PE 1/1990']);
      expect(await keys({ address: 'Via Garibaldi 8' })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ year: 1990, foglio: 5, mappale: 77 })).toEqual(['E730 PE 1/1990']);
      expect(await keys({ practiceKey: 'CE 4/1975' })).toEqual(['A547 CE 4/1975']);
      expect(await keys({ q: 'fabbri 100%_' })).toEqual([]);

      await store.setInventoryState('A547', 'CE 4/1975', 'archived');
      expect(await keys({ state: ['paper', 'requested', 'scanned'], comuni: ['A547'] })).toEqual(['A547 PE 3/1990']);
      expect(await keys({ state: 'archived' })).toEqual(['A547 CE 4/1975']);

      const all = await store.searchInventory({ limit: 2, offset: 1 });
      expect(all.total).toBe(4);
      expect(all.records.map((r) => r.practiceKey)).toEqual(['CE 4/1975', 'SCIA 2/2005']);
    });

    it('moves a practice forward only, unless forced, adding pages and stamping the change', async () => {
      await store.upsertInventory([record('E730', 'PE', 9, 2001)]);
      const before = (await store.getInventoryByKey('E730', 'PE 9/2001'))!;
      const requested = await store.setInventoryState('E730', 'PE 9/2001', 'requested', { at: '2024-03-01T10:00:00Z' });
      expect(requested).toMatchObject({ state: 'requested', stateAt: '2024-03-01T10:00:00.000Z', pages: 0 });
      expect(before.state).toBe('paper');
      const archived = await store.setInventoryState('E730', 'PE 9/2001', 'archived', {
        pages: 12,
        at: '2024-03-05T08:00:00Z',
      });
      expect(archived).toMatchObject({ state: 'archived', stateAt: '2024-03-05T08:00:00.000Z', pages: 12 });
      // A second document of the same practice adds its pages; the state keeps its date.
      const more = await store.setInventoryState('E730', 'PE 9/2001', 'archived', {
        pages: 3,
        at: '2024-03-06T08:00:00Z',
      });
      expect(more).toMatchObject({ state: 'archived', stateAt: '2024-03-05T08:00:00.000Z', pages: 15 });
      expect(await store.setInventoryState('E730', 'PE 9/2001', 'scanned')).toBeNull();
      expect((await store.getInventoryByKey('E730', 'PE 9/2001'))!.state).toBe('archived');
      const forced = await store.setInventoryState('E730', 'PE 9/2001', 'paper', { force: true });
      expect(forced).toMatchObject({ state: 'paper', pages: 15 });
      expect(await store.setInventoryState('E730', 'PE 404/2001', 'requested')).toBeNull();
    });

    it('saves import reports and lists them newest first, by Comune', async () => {
      const base = { filename: 'inventario.csv', importedBy: 'u-1', rows: 3, inserted: 1, updated: 1, rejected: 1 };
      await store.saveImport({
        ...base,
        id: 'imp-a',
        comune: 'E730',
        at: '2024-01-01T00:00:00Z',
        problems: [{ row: 2, column: 'year', severity: 'error', message: 'Anno mancante', value: '' }],
      });
      await store.saveImport({ ...base, id: 'imp-b', comune: 'A547', at: '2024-02-01T00:00:00.000Z', problems: [] });
      expect(await store.getImport('imp-a')).toEqual({
        ...base,
        id: 'imp-a',
        comune: 'E730',
        at: '2024-01-01T00:00:00.000Z',
        problems: [{ row: 2, column: 'year', severity: 'error', message: 'Anno mancante', value: '' }],
      });
      expect(await store.getImport('imp-z')).toBeNull();
      expect((await store.listImports()).map((i) => i.id)).toEqual(['imp-b', 'imp-a']);
      expect((await store.listImports({ comuni: ['E730'] })).map((i) => i.id)).toEqual(['imp-a']);
      expect((await store.listImports({ limit: 1 })).map((i) => i.id)).toEqual(['imp-b']);
    });

    it('creates, lists and conditionally decides access requests', async () => {
      const a = await store.createAccessRequest(request('E730', 'PE 1/1990', { inventoryId: 'inv-1' }));
      expect(a).toEqual({
        id: expect.stringMatching(UUID),
        comune: 'E730',
        practiceKey: 'PE 1/1990',
        inventoryId: 'inv-1',
        requesterId: 'u-prof',
        requesterName: 'Paola Tecnica',
        requesterEmail: 'paola@example.it',
        requesterRole: 'delegated_technician',
        reason: 'Verifica conformità urbanistica',
        state: 'pending',
        awaitingScan: true,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(await store.getAccessRequest(a.id)).toEqual(a);
      await tick(); // newest first compares creation times
      const b = await store.createAccessRequest(
        request('A547', 'PE 2/1990', { requesterId: 'u-other', awaitingScan: false, requesterEmail: undefined }),
      );
      expect(b.requesterEmail).toBeUndefined();

      const list = await store.listAccessRequests();
      expect(list.total).toBe(2);
      expect(list.requests.map((r) => r.id)).toEqual([b.id, a.id]);
      expect((await store.listAccessRequests({ comuni: ['E730'] })).requests.map((r) => r.id)).toEqual([a.id]);
      expect((await store.listAccessRequests({ requesterId: 'u-other' })).requests.map((r) => r.id)).toEqual([b.id]);
      expect((await store.listAccessRequests({ awaitingScan: true })).requests.map((r) => r.id)).toEqual([a.id]);
      expect((await store.listAccessRequests({ practiceKey: 'PE 2/1990' })).total).toBe(1);
      const paged = await store.listAccessRequests({ limit: 1, offset: 1 });
      expect(paged).toMatchObject({ total: 2 });
      expect(paged.requests.map((r) => r.id)).toEqual([a.id]);

      const approved = await store.updateAccessRequest(a.id, ['pending'], {
        state: 'approved',
        decidedBy: 'u-arch',
        decidedAt: '2024-05-01T09:00:00Z',
        decisionNote: 'ok',
        expiresAt: '2024-08-01T09:00:00Z',
      });
      expect(approved).toMatchObject({
        state: 'approved',
        decidedBy: 'u-arch',
        decidedAt: '2024-05-01T09:00:00.000Z',
        decisionNote: 'ok',
        expiresAt: '2024-08-01T09:00:00.000Z',
        awaitingScan: true,
      });
      // A second decision finds it no longer pending.
      expect(await store.updateAccessRequest(a.id, ['pending'], { state: 'rejected' })).toBeNull();
      expect((await store.getAccessRequest(a.id))!.state).toBe('approved');
      expect(await store.updateAccessRequest('missing', ['pending'], { state: 'rejected' })).toBeNull();
      const notified = await store.updateAccessRequest(
        a.id,
        ['pending', 'approved'],
        { awaitingScan: false, scanNotifiedAt: '2024-05-02T09:00:00Z' },
        { awaitingScan: true },
      );
      // A second worker telling the same requester finds it no longer waiting.
      const again = await store.updateAccessRequest(
        a.id,
        ['pending', 'approved'],
        { awaitingScan: false, scanNotifiedAt: '2024-05-03T09:00:00Z' },
        { awaitingScan: true },
      );
      expect(again).toBeNull();
      expect(notified).toMatchObject({
        state: 'approved',
        awaitingScan: false,
        scanNotifiedAt: '2024-05-02T09:00:00.000Z',
      });
      expect((await store.listAccessRequests({ state: ['approved', 'rejected'] })).requests.map((r) => r.id)).toEqual([
        a.id,
      ]);
    });

    it('grants access while an approved request is unexpired, then expires it', async () => {
      const a = await store.createAccessRequest(request('E730', 'PE 1/1990'));
      const open = await store.createAccessRequest(request('E730', 'PE 2/1990'));
      expect(await store.hasApprovedAccess('u-prof', 'E730', 'PE 1/1990', '2024-05-01T00:00:00Z')).toBe(false);
      await store.updateAccessRequest(a.id, ['pending'], { state: 'approved', expiresAt: '2024-06-01T00:00:00Z' });
      await store.updateAccessRequest(open.id, ['pending'], { state: 'approved' });
      expect(await store.hasApprovedAccess('u-prof', 'E730', 'PE 1/1990', '2024-05-31T23:59:59Z')).toBe(true);
      expect(await store.hasApprovedAccess('u-prof', 'A547', 'PE 1/1990', '2024-05-31T00:00:00Z')).toBe(false);
      expect(await store.hasApprovedAccess('u-else', 'E730', 'PE 1/1990', '2024-05-31T00:00:00Z')).toBe(false);
      expect(await store.hasApprovedAccess('u-prof', 'E730', 'PE 1/1990', '2024-06-01T00:00:01Z')).toBe(false);

      expect(await store.expireAccessRequests('2024-05-01T00:00:00Z')).toEqual([]);
      const expired = await store.expireAccessRequests('2024-06-02T00:00:00Z');
      expect(expired.map((r) => [r.id, r.state])).toEqual([[a.id, 'expired']]);
      expect((await store.getAccessRequest(open.id))!.state).toBe('approved');
      expect(await store.hasApprovedAccess('u-prof', 'E730', 'PE 1/1990', '2024-05-02T00:00:00Z')).toBe(false);
    });

    it('lists requested practices with their waiting requests and the demand in their area', async () => {
      await store.upsertInventory([
        record('E730', 'PE', 1, 1990, { address: 'Via Roma 1', foglio: 3, mappale: 10 }),
        record('E730', 'PE', 2, 1991, { address: 'Via Roma 5', foglio: 3, mappale: 10 }),
        record('E730', 'PE', 3, 1992, { address: 'Via Roma 9' }),
        record('E730', 'PE', 4, 1993, { address: 'Via Roma 11' }),
        record('E730', 'PE', 5, 1994, { address: 'Via Verdi 2' }),
        record('A547', 'PE', 1, 1990, { foglio: 3, mappale: 10 }),
      ]);
      await store.setInventoryState('E730', 'PE 1/1990', 'requested');
      await store.setInventoryState('E730', 'PE 3/1992', 'requested');
      await store.setInventoryState('E730', 'PE 5/1994', 'requested');
      await store.setInventoryState('A547', 'PE 1/1990', 'requested');
      const r1 = await store.createAccessRequest(request('E730', 'PE 1/1990'));
      await store.createAccessRequest(request('E730', 'PE 1/1990', { requesterId: 'u-2' }));
      const gone = await store.createAccessRequest(request('E730', 'PE 1/1990', { requesterId: 'u-3' }));
      await store.updateAccessRequest(gone.id, ['pending'], { state: 'withdrawn' });
      const done = await store.createAccessRequest(request('E730', 'PE 1/1990', { requesterId: 'u-4' }));
      await store.updateAccessRequest(done.id, ['pending'], { awaitingScan: false });
      await store.createAccessRequest(request('E730', 'PE 2/1991')); // same parcel as PE 1/1990
      await store.createAccessRequest(request('E730', 'PE 4/1993')); // same street as PE 3/1992
      await store.createAccessRequest(request('A547', 'PE 1/1990')); // same parcel, other Comune

      const list = await store.scanCandidates({ areaSince: '2000-01-01T00:00:00Z' });
      const view = list.map((c) => [c.record.comune, c.record.practiceKey, c.waitingRequests, c.areaRequests]);
      expect(view).toEqual([
        ['A547', 'PE 1/1990', 1, 0],
        ['E730', 'PE 5/1994', 0, 0],
        // Same street, no parcel: the four requests of PE 1/1990 (whatever their state), PE 2/1991 and PE 4/1993.
        ['E730', 'PE 3/1992', 0, 6],
        ['E730', 'PE 1/1990', 2, 1],
      ]);
      const pe1 = list.find((c) => c.record.comune === 'E730' && c.record.practiceKey === 'PE 1/1990')!;
      expect(pe1.oldestRequestAt).toBe(r1.createdAt);
      const pe5 = list.find((c) => c.record.practiceKey === 'PE 5/1994')!;
      expect(pe5.oldestRequestAt).toBe(pe5.record.stateAt);

      const e730 = await store.scanCandidates({ comuni: ['E730'], areaSince: '2999-01-01T00:00:00Z' });
      expect(e730.map((c) => [c.record.practiceKey, c.waitingRequests, c.areaRequests])).toEqual([
        ['PE 5/1994', 0, 0],
        ['PE 3/1992', 0, 0],
        ['PE 1/1990', 2, 0],
      ]);
      expect(await store.scanCandidates({ comuni: [], areaSince: '2000-01-01T00:00:00Z' })).toEqual([]);
    });

    it('counts practices per state and pages archived per Comune and per UTC day', async () => {
      await store.upsertInventory([
        record('E730', 'PE', 1, 1990),
        record('E730', 'PE', 2, 1990),
        record('E730', 'PE', 3, 1990),
        record('E730', 'PE', 4, 1990),
        record('A547', 'PE', 1, 1990),
      ]);
      await store.setInventoryState('E730', 'PE 1/1990', 'archived', { pages: 10, at: '2024-03-01T23:30:00+02:00' });
      await store.setInventoryState('E730', 'PE 2/1990', 'archived', { pages: 5, at: '2024-03-01T08:00:00Z' });
      await store.setInventoryState('E730', 'PE 3/1990', 'scanned');
      await store.setInventoryState('A547', 'PE 1/1990', 'archived', { pages: 4, at: '2024-03-02T08:00:00Z' });
      await store.setInventoryState('E730', 'PE 4/1990', 'archived', { pages: 99, at: '2024-01-01T08:00:00Z' });

      expect(await store.digitisationCounts()).toEqual([
        {
          comune: 'A547',
          practices: 1,
          byState: { paper: 0, requested: 0, scanned: 0, archived: 1 },
          pagesArchived: 4,
        },
        {
          comune: 'E730',
          practices: 4,
          byState: { paper: 0, requested: 0, scanned: 1, archived: 3 },
          pagesArchived: 114,
        },
      ]);
      expect((await store.digitisationCounts({ comuni: ['A547'] })).map((c) => c.comune)).toEqual(['A547']);
      expect(await store.pagesPerDay({ since: '2024-02-01T00:00:00Z' })).toEqual([
        { comune: 'E730', day: '2024-03-01', pages: 15, practices: 2 },
        { comune: 'A547', day: '2024-03-02', pages: 4, practices: 1 },
      ]);
      expect(await store.pagesPerDay({ since: '2024-02-01T00:00:00Z', comuni: ['A547'] })).toEqual([
        { comune: 'A547', day: '2024-03-02', pages: 4, practices: 1 },
      ]);
    });
  });
}
