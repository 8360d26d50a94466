// Practices (fascicoli) for the archivist: list and open them, see a document's practice, merge, split, move a
// document, rename.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PRACTICE_LIST_MAX, PracticeService } from '../../classify/practice.service.ts';
import { requireUser } from '../../auth/auth-user.ts';
import type { AppServices } from '../../workers/services.ts';
import { actingComuni, actsOn } from '../../tenancy/tenant-scope.ts';
import { accessibleDocument, DocumentAccessError, DOCUMENT_NOT_FOUND } from '../document-access.ts';

const practiceId = z.string().min(1).max(100);
const documentId = z.string().regex(/^[0-9a-f]{64}$/);
const note = z.string().max(2000).optional();
const practiceParams = z.object({ id: practiceId });
const documentParams = z.object({ id: documentId });

const listQuery = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(PRACTICE_LIST_MAX).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const mergeBody = z.object({ from: z.array(practiceId).min(1).max(100), note }).strict();
const splitBody = z
  .object({
    documentIds: z.array(documentId).min(1).max(1000),
    note,
    label: z.string().min(1).max(300).optional(),
    key: z.string().min(1).max(50).optional(),
  })
  .strict();
const moveBody = z.object({ practiceId, note }).strict();
const renameBody = z
  .object({ label: z.string().max(300).optional(), key: z.string().max(50).nullable().optional() })
  .strict();

/** The acting user: the logged-in user's username (set by the auth plugin), written in the practice events. */
function actingUser(req: FastifyRequest): string {
  return requireUser(req).username;
}

const PRACTICE_NOT_FOUND = 'Fascicolo non trovato';

export function practiceRoutes(services: AppServices): FastifyPluginAsync {
  const practices = new PracticeService(services.db, services.logger.child({ component: 'practices' }));

  /** Practices are staff work within the Comuni the user acts on: any other answers 404, as a missing one. */
  const inScope = async (req: FastifyRequest, id: string): Promise<void> => {
    const practice = await services.db.getPractice(id);
    if (!practice || !actsOn(requireUser(req).scope, practice.comune))
      throw new DocumentAccessError(PRACTICE_NOT_FOUND, 404, 'NOT_FOUND');
  };
  const documentInScope = async (req: FastifyRequest, id: string): Promise<void> => {
    await accessibleDocument(services, req, id, 'write').catch((err: unknown) => {
      if (err instanceof DocumentAccessError && err.code === 'OTHER_COMUNE')
        throw new DocumentAccessError(DOCUMENT_NOT_FOUND, 404, 'NOT_FOUND');
      throw err;
    });
  };

  return async (app) => {
    app.get('/practices', async (req) => {
      const q = listQuery.parse(req.query);
      const comuni = actingComuni(requireUser(req).scope);
      return practices.list(q.q, q.limit, q.offset, comuni ? { comuni } : {});
    });

    app.get('/practices/:id', async (req) => {
      const { id } = practiceParams.parse(req.params);
      await inScope(req, id);
      return practices.get(id);
    });

    app.get('/documents/:id/practice', async (req) => {
      const { id } = documentParams.parse(req.params);
      await documentInScope(req, id);
      return practices.ofDocument(id);
    });

    app.post('/practices/:id/merge', async (req) => {
      const user = actingUser(req);
      const { id } = practiceParams.parse(req.params);
      const body = mergeBody.parse(req.body ?? {});
      for (const practiceId of [id, ...body.from]) await inScope(req, practiceId);
      return practices.merge(id, body.from, user, body.note);
    });

    app.post('/practices/:id/split', async (req, reply) => {
      const user = actingUser(req);
      const { id } = practiceParams.parse(req.params);
      const body = splitBody.parse(req.body ?? {});
      await inScope(req, id);
      const result = await practices.split(id, body.documentIds, user, body.note, {
        ...(body.label ? { label: body.label } : {}),
        ...(body.key ? { key: body.key } : {}),
      });
      return reply.status(201).send(result);
    });

    app.post('/documents/:id/practice', async (req) => {
      const user = actingUser(req);
      const { id } = documentParams.parse(req.params);
      const body = moveBody.parse(req.body ?? {});
      await documentInScope(req, id);
      await inScope(req, body.practiceId);
      return practices.move(id, body.practiceId, user, body.note);
    });

    app.patch('/practices/:id', async (req) => {
      const user = actingUser(req);
      const { id } = practiceParams.parse(req.params);
      const body = renameBody.parse(req.body ?? {});
      await inScope(req, id);
      return { practice: await practices.rename(id, body, user) };
    });
  };
}
