// Routing review for the records manager: the queue of suggestions, accept / correct / bulk accept, and the audit
// trail of a document's routing and protocol register.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rejectProtocolChange } from '../../classify/protocol-register.ts';
import { BULK_ACCEPT_MAX, ReviewService } from '../../classify/review.service.ts';
import { accessibleDocument, DocumentAccessError, DOCUMENT_NOT_FOUND } from '../document-access.ts';
import { actingComuni, actsOn } from '../../tenancy/tenant-scope.ts';
import { requireUser } from '../../auth/auth-user.ts';
import type { RoutingReviewState } from '../../db/metadata-store.ts';
import type { AppServices } from '../../workers/services.ts';
import { comuneName } from '../../tenancy/comuni.ts';

const STATES = ['pending', 'auto', 'accepted', 'corrected'] as const satisfies readonly RoutingReviewState[];
const documentId = z.string().regex(/^[0-9a-f]{64}$/);
const params = z.object({ documentId });
const note = z.string().max(2000).optional();

const listQuery = z.object({
  // One state or a comma-separated list ("pending,auto"); the queue (pending) when absent.
  state: z
    .string()
    .default('pending')
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(STATES)).min(1)),
  office: z.string().max(100).optional(),
  class: z.string().max(20).optional(),
  since: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const acceptBody = z.object({ note }).strict();
const correctBody = z
  .object({
    titolarioClass: z.string().min(1).max(20).optional(),
    office: z.string().min(1).max(100).optional(),
    assignee: z.string().max(64).nullable().optional(),
    practiceId: z.string().max(100).nullable().optional(),
    note,
  })
  .strict();
const bulkBody = z.object({ documentIds: z.array(documentId).min(1).max(BULK_ACCEPT_MAX), note }).strict();

/** The acting user: the logged-in user's username (set by the auth plugin), written as reviewer and event actor. */
function actingUser(req: FastifyRequest): string {
  return requireUser(req).username;
}

/** Review is staff work: only for documents of Comuni the user acts on (404 otherwise, as for a missing one). */
async function reviewable(services: AppServices, req: FastifyRequest, documentId: string): Promise<void> {
  await accessibleDocument(services, req, documentId, 'write').catch((err: unknown) => {
    if (err instanceof DocumentAccessError && err.code === 'OTHER_COMUNE')
      throw new DocumentAccessError(DOCUMENT_NOT_FOUND, 404, 'NOT_FOUND');
    throw err;
  });
}

export function reviewRoutes(services: AppServices): FastifyPluginAsync {
  const review = new ReviewService({
    db: services.db,
    reference: () => services.reference(),
    logger: services.logger,
    comuneName: (code) => comuneName(services.config.union, code),
  });
  return async (app) => {
    app.get('/review', async (req) => {
      const q = listQuery.parse(req.query);
      return review.list({
        state: q.state,
        office: q.office,
        titolarioClass: q.class,
        since: q.since,
        comuni: actingComuni(requireUser(req).scope),
        limit: q.limit,
        offset: q.offset,
      });
    });

    app.get('/review/:documentId', async (req) => {
      const { documentId } = params.parse(req.params);
      await reviewable(services, req, documentId);
      return review.get(documentId);
    });

    app.get('/review/:documentId/history', async (req) => {
      const { documentId } = params.parse(req.params);
      await reviewable(services, req, documentId);
      return { events: await review.history(documentId) };
    });

    app.post('/review/:documentId/accept', async (req) => {
      const user = actingUser(req);
      const { documentId } = params.parse(req.params);
      const body = acceptBody.parse(req.body ?? {});
      await reviewable(services, req, documentId);
      return review.accept(documentId, user, body.note);
    });

    app.post('/review/:documentId/correct', async (req) => {
      const user = actingUser(req);
      const { documentId } = params.parse(req.params);
      // Before the schema: a payload touching the protocol is a conflict with the register's rules, not a typo.
      rejectProtocolChange(req.body);
      const { note: why, ...change } = correctBody.parse(req.body ?? {});
      await reviewable(services, req, documentId);
      return review.correct(documentId, change, user, why);
    });

    app.post('/review/accept', async (req) => {
      const user = actingUser(req);
      const body = bulkBody.parse(req.body);
      // Documents of other Comuni are answered as not found, like missing ones.
      const { scope } = requireUser(req);
      const docs = await Promise.all(body.documentIds.map((id) => services.db.getDocument(id)));
      const inScope = body.documentIds.filter((_, i) => docs[i] && actsOn(scope, docs[i].comune));
      const outside = body.documentIds.filter((id) => !inScope.includes(id));
      const results = [
        ...(inScope.length ? await review.bulkAccept(inScope, user, body.note) : []),
        ...outside.map((documentId) => ({ documentId, result: 'not-found' as const })),
      ].sort((a, b) => body.documentIds.indexOf(a.documentId) - body.documentIds.indexOf(b.documentId));
      const count = (r: string) => results.filter((x) => x.result === r).length;
      return { results, accepted: count('accepted'), notPending: count('not-pending'), notFound: count('not-found') };
    });
  };
}
