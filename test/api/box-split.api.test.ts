// Box scans over HTTP: `split` in the query string (where '+' arrives as a space) or as a form field before a file
// marks the files as box scans; GET /api/documents/:id/split serves the plan of a split box scan, for the box scan
// and for each of its parts. The split step runs here by hand (no workers), on a small generated box.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { splitBoxScanJob } from '../../src/ingest/box-scan.job.ts';
import type { SplitPlan } from '../../src/scan/split-plan.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { startApi } from '../helpers/http.ts';
import { blankPage, boxTiff, contentPage, separatorPages } from '../scan/box-scan.ts';
import { A } from '../scan/acceptance-box.ts';

let world: World;
let api: { app: FastifyInstance; url: string; headers: Record<string, string> };
let box: Buffer;
beforeAll(async () => {
  world = await createWorld({}, { workers: false });
  api = await startApi(world.services);
  const [sep] = await separatorPages([A], 150, { bilevel: true, skewDeg: 1 });
  box = await boxTiff(
    [
      sep!,
      await contentPage(11, 150, { bilevel: true }),
      await blankPage(12, 150, { bilevel: true }),
      await contentPage(13, 150, { bilevel: true }),
    ],
    true,
  );
}, 120_000);
afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

async function batchDocuments(batchId: string) {
  const res = await fetch(`${api.url}/api/batches/${batchId}`, { headers: api.headers });
  return (await res.json()).documents as Array<{ id: string; filename: string; boxSplit?: string; status: string }>;
}

describe('box scan upload and split plan', () => {
  it('marks the files of ?split=separators+blank as box scans (the "+" may arrive as a space)', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(box)]), 'scatola.tif');
    const up = await fetch(`${api.url}/api/batches?split=separators+blank`, {
      method: 'POST',
      headers: api.headers,
      body: form,
    });
    expect(up.status).toBe(201);
    const { batch } = await up.json();
    expect(await batchDocuments(batch.id)).toEqual([
      expect.objectContaining({ filename: 'scatola.tif', boxSplit: 'separators+blank' }),
    ]);
  });

  it('a `split` form field applies to the files after it, and an empty one ends it', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(box.subarray(0, 100)), new Uint8Array([1])]), 'normale.tif');
    form.append('split', 'separators');
    form.append('file', new Blob([new Uint8Array(box), new Uint8Array([0])]), 'scatola-bis.tif');
    form.append('split', '');
    form.append('file', new Blob([new Uint8Array(box), new Uint8Array([0, 0])]), 'altro.tif');
    const up = await fetch(`${api.url}/api/batches`, { method: 'POST', headers: api.headers, body: form });
    expect(up.status).toBe(201);
    const docs = await batchDocuments((await up.json()).batch.id);
    expect(Object.fromEntries(docs.map((d) => [d.filename, d.boxSplit ?? null]))).toEqual({
      'normale.tif': null,
      'scatola-bis.tif': 'separators',
      'altro.tif': null,
    });
  });

  it('refuses an unknown split mode', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'x.tif');
    const up = await fetch(`${api.url}/api/batches?split=pagine`, { method: 'POST', headers: api.headers, body: form });
    expect(up.status).toBe(400);
  });

  it('serves the plan of a split box scan, for the box and for its parts', async () => {
    const form = new FormData();
    form.append('split', 'separators+blank');
    form.append('file', new Blob([new Uint8Array(box), new Uint8Array([9])]), 'scatola-3.tif');
    const up = await fetch(`${api.url}/api/batches`, { method: 'POST', headers: api.headers, body: form });
    const { batch, items } = await up.json();
    const boxId = items[0].documentId as string;
    expect((await fetch(`${api.url}/api/documents/${boxId}/split`, { headers: api.headers })).status).toBe(404);
    const { services } = world;
    await services.db.updateDocument(boxId, { status: 'preparing' });
    await splitBoxScanJob(
      { ...services, log: services.logger, jobId: 't', attempt: 1 },
      { documentId: boxId, batchId: batch.id },
      (await services.db.getDocument(boxId))!,
    );

    const res = await fetch(`${api.url}/api/documents/${boxId}/split`, { headers: api.headers });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as SplitPlan;
    expect(plan).toMatchObject({ boxScan: boxId, filename: 'scatola-3.tif', mode: 'separators+blank', pages: 4 });
    expect(plan.parts.map((p) => [p.pages, p.separatorPages, p.blankPages, p.practice?.pratica])).toEqual([
      [[2], [1], [], 'PE 123/1987'],
      [[4], [], [3], 'PE 123/1987'],
    ]);
    expect(plan.parts[0]!.description).toBe(
      'Documento 1 — Pratica PE 123/1987 (Siena) — tipo da classificare — pagine 2 (1 pagina) [separatori: 1]',
    );
    const docs = await batchDocuments(batch.id);
    expect(docs.find((d) => d.id === boxId)?.status).toBe('split');
    const part = await fetch(`${api.url}/api/documents/${plan.parts[1]!.documentId}`, { headers: api.headers });
    expect((await part.json()).document.splitOrigin).toMatchObject({
      boxScan: boxId,
      boxFilename: 'scatola-3.tif',
      part: 2,
      pages: [4],
    });
    const viaPart = await fetch(`${api.url}/api/documents/${plan.parts[1]!.documentId}/split`, {
      headers: api.headers,
    });
    expect(((await viaPart.json()) as SplitPlan).boxScan).toBe(boxId);
  });
});
