// Acceptance of digitisation on demand, end to end through the real pipeline (Redis, tesseract.js, SQLite, file
// outbox): a practice only on paper is asked for, goes on the scan work list and up it as more people ask; its scan
// is uploaded and archived; the requesters are told once and their requests stop waiting by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentPracticeKey } from '../../src/paper/digitisation-hook.ts';
import { indexJob } from '../../src/index/index.job.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { createWorld, uploadAndWait, type World } from '../helpers/pipeline-world.ts';
import { renderTextPage } from '../helpers/render-text-page.ts';
import { readOutbox } from '../notify/eml.ts';

const PRACTICE = 'PE 123/1987';
let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let archivist: BearerCaller; // archivist of Lugo
const pros: BearerCaller[] = [];
const requestIds: Record<string, string> = {};
let documentId: string | undefined;

type WorkItem = {
  record: { practiceKey: string; location: { box?: string } };
  priority: number;
  waitingRequests: number;
};

async function call(
  method: string,
  path: string,
  caller: BearerCaller,
  body?: object,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...caller.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function requestAccess(caller: BearerCaller, practiceKey: string, email: string): Promise<string> {
  const res = await call('POST', '/api/access-requests', caller, {
    comune: 'E730',
    practiceKey,
    requesterRole: 'delegated_technician',
    reason: 'Verifica di conformità urbanistica per un atto di compravendita',
    email,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.awaitingScan).toBe(true);
  return res.body.id as string;
}

const worklist = async (): Promise<WorkItem[]> => {
  const res = await call('GET', '/api/digitisation/worklist', archivist);
  expect(res.status).toBe(200);
  return res.body.items as WorkItem[];
};

const scanMails = async () =>
  (await readOutbox(world.services.config.notify.outboxDir)).filter((m) =>
    /disponibile in consultazione/.test(m.headers.subject ?? ''),
  );

beforeAll(async () => {
  world = await createWorld({
    union: {
      name: 'Unione della Bassa Romagna',
      comuni: [
        { code: 'E730', name: 'Lugo', requireAccessRequest: true },
        { code: 'A547', name: 'Bagnacavallo' },
      ],
    },
    notify: { baseUrl: 'https://archivio.example.it' },
  });
  await world.services.paper.upsertInventory([
    {
      comune: 'E730',
      practiceKey: PRACTICE,
      procedureType: 'PE',
      number: 123,
      year: 1987,
      applicant: 'Rossi Mario',
      address: 'Via Roma 12',
      location: { building: 'Municipio', room: 'Archivio', shelf: '4', box: '27' },
    },
    { comune: 'E730', practiceKey: 'PE 5/1990', procedureType: 'PE', number: 5, year: 1990, location: { box: '31' } },
  ]);
  api = await startApi(world.services);
  archivist = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  for (let i = 0; i < 3; i++) pros.push(await bearerUser(world.services, 'professional'));
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

describe('digitisation on demand, end to end', () => {
  it('puts a paper-only practice on the work list when a professional asks for it, and moves it up as more ask', async () => {
    // Another practice was asked for first: on a tie the oldest request leads.
    requestIds.other = await requestAccess(pros[0]!, 'PE 5/1990', 'primo@example.it');
    requestIds.first = await requestAccess(pros[1]!, 'P.E. n. 123/87', 'secondo@example.it');
    const before = await worklist();
    expect(before.map((i) => i.record.practiceKey)).toEqual(['PE 5/1990', PRACTICE]);
    expect(before[1]!.record.location.box).toBe('27');
    expect((await world.services.paper.getInventoryByKey('E730', PRACTICE))?.state).toBe('requested');

    requestIds.second = await requestAccess(pros[2]!, PRACTICE, 'terzo@example.it');
    const after = await worklist();
    expect(after.map((i) => i.record.practiceKey)).toEqual([PRACTICE, 'PE 5/1990']);
    expect(after[0]).toMatchObject({ waitingRequests: 2 });
    expect(after[0]!.priority).toBeGreaterThan(after[1]!.priority);
  });

  it('archives the uploaded scan of the practice, takes it off the work list and tells each requester once', async () => {
    const scan = await renderTextPage({
      text: 'COMUNE DI LUGO - SETTORE EDILIZIA PRIVATA\nRELAZIONE TECNICA\nPratica edilizia n. 123/1987\nImmobile in Via Roma 12, richiedente Rossi Mario.',
      widthMm: 170,
      heightMm: 70,
      marginMm: 10,
      fontSizePt: 14,
    });
    const upload = await uploadAndWait(
      world,
      api.url,
      archivist,
      { name: 'pe-123-1987.png', data: scan.image },
      { fields: { comune: 'E730' }, timeoutMs: 240_000 },
    );

    documentId = upload.documentId;
    const doc = upload.document;
    expect(doc?.status, doc?.error).toBe('archived');
    expect((doc as { comune?: string }).comune).toBe('E730');
    expect(documentPracticeKey(doc!)).toBe(PRACTICE);

    // The pipeline archived the practice in the paper inventory, with the scan's pages.
    expect(await world.services.paper.getInventoryByKey('E730', PRACTICE)).toMatchObject({
      state: 'archived',
      pages: 1,
    });
    expect((await worklist()).map((i) => i.record.practiceKey)).toEqual(['PE 5/1990']);

    // Both requests moved on by themselves; the other practice's request still waits.
    for (const id of [requestIds.first!, requestIds.second!]) {
      const r = await world.services.paper.getAccessRequest(id);
      expect(r).toMatchObject({ awaitingScan: false, state: 'pending' });
      expect(r?.scanNotifiedAt).toBeTruthy();
    }
    expect((await world.services.paper.getAccessRequest(requestIds.other!))?.awaitingScan).toBe(true);

    const mails = await scanMails();
    expect(mails.map((m) => m.headers.to).sort()).toEqual(['secondo@example.it', 'terzo@example.it']);
    expect(mails[0]!.headers.subject).toBe(`Pratica ${PRACTICE} (Comune di Lugo) disponibile in consultazione`);

    // The requester sees it in their list.
    const mine = await call('GET', '/api/access-requests?mine=1', pros[1]!);
    expect(mine.body.requests[0]).toMatchObject({ practiceKey: PRACTICE, awaitingScan: false });
  }, 300_000);

  it('sends nothing more and counts no page twice when the index step runs again for the document', async () => {
    expect(documentId).toBeDefined();
    const ctx = { ...world.services, log: world.services.logger, jobId: 'rerun', attempt: 2 };
    await indexJob(ctx, { documentId: documentId!, batchId: 'rerun' });
    expect(await scanMails()).toHaveLength(2);
    expect((await world.services.paper.getInventoryByKey('E730', PRACTICE))?.pages).toBe(1);
  }, 60_000);
});
