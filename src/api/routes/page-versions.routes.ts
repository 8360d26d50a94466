// Page rescans of archived documents: staff of the document's Comune send a new scan of a page (it replaces the page
// through the rescan queue, never inside the request), and read a page's versions and each version's image.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import type { Role } from '../../auth/roles.ts';
import { pageVersionImage } from '../../rescan/page-version.image.ts';
import { openRescanQueue } from '../../rescan/rescan.queue.ts';
import { RescanError, pageHistory, requestRescan } from '../../rescan/rescan.service.ts';
import type { AppServices } from '../../workers/services.ts';
import type { PolicyEntry } from '../access-policy.ts';
import { accessibleDocument } from '../document-access.ts';
import { apiDoc } from '../openapi.ts';

const ARCHIVIST: readonly Role[] = ['admin', 'archivist'];
const STAFF: readonly Role[] = ['admin', 'archivist', 'records_manager'];
const audited = (audit: string, roles: readonly Role[]): PolicyEntry => ({
  roles,
  audit,
  target: 'id',
  targetType: 'document',
});

/** Access-policy entries of these routes (spread into ACCESS_POLICY). */
export const PAGE_VERSION_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'POST /api/documents/:id/pages/:page/rescan': audited('document.page_rescan', ARCHIVIST),
  'GET /api/documents/:id/pages/:page/versions': { roles: STAFF },
  'GET /api/documents/:id/pages/:page/versions/:version/image': audited('document.page_version_view', STAFF),
};

const pageParams = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .meta({ description: 'SHA-256 del file originale' }),
  page: z.coerce.number().int().min(1).max(100_000).meta({ description: 'Numero di pagina (da 1)' }),
});
const versionParams = pageParams.extend({
  version: z.coerce.number().int().min(1).meta({ description: 'Versione della pagina (1 = originale)' }),
});
const rescanQuery = z.object({
  reason: z.string().trim().max(500).optional().meta({ description: 'Motivo della nuova scansione' }),
});
const TAGS = ['documenti'];

export function pageVersionRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    const queue = openRescanQueue(services);
    app.addHook('onClose', async () => queue.close());

    app.post(
      '/documents/:id/pages/:page/rescan',
      apiDoc({
        summary: 'Sostituisci una pagina con una nuova scansione',
        description:
          'Multipart/form-data con un campo `file` (TIFF, JPEG o PNG di una pagina, o PDF di una pagina) e un campo ' +
          'facoltativo `reason` prima del file (o `?reason=`). La scansione è conservata con la sua impronta; la ' +
          'pagina è sostituita in coda (PDF ricercabile, indice, pacchetto di archivio con una nuova versione), ' +
          "l'originale resta invariato.",
        tags: TAGS,
        params: pageParams,
        querystring: rescanQuery,
        consumes: ['multipart/form-data'],
        responses: { 202: 'Nuova versione registrata, in lavorazione' },
        errors: [403, 404, 409, 413, 415, 422],
      }),
      async (req, reply) => {
        const { id, page } = pageParams.parse(req.params);
        const doc = await accessibleDocument(services, req, id, 'write');
        if (!req.isMultipart())
          return reply
            .status(415)
            .send({ error: { code: 'NOT_MULTIPART', message: 'invia il file come multipart/form-data' } });
        const fields: Record<string, string> = {};
        let version;
        for await (const part of req.parts()) {
          if (part.type !== 'file') {
            if (typeof part.value === 'string') fields[part.fieldname] = part.value;
            continue;
          }
          if (version) throw new RescanError('una pagina alla volta: un solo file', 400, 'ONE_FILE');
          const { reason } = rescanQuery.parse({ ...(req.query as Record<string, unknown>), ...fields });
          version = await requestRescan({ ...services, queue }, doc, {
            page,
            filename: part.filename,
            body: part.file,
            by: requireUser(req).username,
            ...(reason ? { reason } : {}),
          });
        }
        if (!version) throw new RescanError('nessun file ricevuto', 400, 'NO_FILE');
        req.auditNote = {
          ...req.auditNote,
          detail: {
            page,
            version: version.version,
            sha256: version.sha256,
            ...(version.reason ? { reason: version.reason } : {}),
          },
        };
        return reply.status(202).send({ version });
      },
    );

    app.get(
      '/documents/:id/pages/:page/versions',
      apiDoc({
        summary: 'Versioni di una pagina',
        description:
          'La versione 1 è la pagina dell’originale; ogni nuova scansione aggiunge una versione (chi, quando, perché).',
        tags: TAGS,
        params: pageParams,
        errors: [403, 404],
      }),
      async (req) => {
        const { id, page } = pageParams.parse(req.params);
        const doc = await accessibleDocument(services, req, id);
        if (!doc.pageCount || page > doc.pageCount)
          throw new RescanError(`il documento non ha la pagina ${page}`, 404, 'NO_SUCH_PAGE');
        return { documentId: id, page, versions: await pageHistory(services, doc, page) };
      },
    );

    app.get(
      '/documents/:id/pages/:page/versions/:version/image',
      apiDoc({
        summary: 'Immagine di una versione di una pagina, come ricevuta',
        tags: TAGS,
        params: versionParams,
        produces: ['image/png', 'image/jpeg', 'image/tiff', 'application/pdf'],
        errors: [403, 404],
      }),
      async (req, reply) => {
        const { id, page, version } = versionParams.parse(req.params);
        const doc = await accessibleDocument(services, req, id);
        const image = await pageVersionImage(services, doc, page, version);
        req.auditNote = { ...req.auditNote, detail: { page, version } };
        return reply
          .header('content-type', image.mediaType)
          .header('content-length', image.body.length)
          .header('content-disposition', `inline; filename="${image.filename}"`)
          .header('x-content-type-options', 'nosniff')
          .send(image.body);
      },
    );
  };
}
