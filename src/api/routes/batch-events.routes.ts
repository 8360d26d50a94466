// Live progress of a batch as Server-Sent Events, for the upload dashboard: a snapshot first, then each document whose
// status changes, the new counts, a heartbeat, and `done` once every document is archived or failed. The metadata
// store is polled only while someone watches a batch, once per batch however many people watch it.
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../../core/logger.ts';
import type { BatchSummary, DocumentRecord, MetadataStore } from '../../db/metadata-store.ts';
import type { AppServices } from '../../workers/services.ts';
import { apiDoc } from '../openapi.ts';
import { batchIdParams, batchInScope, batchViewBody, loadBatchView } from './batches.routes.ts';
import { requireUser } from '../../auth/auth-user.ts';

export interface BatchEventOptions {
  /** How often the store is read while a batch has watchers (default 500 ms). */
  pollMs?: number;
  /** Interval of the `: ping` comment that keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
}

/** What an `event: document` carries; absent values are null so a client can clear what it shows. */
export interface DocumentEvent {
  id: string;
  filename: string;
  status: DocumentRecord['status'];
  failedStep: string | null;
  error: string | null;
  pageCount: number | null;
}

const documentEvent = (d: Omit<DocumentRecord, 'classification'>): DocumentEvent => ({
  id: d.id,
  filename: d.filename,
  status: d.status,
  failedStep: d.failedStep ?? null,
  error: d.error ?? null,
  pageCount: d.pageCount ?? null,
});

/** Finished: something was uploaded and every document reached a terminal status. */
const finished = (s: BatchSummary) => s.items > 0 && s.done;

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** Without a change in the counts, the documents are still re-read every this many polls (see poll()). */
const FULL_READ_EVERY = 10;
/** The pause after a poll is at least this many times the poll's duration, so a huge batch cannot hog the loop. */
const BACKOFF_FACTOR = 4;

interface Watch {
  clients: Set<PassThrough>;
  /** Last state sent per document (JSON of its DocumentEvent) and of the summary. */
  documents: Map<string, string>;
  summary: string;
  /** Polls since the documents were last read. */
  sinceFullRead: number;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

/**
 * One poller per watched batch, shared by its clients. A client joining a running poller may get again a document
 * event its snapshot already showed: each event carries the document's whole state, so repeating one is harmless.
 */
export class BatchEventHub {
  private readonly watches = new Map<string, Watch>();
  private readonly pollMs: number;

  constructor(
    private readonly db: MetadataStore,
    private readonly logger: Logger,
    opts: { pollMs?: number } = {},
  ) {
    this.pollMs = opts.pollMs ?? 500;
  }

  /** Batches being polled, with their number of clients. */
  watching(): Record<string, number> {
    return Object.fromEntries([...this.watches].map(([id, w]) => [id, w.clients.size]));
  }

  /** Adds a client whose snapshot showed `documents` and `summary`; it leaves when its stream closes. */
  join(
    batchId: string,
    client: PassThrough,
    documents: Array<Omit<DocumentRecord, 'classification'>>,
    summary: BatchSummary,
  ): void {
    let watch = this.watches.get(batchId);
    if (!watch) {
      const known = new Map(documents.map((d) => [d.id, JSON.stringify(documentEvent(d))]));
      watch = {
        clients: new Set(),
        documents: known,
        summary: JSON.stringify(summary),
        sinceFullRead: 0,
        stopped: false,
      };
      this.watches.set(batchId, watch);
      this.schedule(batchId, watch, this.pollMs);
    }
    watch.clients.add(client);
    client.once('close', () => this.leave(batchId, client));
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const [batchId, watch] of this.watches) this.stop(batchId, watch);
  }

  private leave(batchId: string, client: PassThrough): void {
    const watch = this.watches.get(batchId);
    if (!watch) return;
    watch.clients.delete(client);
    if (watch.clients.size === 0) this.stop(batchId, watch);
  }

  private stop(batchId: string, watch: Watch): void {
    watch.stopped = true;
    clearTimeout(watch.timer);
    if (this.watches.get(batchId) === watch) this.watches.delete(batchId);
    for (const c of watch.clients) c.end();
    watch.clients.clear();
  }

