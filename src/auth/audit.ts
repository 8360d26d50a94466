// Writing audit entries from a request: actor, role and client address come from the request; a failure to write is
// logged, never turned into a failed request.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { AuthStore } from './auth-store.ts';

export interface AuditInput {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  detail?: Record<string, unknown> | null;
  /** Who acted when the request has no user yet (a login): defaults to req.user, else 'anonymous'. */
  actor?: { id: string; username: string; role: string; comune?: string | null } | null;
  /** The Comune the action concerned; defaults to the actor's home Comune (null: union level or anonymous). */
  comune?: string | null;
}

export async function writeAudit(
  auth: AuthStore,
  log: FastifyBaseLogger,
  req: FastifyRequest,
  input: AuditInput,
): Promise<void> {
  const actor = input.actor ?? req.user;
  try {
    await auth.appendAudit({
      actor: actor?.id ?? 'anonymous',
      actorName: actor?.username ?? null,
      role: actor?.role ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      detail: input.detail ?? null,
      ip: req.ip,
      comune: input.comune !== undefined ? input.comune : (actor?.comune ?? null),
    });
  } catch (err) {
    log.error({ err, action: input.action }, 'audit entry not written');
  }
}
