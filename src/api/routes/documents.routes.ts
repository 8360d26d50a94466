// Documents: status and metadata, the searchable PDF and the text record.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { PACKAGE_FILES } from '../../store/keys.ts';
import type { AppServices } from '../../workers/services.ts';
import { retryDocument, RetryError } from '../../workers/retry-document.ts';

const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) });

export function documentRoutes(services: AppServices): FastifyPluginAsync {
  const { db, store } = services;
  return async (app) => {
    app.get('/documents/:id', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const document = await db.getDocument(id);
      if (!document) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'document not found' } });
      return { document, pages: await db.listPages(id), events: await db.listEvents({ documentId: id }) };
    });

    app.get('/documents/:id/pdf', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const document = await db.getDocument(id);
      if (!document) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'document not found' } });
      if (!document.archiveKey) return reply.status(409).send({ error: { code: 'NOT_READY', message: `document is ${document.status}` } });
      const key = `${document.archiveKey}/${PACKAGE_FILES.pdf}`;
      const head = await store.head(key);
      if (!head) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'searchable PDF missing from the store' } });
      const name = document.filename.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') + '.pdf';
      return reply
        .header('content-type', 'application/pdf')
        .header('content-length', head.size)
        .header('content-disposition', `inline; filename="${name}"`)
        .header('x-content-type-options', 'nosniff')
        .send(await store.get(key));
    });

    // Dead-letter view: failed documents with their reasons, newest first.
    app.get('/failed', async (req) => {
      const q = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) }).parse(req.query);
      const documents = await db.listDocuments({ status: 'failed', ...q });
      return {
        documents: documents.map((d) => ({ id: d.id, batchId: d.batchId, filename: d.filename, step: d.failedStep, error: d.error, updatedAt: d.updatedAt })),
      };
    });

    app.post('/documents/:id/retry', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      try {
        await retryDocument(services, id, 'api');
      } catch (err) {
        if (err instanceof RetryError) return reply.status(409).send({ error: { code: 'CANNOT_RETRY', message: err.message } });
        throw err;
      }
      return reply.status(202).send({ status: 'received' });
    });

    app.get('/documents/:id/text', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const document = await db.getDocument(id);
      if (!document?.archiveKey) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'text not available' } });
      return reply.header('content-type', 'application/json').send(await store.get(`${document.archiveKey}/${PACKAGE_FILES.text}`));
    });
  };
}
