// Batches: streaming multipart upload of many files, and the batch status.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { BatchItem } from '../../db/metadata-store.ts';
import type { AppServices } from '../../workers/services.ts';

const idParams = z.object({ id: z.string().uuid() });

export function batchRoutes(services: AppServices): FastifyPluginAsync {
  const { db, ingest } = services;
  return async (app) => {
    app.post('/batches', async (req, reply) => {
      if (!req.isMultipart()) return reply.status(415).send({ error: { code: 'NOT_MULTIPART', message: 'send files as multipart/form-data' } });
      const label = typeof (req.query as Record<string, unknown>).label === 'string' ? String((req.query as Record<string, string>).label) : 'upload';
      const batch = await db.createBatch({ label, source: 'upload' });
      const items: BatchItem[] = [];
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        items.push(await ingest.ingest(batch.id, part.filename, part.file));
      }
      return reply.status(201).send({ batch, items });
    });

    app.get('/batches', async (req) => {
      const q = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) }).parse(req.query);
      return { batches: await db.listBatches(q) };
    });

    app.get('/batches/:id', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const summary = await db.batchSummary(id);
      if (!summary) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'batch not found' } });
      const documents = await db.listDocuments({ batchId: id });
      const items = await db.listBatchItems(id);
      return {
        ...summary,
        items,
        documents: documents.map(({ classification: _c, ...d }) => d),
      };
    });
  };
}
