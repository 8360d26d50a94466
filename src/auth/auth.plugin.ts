// Authentication and access control for every route: resolves req.user from an API token (Authorization: Bearer) or
// the session cookie, checks the CSRF token of cookie-authenticated unsafe requests, enforces the access policy
// (src/api/access-policy.ts: 401 without a user, 403 for a role not allowed or a route without a policy) and writes
// the audit entries the policy asks for once the response succeeded. Installed on the root instance before any route.
import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows, policyFor } from '../api/access-policy.ts';
import type { AuthStore } from './auth-store.ts';
import { bearerToken } from './api-token.ts';
import { writeAudit } from './audit.ts';
import { CSRF_MESSAGE, FORBIDDEN_MESSAGE, UNAUTHENTICATED_MESSAGE, toAuthUser } from './auth-user.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { sha256Hex, type SessionStore } from './session.store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session behind a cookie-authenticated request (for logout and GET /api/auth/me). */
    authSession: { token: string; csrfToken: string } | null;
  }
}

export interface AuthDeps {
  auth: AuthStore;
  sessions: SessionStore;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Unsafe routes reachable without a CSRF token (the login has no session yet; it checks Origin instead). */
const CSRF_EXEMPT = new Set(['POST /api/auth/login']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function deny(reply: FastifyReply, status: 401 | 403, code: string, message: string) {
  return reply.status(status).send({ error: { code, message } });
}

async function resolveUser(req: FastifyRequest, deps: AuthDeps): Promise<void> {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer) {
    const found = await deps.auth.resolveToken(sha256Hex(bearer));
    if (found && !found.user.disabled) req.user = toAuthUser(found.user, 'token');
    return; // a request presenting a token is judged by that token alone
  }
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return;
  const session = await deps.sessions.getSession(token);
  if (!session) return;
  const user = await deps.auth.getUser(session.userId);
  if (!user || user.disabled) {
    await deps.sessions.destroy(token);
    return;
  }
  req.user = toAuthUser(user, session.method === 'oidc' ? 'oidc' : 'session');
  req.authSession = { token, csrfToken: session.csrfToken };
}

export async function installAuth(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('user', null);
  app.decorateRequest('auditNote', null);
  app.decorateRequest('authSession', null);

  app.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined) return; // no route matched: the 404 handler answers
    const policy = policyFor(req.method, url);
    if (!policy) return deny(reply, 403, 'FORBIDDEN', FORBIDDEN_MESSAGE);
    // Public reads (UI files, probes) need no user: spare them the Redis and database look-ups.
    if (policy.roles === 'public' && !UNSAFE.has(req.method)) return;
    await resolveUser(req, deps);
    if (policy.roles !== 'public' && !req.user) return deny(reply, 401, 'UNAUTHENTICATED', UNAUTHENTICATED_MESSAGE);
    if (req.authSession && UNSAFE.has(req.method) && !CSRF_EXEMPT.has(`${req.method} ${url}`)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, req.authSession.csrfToken)) {
        return deny(reply, 403, 'CSRF', CSRF_MESSAGE);
      }
    }
    if (!allows(policy.roles, req.user?.role)) return deny(reply, 403, 'FORBIDDEN', FORBIDDEN_MESSAGE);
  });

  app.addHook('onResponse', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined || req.method === 'HEAD' || reply.statusCode >= 400 || !req.user) return;
    const policy = policyFor(req.method, url);
    if (!policy?.audit) return;
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const detail = { ...policy.detail?.(req), ...req.auditNote?.detail };
    await writeAudit(deps.auth, req.log, req, {
      action: policy.audit,
      targetType: policy.targetType,
      targetId: req.auditNote?.targetId ?? (policy.target ? params[policy.target] : undefined),
      detail: Object.keys(detail).length ? detail : null,
      ...(req.auditNote?.comune ? { comune: req.auditNote.comune } : {}),
    });
  });
}
