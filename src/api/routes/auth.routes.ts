// Login, logout and the current user for the web app; /api/auth/config tells the login page which buttons to show.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { foldUsername } from '../../auth/auth-store.ts';
import { writeAudit } from '../../auth/audit.ts';
import { toAuthUser, type AuthUser } from '../../auth/auth-user.ts';
import { verifyDecoy, verifyPassword } from '../../auth/password.ts';
import { clearSessionCookie, startSession } from '../../auth/session-cookie.ts';
import { comuneName } from '../../tenancy/comuni.ts';
import type { AppServices } from '../../workers/services.ts';

const loginBody = z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(1).max(1000) });

export interface AuthRoutesOptions {
  /** What the login page shows for single sign-on (SPID/CIE through OIDC). */
  oidc?: { enabled: boolean; label: string };
}

const LOGIN_WINDOW_MS = 60_000;

function loginKey(req: FastifyRequest): string {
  const username = (req.body as { username?: unknown } | undefined)?.username;
  return `login:${req.ip}:${typeof username === 'string' ? foldUsername(username.trim()).slice(0, 200) : ''}`;
}

/** A browser login must come from this server's own pages (the check SameSite cannot do before a session exists). */
function foreignOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

export function authRoutes(services: AppServices, opts: AuthRoutesOptions = {}): FastifyPluginAsync {
  const { auth, sessions, config } = services;
  const secureCookies = config.auth.secureCookies;
  const oidc = opts.oidc ?? { enabled: false, label: 'SPID/CIE' };
  /** The user as the web app gets it: with the name of the home Comune (null at union level). */
  const withComuneName = (user: AuthUser) => ({
    ...user,
    comuneName: user.comune === null ? null : comuneName(config.union, user.comune),
  });
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: {
          rateLimit: {
            max: config.auth.loginRateLimit,
            timeWindow: LOGIN_WINDOW_MS,
            hook: 'preHandler', // after body parsing: the key includes the username
            keyGenerator: loginKey,
            errorResponseBuilder: () =>
              Object.assign(new Error('Troppi tentativi di accesso: riprova tra un minuto'), {
                statusCode: 429,
                code: 'RATE_LIMITED',
              }),
          },
        },
      },
      async (req, reply) => {
        if (foreignOrigin(req)) {
          return reply
            .status(403)
            .send({ error: { code: 'ORIGIN', message: 'Origine della richiesta non consentita' } });
        }
        const { username, password } = loginBody.parse(req.body ?? {});
        const user = await auth.getUserByUsername(username);
        const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : await verifyDecoy(password);
        if (!user || !ok || user.disabled) {
          await writeAudit(auth, req.log, req, {
            action: 'auth.login_failed',
            targetType: 'user',
            targetId: user?.id ?? null,
            detail: { username, ...(ok && user?.disabled ? { reason: 'disabled' } : {}) },
            comune: user?.comune ?? null,
          });
          return reply.status(401).send({ error: { code: 'INVALID_CREDENTIALS', message: 'Credenziali non valide' } });
        }
        const { csrfToken } = await startSession(req, reply, { sessions, secureCookies }, user);
        const authUser = toAuthUser(user, 'session');
        await writeAudit(auth, req.log, req, {
          action: 'auth.login',
          actor: authUser,
          targetType: 'user',
          targetId: user.id,
        });
        return { user: withComuneName(authUser), csrfToken };
      },
    );

    app.post('/auth/logout', async (req, reply) => {
      if (req.authSession) {
        await sessions.destroy(req.authSession.token);
        await writeAudit(auth, req.log, req, { action: 'auth.logout', targetType: 'user', targetId: req.user?.id });
      }
      clearSessionCookie(req, reply, secureCookies);
      return reply.status(204).send();
    });

    app.get('/auth/me', async (req) => ({
      user: req.user && withComuneName(req.user),
      csrfToken: req.authSession?.csrfToken ?? null,
    }));

    app.get('/auth/config', async () => ({ oidc }));
  };
}
