// Documents: status and metadata, the searchable PDF and the text record.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { PACKAGE_FILES } from '../../store/keys.ts';
import type { AppServices } from '../../workers/services.ts';

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

    app.get('/documents/:id/text', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const document = await db.getDocument(id);
      if (!document?.archiveKey) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'text not available' } });
      return reply.header('content-type', 'application/json').send(await store.get(`${document.archiveKey}/${PACKAGE_FILES.text}`));
    });
  };
}
