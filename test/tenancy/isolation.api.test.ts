// Tenant isolation across the Comuni of a union, over real HTTP on documents the real pipeline archived (born-digital
// PDFs, real Redis queues, SQLite, filesystem store, embedded search index): a user of Comune A never sees Comune B's
// restricted records — by search, by id, by download, in the batch lists or in the audit log — while B's shared
// records stay visible to the whole union, and a Comune that requires access requests gates its documents for
// professionals until a request is approved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { bornDigitalPdf } from '../helpers/born-digital-pdf.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';

const A = 'E730'; // Lugo
const B = 'A547'; // Bagnacavallo, requires access requests
let world: World;
let url: string;
let close: () => Promise<void>;
let staffA: BearerCaller;
let staffB: BearerCaller;
let adminA: BearerCaller;
let unionAdmin: BearerCaller;
let pro: BearerCaller;
const docs: Record<'restrictedB' | 'sharedB' | 'sharedA', string> = { restrictedB: '', sharedB: '', sharedA: '' };

async function upload(caller: BearerCaller, query: Record<string, string>, name: string, lines: string[]) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await bornDigitalPdf([{ lines }]))]), name);
  const res = await fetch(`${url}/api/batches?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: caller.headers,
    body: form,
  });
  const body = (await res.json()) as any;
  return { status: res.status, body };
}

async function get(caller: BearerCaller, path: string) {
  const res = await fetch(`${url}${path}`, { headers: caller.headers });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : await res.arrayBuffer() };
}

async function post(caller: BearerCaller, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...caller.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  world = await createWorld({
    union: {
      name: 'Unione dei Comuni della Bassa Romagna',
      comuni: [
        { code: A, name: 'Lugo' },
        { code: B, name: 'Bagnacavallo', requireAccessRequest: true },
      ],
    },
  });
  const api = await startApi(world.services);
  url = api.url;
  close = () => api.app.close();
  const s = world.services;
  staffA = await bearerUser(s, 'archivist', { comune: A });
  staffB = await bearerUser(s, 'archivist', { comune: B });
  adminA = await bearerUser(s, 'admin', { comune: A });
  unionAdmin = await bearerUser(s, 'admin');
  pro = await bearerUser(s, 'professional');

  const uploads = [
    await upload(staffB, { comune: B, restricted: '1', label: 'protocollo riservato' }, 'riservato.pdf', [
      'Comune di Bagnacavallo - Protocollo riservato',
      'Esposto anonimo: zafferanoriservato',
      'in via Mazzini 3.',
    ]),
    await upload(staffB, { comune: B }, 'permesso-b.pdf', [
      'Comune di Bagnacavallo - Settore Edilizia Privata',
      'Oggetto: permesso di costruire n. 77/2001,',
      'via Garibaldi 5, cardamomocondiviso.',
    ]),
    await upload(staffA, {}, 'permesso-a.pdf', [
      'Comune di Lugo - Settore Edilizia Privata',
      'Oggetto: permesso di costruire n. 12/1999,',
      'via Roma 1, cardamomocondiviso.',
    ]),
  ];
  for (const u of uploads) expect(u.status, JSON.stringify(u.body)).toBe(201);
  for (const u of uploads) await waitForBatch(s.db, u.body.batch.id, { timeoutMs: 120_000 });
  const [restrictedB, sharedB, sharedA] = uploads.map((u) => u.body.items[0].documentId as string);
  Object.assign(docs, { restrictedB, sharedB, sharedA });
  for (const id of Object.values(docs)) expect((await s.db.getDocument(id))?.status).toBe('archived');
}, 240_000);

afterAll(async () => {
  await close?.();
  await world?.close();
});

describe('records carry their Comune', () => {
  it('a batch and its documents belong to the Comune they were loaded for; staff default to their own', async () => {
    const [rb, sb, sa] = await Promise.all(Object.values(docs).map((id) => world.services.db.getDocument(id)));
    expect([rb?.comune, rb?.restricted]).toEqual([B, true]);
    expect([sb?.comune, sb?.restricted]).toEqual([B, false]);
    expect([sa?.comune, sa?.restricted]).toEqual([A, false]);
  });

  it('staff cannot load batches for a Comune they do not act on', async () => {
    const res = await upload(staffA, { comune: B }, 'x.pdf', ['Comune di Bagnacavallo', 'tentativo']);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('OTHER_COMUNE');
  });
});

describe('search', () => {
  const hits = async (caller: BearerCaller, q: string, extra: Record<string, string> = {}) =>
    (await get(caller, `/api/search?${new URLSearchParams({ q, understand: '0', ...extra })}`)).body;

  it("never returns Comune B's restricted pages to Comune A's staff or to professionals, not even in counts", async () => {
    for (const caller of [staffA, adminA, pro]) {
      const r = await hits(caller, 'zafferanoriservato');
      expect(r.total).toBe(0);
      expect(r.hits).toEqual([]);
      expect(r.facets.comune ?? {}).toEqual({});
    }
    // A filter-only query (no text) lists everything the scope sees: still not B's restricted document.
    const all = await hits(staffA, '');
    expect(all.hits.map((h: any) => h.documentId)).not.toContain(docs.restrictedB);
    expect(all.facets.comune).toEqual({ [A]: 1, [B]: 1 });
  });

  it("shows them to Comune B's staff and to the union's administrator", async () => {
    for (const caller of [staffB, unionAdmin]) {
      const r = await hits(caller, 'zafferanoriservato');
      expect(r.hits.map((h: any) => h.documentId)).toEqual([docs.restrictedB]);
      expect(r.hits[0].comune).toBe(B);
      expect(r.hits[0].comuneName).toBe('Bagnacavallo');
    }
  });

  it('shared records of every Comune reach every user, with the Comune that holds them; ?comune narrows', async () => {
    const r = await hits(pro, 'cardamomocondiviso');
    expect(new Set(r.hits.map((h: any) => h.documentId))).toEqual(new Set([docs.sharedA, docs.sharedB]));
    expect(r.facets.comune).toEqual({ [A]: 1, [B]: 1 });
    const onlyB = await hits(pro, 'cardamomocondiviso', { comune: B });
    expect(onlyB.hits.map((h: any) => h.documentId)).toEqual([docs.sharedB]);
    expect(onlyB.hits[0].comuneName).toBe('Bagnacavallo');
  });
});

describe('by id and download', () => {
  const paths = (id: string) => [`/api/documents/${id}`, `/api/documents/${id}/pdf`, `/api/documents/${id}/text`];

  it("answers 404 to Comune A's staff and to professionals for Comune B's restricted document, as if missing", async () => {
    for (const caller of [staffA, adminA, pro]) {
      for (const path of paths(docs.restrictedB)) {
        const res = await get(caller, path);
        expect(res.status, `${path}`).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain('zafferano');
      }
    }
    const missing = await get(staffA, `/api/documents/${'0'.repeat(64)}`);
    expect(missing.body.error).toEqual((await get(staffA, `/api/documents/${docs.restrictedB}`)).body.error);
  });

  it("serves it to Comune B's staff, PDF included", async () => {
    const detail = await get(staffB, `/api/documents/${docs.restrictedB}`);
    expect(detail.status).toBe(200);
    expect(detail.body.document.comuneName).toBe('Bagnacavallo');
    const pdf = await get(staffB, `/api/documents/${docs.restrictedB}/pdf`);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(pdf.body as ArrayBuffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it("lets Comune A's staff read B's shared documents but not change them", async () => {
    expect((await get(staffA, `/api/documents/${docs.sharedB}`)).status).toBe(200);
    const retry = await post(staffA, `/api/documents/${docs.sharedB}/retry`, {});
    expect(retry.status).toBe(403);
    expect(retry.body.error.code).toBe('OTHER_COMUNE');
  });

  it('gates a Comune requiring access requests: 403 for professionals until a request is approved', async () => {
    const refused = await get(pro, `/api/documents/${docs.sharedB}/pdf`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'ACCESS_REQUEST_REQUIRED', comune: B, practiceKey: 'PDC 77/2001' });
    // Comune A does not require requests.
    expect((await get(pro, `/api/documents/${docs.sharedA}/pdf`)).status).toBe(200);

    const request = await post(pro, '/api/access-requests', {
      comune: B,
      practiceKey: 'PDC 77/2001',
      requesterRole: 'delegated_technician',
      reason: 'Verifica di conformità urbanistica per compravendita',
      email: 'tecnico@example.it',
    });
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    // Staff of another Comune cannot decide it.
    expect((await post(staffA, `/api/access-requests/${request.body.id}/approve`, {})).status).toBe(404);
    expect((await get(pro, `/api/documents/${docs.sharedB}/pdf`)).status).toBe(403);
    const approved = await post(staffB, `/api/access-requests/${request.body.id}/approve`, { days: 30 });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const pdf = await get(pro, `/api/documents/${docs.sharedB}/pdf`);
    expect(pdf.status).toBe(200);
  });
});

describe('lists and audit', () => {
  it("batch lists and batch pages of Comune B are not shown to Comune A's staff", async () => {
    const listA = await get(staffA, '/api/batches');
    expect(listA.body.batches.every((b: any) => b.comune === A)).toBe(true);
    expect(listA.body.total).toBe(listA.body.batches.length);
    const batchB = (await get(staffB, '/api/batches')).body.batches[0];
    expect(batchB.comune).toBe(B);
    expect((await get(staffA, `/api/batches/${batchB.id}`)).status).toBe(404);
    expect((await get(unionAdmin, `/api/batches/${batchB.id}`)).status).toBe(200);
  });

  it("Comune A's administrator reads only Comune A's audit entries; the union's sees B's reads of the restricted record", async () => {
    const entriesA = (await get(adminA, '/api/audit?limit=500')).body;
    const listA = (entriesA.entries ?? entriesA.items) as any[];
    expect(listA.length).toBeGreaterThan(0);
    expect(listA.every((e) => e.comune === A)).toBe(true);
    expect(listA.some((e) => e.targetId === docs.restrictedB)).toBe(false);

    const all = (await get(unionAdmin, `/api/audit?limit=500&comune=${B}`)).body;
    const listB = (all.entries ?? all.items) as any[];
    const views = listB.filter((e) => e.targetId === docs.restrictedB && e.action === 'document.download');
    expect(views.map((e) => e.actorName)).toContain(staffB.user.username);
    expect(views.every((e) => e.comune === B)).toBe(true);
  });
});
