// Paper inventory routes over real HTTP: an archivist previews and imports a file for their Comune (report, CSV of
// problems, audit), cannot import for another Comune; everybody, professionals included, searches the inventory.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { BASSA_ROMAGNA } from '../helpers/bassa-romagna.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/inventory');

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let lugo: BearerCaller; // archivist of Lugo
let bagnacavallo: BearerCaller; // archivist of Bagnacavallo
let manager: BearerCaller; // records manager: reads, does not import
let professional: BearerCaller;

beforeAll(async () => {
  world = await createWorld(BASSA_ROMAGNA, { workers: false });
  api = await startApi(world.services);
  lugo = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  bagnacavallo = await bearerUser(world.services, 'archivist', { comune: 'A547' });
  manager = await bearerUser(world.services, 'records_manager', { comune: 'E730' });
  professional = await bearerUser(world.services, 'professional');
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

async function form(fields: Record<string, string>, file?: { name: string; data: Uint8Array }): Promise<FormData> {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file) f.append('file', new Blob([new Uint8Array(file.data)]), file.name);
  return f;
}
const lugoCsv = async () => ({
  name: 'inventario-lugo.csv',
  data: await readFile(path.join(FIXTURES, 'inventario-lugo.csv')),
});
const post = async (route: string, caller: BearerCaller, body: FormData) =>
  fetch(`${api.url}${route}`, { method: 'POST', headers: caller.headers, body });
const get = (route: string, caller: BearerCaller) => fetch(`${api.url}${route}`, { headers: caller.headers });

describe('inventory import over HTTP', () => {
  let importId: string;

  it('previews the file with its columns, first rows and a suggested mapping', async () => {
    const res = await post('/api/inventory/imports/preview', lugo, await form({ comune: 'E730' }, await lugoCsv()));
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ filename: 'inventario-lugo.csv', rows: 11 });
    expect(body.columns).toHaveLength(14);
    expect(body.sample).toHaveLength(10);
    expect(body.mapping).toMatchObject({
      procedureType: 'Tipo pratica',
      number: 'Numero',
      year: 'Anno',
      box: 'Faldone',
    });
  });

  it('imports for the archivist\u2019s Comune, reports each bad row, and audits the import', async () => {
    const preview = await (
      await post('/api/inventory/imports/preview', lugo, await form({ comune: 'E730' }, await lugoCsv()))
    ).json();
    const res = await post(
      '/api/inventory/imports',
      lugo,
      await form({ comune: 'e730', mapping: JSON.stringify(preview.mapping) }, await lugoCsv()),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const report = await res.json();
    expect(report).toMatchObject({
      comune: 'E730',
      rows: 11,
      inserted: 5,
      updated: 0,
      rejected: 5,
      importedBy: lugo.user.id,
    });
    expect(
      report.problems.filter((p: { severity: string }) => p.severity === 'error').map((p: { row: number }) => p.row),
    ).toEqual([3, 4, 7, 9, 10]);
    importId = report.id;

    const audit = await world.services.auth.listAudit({ action: 'inventory.import' });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({
      actor: lugo.user.id,
      targetId: importId,
      targetType: 'inventory_import',
      comune: 'E730',
      detail: { filename: 'inventario-lugo.csv', inserted: 5, rejected: 5 },
    });
  });

  it('lists imports without their problems, opens one, and gives its problems as CSV', async () => {
    const list = await (await get('/api/inventory/imports', lugo)).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([importId]);
    expect(list.items[0].problems).toBeUndefined();
    expect(list.items[0]).toMatchObject({ rows: 11, rejected: 5 });

    const one = await get(`/api/inventory/imports/${importId}`, lugo);
    expect(one.status).toBe(200);
    expect((await one.json()).problems.length).toBeGreaterThanOrEqual(5);

    const csv = await get(`/api/inventory/imports/${importId}/report.csv`, lugo);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text())
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('riga;campo;gravità;messaggio;valore');
    expect(lines).toContain('3;Numero;errore;Numero mancante;');

    // Another Comune's archivist neither lists nor opens it.
    expect((await (await get('/api/inventory/imports', bagnacavallo)).json()).items).toEqual([]);
    expect((await get(`/api/inventory/imports/${importId}`, bagnacavallo)).status).toBe(404);
    expect((await get(`/api/inventory/imports/${importId}/report.csv`, bagnacavallo)).status).toBe(404);
  });

  it('refuses an import for a Comune the archivist does not act on, or outside the union', async () => {
    const mapping = JSON.stringify({ procedureType: 'Tipo pratica', number: 'Numero', year: 'Anno' });
    const other = await post(
      '/api/inventory/imports',
      bagnacavallo,
      await form({ comune: 'E730', mapping }, await lugoCsv()),
    );
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe('COMUNE_NOT_IN_SCOPE');
    const unknown = await post(
      '/api/inventory/imports',
      lugo,
      await form({ comune: 'Z999', mapping }, await lugoCsv()),
    );
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toBe('Comune sconosciuto: Z999');
    const badMapping = await post(
      '/api/inventory/imports',
      lugo,
      await form({ comune: 'E730', mapping: JSON.stringify({ practice: 'Non esiste' }) }, await lugoCsv()),
    );
    expect(badMapping.status).toBe(400);
    expect((await badMapping.json()).error.message).toBe("Colonna non presente nel file: 'Non esiste'");
    const noFile = await post('/api/inventory/imports', lugo, await form({ comune: 'E730', mapping }));
    expect(noFile.status).toBe(400);
    // Staff who do not import, and professionals, are refused by the access policy.
    expect(
      (await post('/api/inventory/imports', manager, await form({ comune: 'E730', mapping }, await lugoCsv()))).status,
    ).toBe(403);
    expect((await post('/api/inventory/imports/preview', professional, await form({}, await lugoCsv()))).status).toBe(
      403,
    );
    expect((await get('/api/inventory/imports', professional)).status).toBe(403);
    expect((await world.services.paper.searchInventory({ comuni: ['A547'] })).total).toBe(0);
  });

  it('lets everybody search the inventory and open a record', async () => {
    for (const caller of [professional, bagnacavallo, manager]) {
      const res = await get('/api/inventory?q=niccolo%20mazzini', caller);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.total).toBe(1);
      expect(body.records[0]).toMatchObject({
        practiceKey: 'PDC 45/2003',
        comune: 'E730',
        comuneName: 'Lugo',
        state: 'paper',
        stateLabel: 'Solo cartaceo',
        location: { box: 'B30' },
      });
    }
    const filtered = await (
      await get('/api/inventory?comune=E730&year=1987&state=paper,requested', professional)
    ).json();
    expect(filtered.records.map((r: { practiceKey: string }) => r.practiceKey)).toEqual(['CE 88/1987', 'PE 123/1987']);
    const byAddress = await (await get('/api/inventory?address=via%20roma', professional)).json();
    expect(byAddress.total).toBe(2);
    const none = await (await get('/api/inventory?comune=A547', professional)).json();
    expect(none).toEqual({ total: 0, records: [] });
    expect((await get('/api/inventory?state=lost', professional)).status).toBe(400);

    const id = filtered.records[1].id;
    const detail = await get(`/api/inventory/${id}`, professional);
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ id, practiceKey: 'PE 123/1987', requests: 0, comuneName: 'Lugo' });
    expect((await get('/api/inventory/00000000-0000-4000-8000-000000000000', professional)).status).toBe(404);
  });

  it('re-importing the same file updates the records instead of duplicating them', async () => {
    const mapping = JSON.stringify({
      procedureType: 'Tipo pratica',
      number: 'Numero',
      year: 'Anno',
      applicant: 'Richiedente',
    });
    const res = await post('/api/inventory/imports', lugo, await form({ comune: 'E730', mapping }, await lugoCsv()));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ inserted: 0, updated: 5, rejected: 5 });
    expect((await world.services.paper.searchInventory({ comuni: ['E730'] })).total).toBe(5);
    const list = await (await get('/api/inventory/imports', lugo)).json();
    expect(list.items).toHaveLength(2);
  });
});
