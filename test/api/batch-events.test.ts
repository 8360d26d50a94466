// The batch dashboard's live stream over real HTTP (Fastify on an ephemeral port, fetch reading the body): snapshot,
// status changes driven through the real metadata store, counts, heartbeat, done; one poll per batch however many
// watch it, and no poll once nobody does.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorHandler } from '../../src/api/error-handler.ts';
import { BatchEventHub, batchEventRoutes } from '../../src/api/routes/batch-events.routes.ts';
import { batchRoutes } from '../../src/api/routes/batches.routes.ts';
import type { MetadataStore } from '../../src/db/metadata-store.ts';
import type { AppServices } from '../../src/workers/services.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { actAs } from '../helpers/act-as.ts';

const POLL_MS = 50;

/** Counts the poller's reads of the batch counts, made once per poll (the real store underneath). */
/** Counts batchSummary reads per batch (other tests' streams may still be polling their own batches). */
function countingDb(db: MetadataStore): { db: MetadataStore; reads: (batchId: string) => number } {
  const reads = new Map<string, number>();
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'batchSummary' && typeof value === 'function') {
        return (...args: unknown[]) => {
          const batchId = String(args[0]);
          reads.set(batchId, (reads.get(batchId) ?? 0) + 1);
          return value.apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, reads: (batchId) => reads.get(batchId) ?? 0 };
}

/**
 * `forceClose`: after a fetch is aborted, undici opens a fresh socket that never sends a request; Fastify's default
 * close ('idle') waits for it until the keep-alive timeout (~70 s), so the app whose clients abort closes them all.
 */
async function startApp(
  services: AppServices,
  hub: BatchEventHub,
  opts: { heartbeatMs?: number; forceClose?: boolean } = {},
) {
  const app = Fastify({ forceCloseConnections: opts.forceClose ? true : 'idle' });
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  app.setErrorHandler(apiErrorHandler(services.logger));
  actAs(app);
  await app.register(helmet);
  await app.register(batchRoutes(services), { prefix: '/api' });
  await app.register(batchEventRoutes(services, { hub, heartbeatMs }), { prefix: '/api' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { app, url: `http://127.0.0.1:${address.port}` };
}

type SseMessage = { event?: string; data?: any; comment?: string };

/** Reads server-sent events from a fetch response, one message at a time. */
class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  ended = false;
  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }
  async next(timeoutMs = 5000): Promise<SseMessage | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseBlock(block);
      }
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), left)),
      ]);
      if (chunk.done) this.ended = true;
      else this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }
  /** The next message that is not a heartbeat. */
  async nextEvent(timeoutMs?: number): Promise<SseMessage | null> {
    for (;;) {
      const m = await this.next(timeoutMs);
      if (!m || m.event) return m;
    }
  }
}

function parseBlock(block: string): SseMessage {
  const m: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) m.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) m.event = line.slice(7);
    else if (line.startsWith('data: ')) m.data = JSON.parse(line.slice(6));
  }
  return m;
}

