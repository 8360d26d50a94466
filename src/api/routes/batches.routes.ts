// Batches: streaming multipart upload of many files, and the batch status.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { BatchItem, BatchSummary, DocumentRecord, MetadataStore } from '../../db/metadata-store.ts';
import type { AppServices } from '../../workers/services.ts';
import { apiDoc } from '../openapi.ts';

export const batchIdParams = z.object({ id: z.string().uuid().meta({ description: 'Identificativo del lotto' }) });
const uploadQuery = z.object({ label: z.string().max(200).optional().meta({ description: 'Etichetta del lotto' }) });
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A batch's summary with its upload items and documents (without their classification). */
export interface BatchView {
  summary: BatchSummary;
  items: BatchItem[];
  documents: Array<Omit<DocumentRecord, 'classification'>>;
}

export async function loadBatchView(db: MetadataStore, id: string): Promise<BatchView | null> {
  const summary = await db.batchSummary(id);
  if (!summary) return null;
  const [documents, items] = await Promise.all([db.listDocuments({ batchId: id }), db.listBatchItems(id)]);
  return { summary, items, documents: documents.map(({ classification: _c, ...d }) => d) };
}

/** The body of GET /api/batches/:id (and of the events stream's snapshot): `items` there is the list, not the count. */
export const batchViewBody = (v: BatchView) => ({ ...v.summary, items: v.items, documents: v.documents });

export function batchRoutes(services: AppServices): FastifyPluginAsync {
  const { db, ingest } = services;
  return async (app) => {
    app.post(
      '/batches',
      apiDoc({
        summary: 'Carica un lotto di file',
        description:
          'Multipart/form-data con uno o più campi `file` (anche zip). Ogni file diventa un elemento del lotto: ' +
          'accettato, duplicato, rifiutato (con il motivo) o espanso (zip).',
        tags: ['lotti'],
        querystring: uploadQuery,
        consumes: ['multipart/form-data'],
        responses: { 201: 'Lotto creato con i suoi elementi' },
        errors: [415],
      }),
      async (req, reply) => {
        if (!req.isMultipart())
          return reply
            .status(415)
            .send({ error: { code: 'NOT_MULTIPART', message: 'send files as multipart/form-data' } });
        const label = uploadQuery.parse(req.query).label ?? 'upload';
        const batch = await db.createBatch({ label, source: 'upload' });
        const items: BatchItem[] = [];
        for await (const part of req.parts()) {
          if (part.type !== 'file') continue;
          items.push(await ingest.ingest(batch.id, part.filename, part.file));
        }
        return reply.status(201).send({ batch, items });
      },
    );

    // No `total` yet: the MetadataStore port has no batch count (see the issue 8 notes).
    app.get(
      '/batches',
      apiDoc({ summary: 'Elenco dei lotti, dal più recente', tags: ['lotti'], querystring: pageQuery }),
      async (req) => {
        const q = pageQuery.parse(req.query);
        return { batches: await db.listBatches(q), limit: q.limit, offset: q.offset };
      },
    );

    app.get(
      '/batches/:id',
      apiDoc({
        summary: 'Stato di un lotto',
        description:
          'Riepilogo (conteggi per stato), elementi caricati e documenti con `status`, `failedStep`, `error`.',
        tags: ['lotti'],
        params: batchIdParams,
        errors: [404],
      }),
      async (req, reply) => {
        const { id } = batchIdParams.parse(req.params);
        const view = await loadBatchView(db, id);
        if (!view) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'batch not found' } });
        return batchViewBody(view);
      },
    );
  };
}
