// Who may open a document by id (detail, text, PDF, corrections): the tenancy rules in one place. A document the
// caller's scope cannot see answers 404 exactly like a missing one (no existence leak across Comuni); a write needs a
// scope acting on the document's Comune; professionals also pass the Comune's access-request gate.
import type { FastifyRequest } from 'fastify';
import { requireUser, type AuthUser } from '../auth/auth-user.ts';
import type { DocumentRecord } from '../db/metadata-store.ts';
import { canViewPracticeDocuments } from '../paper/access-gate.ts';
import { filedPracticeKey } from '../paper/digitisation-hook.ts';
import { actsOn, canSee } from '../tenancy/tenant-scope.ts';
import type { AppServices } from '../workers/services.ts';

export class DocumentAccessError extends Error {
  constructor(
    message: string,
    readonly statusCode: 403 | 404,
    readonly code: string,
    /** Sent with the error (e.g. the Comune and practice an access request is needed for). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DocumentAccessError';
  }
}

export const DOCUMENT_NOT_FOUND = 'Documento non trovato';

/**
 * The document when the request's user may read it (mode 'read') or change it (mode 'write'); otherwise a
 * DocumentAccessError: 404 when missing or invisible to the scope, 403 when a write is outside the user's Comuni or
 * the Comune requires an approved access request the user does not hold.
 */
export async function accessibleDocument(
  services: AppServices,
  req: FastifyRequest,
  id: string,
  mode: 'read' | 'write' = 'read',
): Promise<DocumentRecord> {
  const user = requireUser(req);
  const doc = await services.db.getDocument(id);
  if (!doc || !canSee(user.scope, doc)) throw new DocumentAccessError(DOCUMENT_NOT_FOUND, 404, 'NOT_FOUND');
  req.auditNote = { ...req.auditNote, comune: doc.comune };
  if (mode === 'write') {
    if (!actsOn(user.scope, doc.comune))
      throw new DocumentAccessError('Il documento appartiene a un altro Comune', 403, 'OTHER_COMUNE');
    return doc;
  }
  await assertAccessGate(services, user, doc);
  return doc;
}

async function assertAccessGate(services: AppServices, user: AuthUser, doc: DocumentRecord): Promise<void> {
  const practiceKey = await filedPracticeKey(services.db, doc);
  const verdict = await canViewPracticeDocuments(
    user,
    { comune: doc.comune, practiceKey },
    services.config.union,
    services.paper,
    new Date(),
  );
  if (!verdict.allowed)
    throw new DocumentAccessError(verdict.reason, 403, 'ACCESS_REQUEST_REQUIRED', {
      comune: doc.comune,
      ...(practiceKey ? { practiceKey } : {}),
    });
}