const waitFor = async (check: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let world: World;
let counting: ReturnType<typeof countingDb>;
let hub: BatchEventHub;
let api: { app: FastifyInstance; url: string };

beforeAll(async () => {
  world = await createWorld({}, { workers: false });
  counting = countingDb(world.services.db);
  const services = { ...world.services, db: counting.db };
  hub = new BatchEventHub(counting.db, world.services.logger, { pollMs: POLL_MS });
  api = await startApp(services, hub, { forceClose: true });
});
afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

let seq = 0;
/** A batch with accepted documents in status 'received'; returns the ids. */
async function batchWith(names: string[]): Promise<{ batchId: string; ids: string[] }> {
  const { db } = world.services;
  const batch = await db.createBatch({ label: 'eventi', source: 'test' });
  const ids: string[] = [];
  for (const filename of names) {
    const id = (++seq).toString(16).padStart(64, 'a');
    await db.createDocument({ id, sha256: id, batchId: batch.id, filename, mediaType: 'image/tiff', size: 10 });
    await db.addBatchItem({ batchId: batch.id, filename, outcome: 'accepted', documentId: id, sha256: id });
    ids.push(id);
  }
  return { batchId: batch.id, ids };
}

describe('batch events (SSE)', () => {
  it('sends a snapshot, then each status change with the counts, and ends with done when every document is terminal', async () => {
    const { db } = world.services;
    const { batchId, ids } = await batchWith(['uno.tif', 'due.tif']);
    const res = await fetch(`${api.url}/api/batches/${batchId}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff'); // helmet's headers still apply
    const sse = new SseReader(res);

    const snapshot = await sse.nextEvent();
    expect(snapshot?.event).toBe('snapshot');
    // The snapshot is what GET /api/batches/:id answers.
    expect(snapshot?.data).toEqual(await (await fetch(`${api.url}/api/batches/${batchId}`)).json());
    expect(snapshot?.data).toMatchObject({
      batch: { id: batchId },
      accepted: 2,
      byStatus: { received: 2 },
      done: false,
    });
    expect(snapshot?.data.documents.map((d: { id: string }) => d.id).sort()).toEqual([...ids].sort());

    await db.updateDocument(ids[0]!, { status: 'ocr' });
    expect(await sse.nextEvent()).toEqual({
      event: 'document',
      data: { id: ids[0], filename: 'uno.tif', status: 'ocr', failedStep: null, error: null, pageCount: null },
    });
    expect(await sse.nextEvent()).toMatchObject({
      event: 'summary',
      data: { byStatus: { received: 1, ocr: 1 }, done: false },
    });

    await db.updateDocument(ids[0]!, { status: 'archived', pageCount: 3 });
    await db.updateDocument(ids[1]!, { status: 'failed', failedStep: 'ocr', error: 'pagina illeggibile' });
    const rest: Array<SseMessage | null> = [];
    for (let m = await sse.nextEvent(); m; m = await sse.nextEvent()) rest.push(m);
    // Both changes may land in one poll or two; either way each document's final state, counts, then done.
    const docs = rest.filter((m) => m?.event === 'document').map((m) => m!.data);
    expect(docs.at(-2)?.id === ids[1] ? docs.slice(-2).reverse() : docs.slice(-2)).toEqual([
      { id: ids[0], filename: 'uno.tif', status: 'archived', failedStep: null, error: null, pageCount: 3 },
      {
        id: ids[1],
        filename: 'due.tif',
        status: 'failed',
        failedStep: 'ocr',
        error: 'pagina illeggibile',
        pageCount: null,
      },
    ]);
    expect(rest.at(-2)).toMatchObject({ event: 'summary', data: { byStatus: { archived: 1, failed: 1 }, done: true } });
    expect(rest.at(-1)).toMatchObject({ event: 'done', data: { items: 2, done: true } });
    expect(sse.ended).toBe(true); // the server closed the stream
    await waitFor(() => !(batchId in hub.watching()));
  });

  it('announces a document that joins the batch, and a page count set without a status change', async () => {
    const { batchId } = await batchWith(['primo.tif']);
    const controller = new AbortController();
    const sse = new SseReader(await fetch(`${api.url}/api/batches/${batchId}/events`, { signal: controller.signal }));
    expect((await sse.nextEvent())?.event).toBe('snapshot');
    const { db } = world.services;
    const id = 'f'.repeat(64);
    await db.createDocument({ id, sha256: id, batchId, filename: 'secondo.tif', mediaType: 'image/tiff', size: 1 });
    expect(await sse.nextEvent()).toMatchObject({
      event: 'document',
      data: { id, filename: 'secondo.tif', status: 'received' },
    });
    expect(await sse.nextEvent()).toMatchObject({ event: 'summary', data: { byStatus: { received: 2 } } });
    // A change the counts do not show (page count, same status) still arrives, from the periodic full read.
    await db.updateDocument(id, { pageCount: 4 });
    expect(await sse.nextEvent()).toMatchObject({ event: 'document', data: { id, status: 'received', pageCount: 4 } });
    controller.abort();
  });

  it('shares one poll among the clients of a batch and stops polling when the last one disconnects', async () => {
    const { batchId } = await batchWith(['a.tif']);
    const clients = [new AbortController(), new AbortController(), new AbortController()];
    for (const c of clients) {
      const sse = new SseReader(await fetch(`${api.url}/api/batches/${batchId}/events`, { signal: c.signal }));
      expect((await sse.nextEvent())?.event).toBe('snapshot');
    }
    expect(hub.watching()[batchId]).toBe(3);

    const before = counting.reads(batchId);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const polls = counting.reads(batchId) - before;
    const periods = (Date.now() - started) / POLL_MS;
    // One poller: at most one read per period (three pollers would make ~3 per period).
    expect(polls).toBeGreaterThan(2);
    expect(polls).toBeLessThanOrEqual(periods + 1);

    clients[0]!.abort();
    await waitFor(() => hub.watching()[batchId] === 2);
    clients[1]!.abort();
    clients[2]!.abort();
    await waitFor(() => !(batchId in hub.watching()));
    const afterClose = counting.reads(batchId);
    await new Promise((r) => setTimeout(r, POLL_MS * 6));
    expect(counting.reads(batchId)).toBe(afterClose);
  });

  it('sends a heartbeat comment while nothing changes', async () => {
    const heartbeatHub = new BatchEventHub(world.services.db, world.services.logger, { pollMs: POLL_MS });
    const own = await startApp(world.services, heartbeatHub, { heartbeatMs: 100, forceClose: true });
    try {
      const { batchId } = await batchWith(['quieto.tif']);
      const controller = new AbortController();
      const sse = new SseReader(await fetch(`${own.url}/api/batches/${batchId}/events`, { signal: controller.signal }));
      expect((await sse.next())?.event).toBe('snapshot');
      expect(await sse.next(2000)).toEqual({ comment: 'ping' });
      expect(await sse.next(2000)).toEqual({ comment: 'ping' });
      controller.abort();
    } finally {
      await own.app.close();
    }
  });

  it('answers a finished batch with its snapshot and done at once, and an unknown batch with 404', async () => {
    const { batchId, ids } = await batchWith(['fatto.tif']);
    await world.services.db.updateDocument(ids[0]!, { status: 'archived', pageCount: 1 });
    const sse = new SseReader(await fetch(`${api.url}/api/batches/${batchId}/events`));
    expect((await sse.nextEvent())?.event).toBe('snapshot');
    expect(await sse.nextEvent()).toMatchObject({ event: 'done', data: { done: true, byStatus: { archived: 1 } } });
    expect(await sse.nextEvent()).toBeNull();
    expect(hub.watching()).not.toHaveProperty(batchId);

    const missing = await fetch(`${api.url}/api/batches/${randomUUID()}/events`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'batch not found' } });
    const bad = await fetch(`${api.url}/api/batches/nope/events`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('INVALID_REQUEST');
  });

  it('lets the server shut down while clients are still watching', async () => {
    const ownHub = new BatchEventHub(world.services.db, world.services.logger, { pollMs: POLL_MS });
    const own = await startApp(world.services, ownHub);
    const { batchId } = await batchWith(['lungo.tif']);
    const sse = new SseReader(await fetch(`${own.url}/api/batches/${batchId}/events`));
    expect((await sse.nextEvent())?.event).toBe('snapshot');
    const started = Date.now();
    await own.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await sse.nextEvent()).toBeNull(); // the stream ended cleanly
    expect(ownHub.watching()).toEqual({});
  });
});
