// The session cookie `faldone_session`: httpOnly, SameSite=Strict, Path=/, Secure when configured or over https.
// startSession is what a login (password or OIDC) calls once it knows the user.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from './auth-store.ts';
import type { SessionMethod, SessionStore } from './session.store.ts';

export const SESSION_COOKIE = 'faldone_session';

function cookieOptions(req: FastifyRequest, secureCookies: boolean) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: secureCookies || req.protocol === 'https',
  };
}

/** Creates the session, sets the cookie and returns the CSRF token the UI must send on unsafe requests. */
export async function startSession(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: { sessions: SessionStore; secureCookies: boolean },
  user: User,
  method: SessionMethod = 'session',
): Promise<{ csrfToken: string }> {
  const { token, csrfToken } = await deps.sessions.createSession(user, method);
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(req, deps.secureCookies));
  return { csrfToken };
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply, secureCookies: boolean): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(req, secureCookies));
}
