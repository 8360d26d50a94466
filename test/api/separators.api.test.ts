// Separator sheets printed from the app over real HTTP: the PDF has one page per sheet × copies and every page's QR
// code, rendered with the project's PDF renderer and read with the project's reader, carries the right payload (box
// location from the inventory included); other Comuni's records are not found; the work list prints in its order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdfPages } from '../../src/ocr/pdf-render.ts';
import { readSeparator } from '../../src/scan/separator.reader.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { BASSA_ROMAGNA } from '../helpers/bassa-romagna.ts';

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let lugo: BearerCaller; // archivist of Lugo
let bagnacavallo: BearerCaller; // archivist of Bagnacavallo
let professional: BearerCaller;
const ids: Record<string, string> = {};

const LUGO_BOX = 'Edificio Municipio, stanza 2, scaffale B, faldone 14';

beforeAll(async () => {
  world = await createWorld(BASSA_ROMAGNA, { workers: false });
  await world.services.paper.upsertInventory([
    {
      comune: 'E730',
      practiceKey: 'PE 10/1975',
      procedureType: 'PE',
      number: 10,
      year: 1975,
      location: { building: 'Municipio', room: '2', shelf: 'B', box: '14' },
    },
    { comune: 'E730', practiceKey: 'PDC 7/2001', procedureType: 'PDC', number: 7, year: 2001, location: { box: '3' } },
    { comune: 'A547', practiceKey: 'CE 20/1981', procedureType: 'CE', number: 20, year: 1981, location: { box: '9' } },
  ]);
  for (const r of (await world.services.paper.searchInventory({})).records) ids[r.practiceKey] = r.id;
  api = await startApi(world.services);
  lugo = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  bagnacavallo = await bearerUser(world.services, 'archivist', { comune: 'A547' });
  professional = await bearerUser(world.services, 'professional');
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

const print = (caller: BearerCaller, body: unknown) =>
  fetch(`${api.url}/api/separators`, {
    method: 'POST',
    headers: { ...caller.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Every page of the PDF rendered at 200 DPI and read as a scanning station would read it. */
async function readPages(pdf: Uint8Array): Promise<Array<SeparatorPayload | null>> {
  const pages = await renderPdfPages(pdf, { dpi: 200 });
  const out: Array<SeparatorPayload | null> = [];
  for (const p of pages) out.push((await readSeparator(p.png, { dpi: p.dpi })).payload);
  return out;
}

describe('POST /api/separators', () => {
  it('prints one page per sheet × copies, each QR carrying the inventory practice with its box location', async () => {
    const res = await print(lugo, {
      copies: 2,
      sheets: [
        { kind: 'practice', inventoryId: ids['PE 10/1975'] },
        { kind: 'practice', inventoryId: ids['PDC 7/2001'], copies: 1 },
        { kind: 'document-type', documentType: 'elaborato_grafico', practiceKey: 'P.E. 10/75' },
        { kind: 'generic', note: 'Tavole fuori formato' },
      ],
    });
    expect(res.status, res.ok ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="separatori-.*\.pdf"$/);
    const pdf = new Uint8Array(await res.arrayBuffer());
    const pe: SeparatorPayload = { kind: 'practice', comune: 'Lugo', pratica: 'PE 10/1975', box: LUGO_BOX };
    const pdc: SeparatorPayload = {
      kind: 'practice',
      comune: 'Lugo',
      pratica: 'PDC 7/2001',
      proc: 'permesso_di_costruire',
      box: 'Faldone 3',
    };
    const type: SeparatorPayload = { kind: 'document-type', tipo: 'elaborato_grafico', pratica: 'PE 10/1975' };
    const generic: SeparatorPayload = { kind: 'generic', nota: 'Tavole fuori formato' };
    expect(await readPages(pdf)).toEqual([pe, pe, pdc, type, type, generic, generic]);

    const audit = await world.services.auth.listAudit({ action: 'separators.print' });
    expect(audit.entries[0]).toMatchObject({
      actor: lugo.user.id,
      comune: 'E730',
      detail: { sheets: 7, practices: 2, practiceKeys: ['PE 10/1975', 'PDC 7/2001'] },
    });
  }, 60_000);

  it('adds the document-type sheets after each practice, and takes the box of a practice given by its number', async () => {
    const res = await print(lugo, {
      documentTypes: ['relazione_tecnica'],
      sheets: [{ kind: 'practice-key', comune: 'e730', practiceKey: 'Permesso di costruire 7/2001' }],
    });
    expect(res.status, res.ok ? '' : await res.clone().text()).toBe(200);
    expect(await readPages(new Uint8Array(await res.arrayBuffer()))).toEqual([
      { kind: 'practice', comune: 'Lugo', pratica: 'PDC 7/2001', proc: 'permesso_di_costruire', box: 'Faldone 3' },
      { kind: 'document-type', tipo: 'relazione_tecnica', pratica: 'PDC 7/2001' },
    ]);
  }, 60_000);

  it("answers 404 for another Comune's record, 403 for its practice numbers and for professionals", async () => {
    const other = await print(bagnacavallo, { sheets: [{ kind: 'practice', inventoryId: ids['PE 10/1975'] }] });
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe('NOT_FOUND');
    const byKey = await print(bagnacavallo, {
      sheets: [{ kind: 'practice-key', comune: 'E730', practiceKey: 'PE 10/1975' }],
    });
    expect(byKey.status).toBe(403);
    expect((await byKey.json()).error.code).toBe('COMUNE_NOT_IN_SCOPE');
    expect((await print(professional, { sheets: [{ kind: 'generic' }] })).status).toBe(403);
    // Their own record prints.
    expect((await print(bagnacavallo, { sheets: [{ kind: 'practice', inventoryId: ids['CE 20/1981'] }] })).status).toBe(
      200,
    );
  }, 60_000);

  it('refuses a bad request with the sheet at fault', async () => {
    const badKey = await print(lugo, {
      sheets: [{ kind: 'generic' }, { kind: 'document-type', documentType: 'parere', practiceKey: 'boh' }],
    });
    expect(badKey.status).toBe(400);
    expect((await badKey.json()).error.message).toBe(
      'foglio 2: numero di pratica "boh" non riconosciuto (atteso ad es. "PE 123/1987")',
    );
    const badType = await print(lugo, { sheets: [{ kind: 'document-type', documentType: 'lettera' }] });
    expect(badType.status).toBe(400);
    expect((await badType.json()).error.code).toBe('INVALID_REQUEST');
    const tooMany = await print(lugo, { copies: 50, sheets: Array.from({ length: 21 }, () => ({ kind: 'generic' })) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.code).toBe('TOO_MANY_SHEETS');
    expect((await print(lugo, { sheets: [] })).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents both routes, the print request body and the PDF answer', async () => {
    const spec = await (await fetch(`${api.url}/docs/json`)).json();
    const post = spec.paths['/api/separators'].post;
    expect(Object.keys(post.responses['200'].content)).toEqual(['application/pdf']);
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['sheets']);
    expect(body.properties.sheets.items.oneOf ?? body.properties.sheets.items.anyOf).toHaveLength(4);
    const worklist = spec.paths['/api/digitisation/worklist/separators.pdf'].get;
    expect(worklist.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['comune', 'copies', 'types']);
  });
});

describe('GET /api/digitisation/worklist/separators.pdf', () => {
  it('prints the practice sheet (+ type sheets) of every work-list practice, in work-list order', async () => {
    const empty = await fetch(`${api.url}/api/digitisation/worklist/separators.pdf`, { headers: lugo.headers });
    expect(empty.status).toBe(404);
    for (const key of ['PDC 7/2001', 'PE 10/1975']) {
      const res = await fetch(`${api.url}/api/digitisation/${ids[key]}/request`, {
        method: 'POST',
        headers: lugo.headers,
      });
      expect(res.status).toBe(200);
    }
    const worklist = await (await fetch(`${api.url}/api/digitisation/worklist`, { headers: lugo.headers })).json();
    const order: string[] = worklist.items.map((i: { record: { practiceKey: string } }) => i.record.practiceKey);
    expect(order.sort()).toEqual(['PDC 7/2001', 'PE 10/1975']);

    const res = await fetch(`${api.url}/api/digitisation/worklist/separators.pdf?types=elaborato_grafico`, {
      headers: lugo.headers,
    });
    expect(res.status, res.ok ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const pages = await readPages(new Uint8Array(await res.arrayBuffer()));
    expect(pages).toHaveLength(4);
    const keys = worklist.items.map((i: { record: { practiceKey: string } }) => i.record.practiceKey);
    expect(pages.map((p) => (p && 'pratica' in p ? `${p.kind}:${p.pratica}` : null))).toEqual(
      keys.flatMap((k: string) => [`practice:${k}`, `document-type:${k}`]),
    );
    expect(pages.find((p) => p?.kind === 'practice' && p.pratica === 'PE 10/1975')).toMatchObject({ box: LUGO_BOX });

    const badType = await fetch(`${api.url}/api/digitisation/worklist/separators.pdf?types=lettera`, {
      headers: lugo.headers,
    });
    expect(badType.status).toBe(400);

    // Bagnacavallo's archivist gets none of Lugo's work list.
    const other = await fetch(`${api.url}/api/digitisation/worklist/separators.pdf`, { headers: bagnacavallo.headers });
    expect(other.status).toBe(404);
    const asked = await fetch(`${api.url}/api/digitisation/worklist/separators.pdf?comune=E730`, {
      headers: bagnacavallo.headers,
    });
    expect(asked.status).toBe(403);
  }, 60_000);
});
