// Documents: status and metadata, the searchable PDF and the text record.
import { requireUser } from '../../auth/auth-user.ts';
import { redactDocument, seesPersonalData } from '../../index/field-access.ts';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { PACKAGE_FILES } from '../../store/keys.ts';
import type { AppServices } from '../../workers/services.ts';
import { retryDocument, RetryError } from '../../workers/retry-document.ts';
import { correctDocumentMetadata, metadataCorrectionSchema } from '../../classify/metadata-correction.ts';
import { apiDoc } from '../openapi.ts';
import { readSplitPlan } from '../../scan/split-plan.ts';
import { accessibleDocument } from '../document-access.ts';
import { actingComuni } from '../../tenancy/tenant-scope.ts';
import { comuneName } from '../../tenancy/comuni.ts';

const idParams = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .meta({ description: 'SHA-256 del file originale' }),
});
const failedQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const TAGS = ['documenti'];

export function documentRoutes(services: AppServices): FastifyPluginAsync {
  const { db, store } = services;
  return async (app) => {
    app.get(
      '/documents/:id',
      apiDoc({
        summary: 'Scheda di un documento',
        description: 'Documento con classificazione, pagine ed eventi.',
        tags: TAGS,
        params: idParams,
        errors: [403, 404],
      }),
      async (req) => {
        const { id } = idParams.parse(req.params);
        const document = await accessibleDocument(services, req, id);
        const detail = {
          document: { ...document, comuneName: comuneName(services.config.union, document.comune) },
          pages: await db.listPages(id),
          events: await db.listEvents({ documentId: id }),
        };
        return redactDocument(detail, req.user?.role);
      },
    );

    app.get(
      '/documents/:id/split',
      apiDoc({
        summary: 'Suddivisione di una scansione di scatola',
        description:
          'Per una scansione di scatola suddivisa: le parti (pratica, tipo, pagine, separatori, pagine bianche, ' +
          'avvisi) e il documento di ciascuna. Per un documento nato da una scatola: la suddivisione della sua scatola.',
        tags: TAGS,
        params: idParams,
        errors: [403, 404],
      }),
      async (req, reply) => {
        const { id } = idParams.parse(req.params);
        const document = await accessibleDocument(services, req, id);
        const plan = await readSplitPlan(store, document.splitOrigin?.boxScan ?? id);
        if (!plan) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'not a split box scan' } });
        return plan;
      },
    );

    app.get(
      '/documents/:id/pdf',
      apiDoc({
        summary: 'PDF ricercabile del documento archiviato',
        tags: TAGS,
        params: idParams,
        produces: ['application/pdf'],
        errors: [403, 404, 409],
      }),
      async (req, reply) => {
        const { id } = idParams.parse(req.params);
        const document = await accessibleDocument(services, req, id);
        if (!document.archiveKey)
          return reply.status(409).send({ error: { code: 'NOT_READY', message: `document is ${document.status}` } });
        const key = `${document.archiveKey}/${PACKAGE_FILES.pdf}`;
        const head = await store.head(key);
        if (!head)
          return reply
            .status(404)
            .send({ error: { code: 'NOT_FOUND', message: 'searchable PDF missing from the store' } });
        const name = document.filename.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') + '.pdf';
        return reply
          .header('content-type', 'application/pdf')
          .header('content-length', head.size)
          .header('content-disposition', `inline; filename="${name}"`)
          .header('x-content-type-options', 'nosniff')
          .send(await store.get(key));
      },
    );

    // Dead-letter view: failed documents with their reasons, newest first.
    // No `total` yet: the MetadataStore port has no document count (see the issue 8 notes).
    app.get(
      '/failed',
      apiDoc({ summary: 'Documenti in errore, con il passo e il motivo', tags: TAGS, querystring: failedQuery }),
      async (req) => {
        const q = failedQuery.parse(req.query);
        const comuni = actingComuni(requireUser(req).scope);
        const documents = await db.listDocuments({ status: 'failed', comuni, ...q });
        return {
          documents: documents.map((d) => ({
            id: d.id,
            batchId: d.batchId,
            filename: d.filename,
            step: d.failedStep,
            error: d.error,
            updatedAt: d.updatedAt,
          })),
          limit: q.limit,
          offset: q.offset,
        };
      },
    );

    app.post(
      '/documents/:id/retry',
      apiDoc({
        summary: 'Riprova un documento in errore',
        tags: TAGS,
        params: idParams,
        responses: { 202: 'Rimesso in coda' },
        errors: [409],
      }),
      async (req, reply) => {
        const { id } = idParams.parse(req.params);
        await accessibleDocument(services, req, id, 'write');
        try {
          await retryDocument(services, id, requireUser(req).username);
        } catch (err) {
          if (err instanceof RetryError)
            return reply.status(409).send({ error: { code: 'CANNOT_RETRY', message: err.message } });
          throw err;
        }
        return reply.status(202).send({ status: 'received' });
      },
    );

    app.get(
      '/documents/:id/text',
      apiDoc({ summary: 'Testo del documento, pagina per pagina', tags: TAGS, params: idParams, errors: [403, 404] }),
      async (req, reply) => {
        const { id } = idParams.parse(req.params);
        const document = await accessibleDocument(services, req, id);
        if (!document.archiveKey)
          return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'text not available' } });
        const key = `${document.archiveKey}/${PACKAGE_FILES.text}`;
        if (seesPersonalData(req.user?.role))
          return reply.header('content-type', 'application/json').send(await store.get(key));
        // The page text carries tax codes: masked for the roles that may not see them.
        return redactDocument(JSON.parse((await store.getBuffer(key)).toString('utf8')) as unknown, req.user?.role);
      },
    );

    app.patch(
      '/documents/:id/metadata',
      apiDoc({
        summary: 'Correggi i metadati di un documento archiviato',
        description:
          'Campi omessi restano invariati; null toglie pratica, indirizzo, riferimento catastale o subalterno. La nota ' +
          'è obbligatoria. Il documento viene reindicizzato subito; la correzione resta nello storico (`corrections`).',
        tags: TAGS,
        params: idParams,
        body: metadataCorrectionSchema,
        responses: { 200: 'Documento aggiornato, con i campi cambiati' },
        errors: [404, 409],
      }),
      async (req) => {
        const { id } = idParams.parse(req.params);
        const body = metadataCorrectionSchema.parse(req.body);
        await accessibleDocument(services, req, id, 'write');
        const actor = requireUser(req).username;
        return correctDocumentMetadata(services, id, body, actor);
      },
    );
  };
}
