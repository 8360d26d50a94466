// For tests that mount some routes on a bare Fastify (no auth plugin): every request acts as this user — a union-level
// administrator unless told otherwise — as the auth plugin would set `req.user`.
import type { FastifyInstance } from 'fastify';
import type { AuthUser } from '../../src/auth/auth-user.ts';
import { scopeOf } from '../../src/tenancy/tenant-scope.ts';

export function actAs(app: FastifyInstance, user: Partial<AuthUser> = {}): void {
  const role = user.role ?? 'admin';
  const comune = user.comune ?? null;
  const grantedComuni = user.grantedComuni ?? [];
  const acting: AuthUser = {
    id: 'test-user',
    username: 'test-user',
    displayName: 'Utente di prova',
    authMethod: 'token',
    ...user,
    role,
    comune,
    grantedComuni,
    scope: user.scope ?? scopeOf({ role, comune, grantedComuni }),
  };
  if (!app.hasRequestDecorator('user')) app.decorateRequest('user', null);
  if (!app.hasRequestDecorator('auditNote')) app.decorateRequest('auditNote', null);
  app.addHook('onRequest', async (req) => {
    req.user = acting;
  });
}