  private schedule(batchId: string, watch: Watch, delayMs: number): void {
    // A chain of timeouts, not an interval: a slow read never overlaps the next one.
    watch.timer = setTimeout(() => {
      const started = performance.now();
      this.poll(batchId, watch)
        .catch((err: Error) => this.logger.warn({ err: err.message, batchId }, 'batch events: poll failed'))
        .finally(() => {
          const took = performance.now() - started;
          if (!watch.stopped) this.schedule(batchId, watch, Math.max(this.pollMs, BACKOFF_FACTOR * took));
        });
    }, delayMs);
  }

  /**
   * The counts are cheap to read (two GROUP BYs), the documents are not (~60-120 ms for 1000 of them with their
   * classification JSON, on the event loop with SQLite). So the documents are read when the counts moved (every
   * status change moves them), and every FULL_READ_EVERY polls for what the counts cannot show (a page count set
   * before its status change, two documents trading places).
   */
  private async poll(batchId: string, watch: Watch): Promise<void> {
    const summary = await this.db.batchSummary(batchId);
    if (watch.stopped) return;
    if (!summary) return this.stop(batchId, watch);
    const summaryJson = JSON.stringify(summary);
    const moved = summaryJson !== watch.summary;
    const out: string[] = [];
    if (moved || finished(summary) || ++watch.sinceFullRead >= FULL_READ_EVERY) {
      watch.sinceFullRead = 0;
      const documents = await this.db.listDocuments({ batchId });
      if (watch.stopped) return;
      for (const d of documents) {
        const event = documentEvent(d);
        const json = JSON.stringify(event);
        if (watch.documents.get(d.id) === json) continue;
        watch.documents.set(d.id, json);
        out.push(frame('document', event));
      }
    }
    if (out.length > 0 || moved) {
      watch.summary = summaryJson;
      out.push(frame('summary', summary));
    }
    if (finished(summary)) out.push(frame('done', summary));
    if (out.length) for (const c of watch.clients) c.write(out.join(''));
    if (finished(summary)) this.stop(batchId, watch);
  }
}

export function batchEventRoutes(
  services: AppServices,
  opts: BatchEventOptions & { hub?: BatchEventHub } = {},
): FastifyPluginAsync {
  const { db, logger } = services;
  const hub = opts.hub ?? new BatchEventHub(db, logger.child({ component: 'batch-events' }), opts);
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  return async (app) => {
    // Open streams would keep server.close() waiting forever.
    app.addHook('preClose', async () => hub.closeAll());

    app.get(
      '/batches/:id/events',
      apiDoc({
        summary: 'Avanzamento di un lotto in tempo reale (Server-Sent Events)',
        description:
          'Eventi: `snapshot` (come GET /api/batches/{id}), `document` ({id, filename, status, failedStep, error, ' +
          'pageCount}) a ogni cambio di stato, `summary` (conteggi), `done` quando tutti i documenti sono archiviati ' +
          'o in errore; commento `: ping` ogni 15 s.',
        tags: ['lotti'],
        params: batchIdParams,
        produces: ['text/event-stream'],
        responses: { 200: 'Flusso di eventi' },
        errors: [404],
      }),
      async (req, reply) => {
        const { id } = batchIdParams.parse(req.params);
        const view = (await batchInScope(db, id, requireUser(req).scope)) ? await loadBatchView(db, id) : null;
        if (!view) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'batch not found' } });
        const stream = new PassThrough();
        stream.write(frame('snapshot', batchViewBody(view)));
        if (finished(view.summary)) {
          stream.end(frame('done', view.summary));
        } else {
          const heartbeat = setInterval(() => stream.write(': ping\n\n'), heartbeatMs);
          // Fastify destroys the stream when the client goes away; the hub ends it when the batch is done.
          stream.once('close', () => clearInterval(heartbeat));
          hub.join(id, stream, view.documents, view.summary);
        }
        return reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no')
          .send(stream);
      },
    );
  };
}
