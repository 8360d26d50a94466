// GET /auth/oidc/login and /auth/oidc/callback (under /api): login through an OpenID Connect provider that fronts
// SPID/CIE. Users, sessions and audit are injected, so this plugin knows nothing of how they are stored.
import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isOidcEnabled, type OidcConfig } from './oidc.config.ts';
import { createOidcClient, OidcProviderUnavailableError, type OidcClaims } from './oidc.client.ts';
import { OIDC_MESSAGES as MSG, sendLoginError } from './oidc.pages.ts';
import { transactionSealer } from './oidc.transaction.ts';
import type { OidcAuditEntry, OidcLogger } from './oidc.users.ts';

export const OIDC_TX_COOKIE = 'faldone_oidc';
const DEFAULT_TX_TTL_MS = 10 * 60_000;

export interface OidcSessionUser {
  id: string;
  username?: string;
  role: string;
  disabled?: boolean;
  comune?: string | null;
}

export interface OidcRoutesOptions<U extends OidcSessionUser> {
  config: OidcConfig;
  /**
   * The Faldone user of a provider identity, or null when it may not log in (see resolveOidcUser). Create it in a
   * const before the call: nested inline, TypeScript infers U as OidcSessionUser instead of the store's user type.
   */
  resolveUser(claims: OidcClaims): Promise<U | null>;
  /** Creates the session and sets its cookie on the reply; gets the user as resolveUser returned it. */
  startSession(reply: FastifyReply, user: NoInfer<U>): Promise<void>;
  audit?(entry: OidcAuditEntry): Promise<void>;
  logger: OidcLogger;
  /** How long a started login may take at the provider (default 10 minutes). */
  transactionTtlMs?: number;
}

export function oidcRoutes<U extends OidcSessionUser>(opts: OidcRoutesOptions<U>): FastifyPluginAsync {
  return async (app) => {
    // The routes answer 404 when OIDC is not configured, so the route table is the same in every deployment.
    const config = isOidcEnabled(opts.config) ? opts.config : undefined;
    const oidc = config && createOidcClient(config);
    const sealer = config && transactionSealer(config.clientSecret, `${config.issuer}|${config.clientId}`);
    const ttlMs = opts.transactionTtlMs ?? DEFAULT_TX_TTL_MS;
    const cookieOptions = config && {
      httpOnly: true,
      // Lax, not Strict: the callback is a cross-site navigation coming back from the provider.
      sameSite: 'lax' as const,
      secure: new URL(config.redirectUri).protocol === 'https:',
      path: new URL(config.redirectUri).pathname,
    };
    if (!app.hasReplyDecorator('setCookie')) await app.register(fastifyCookie);

    app.get('/auth/oidc/login', async (req, reply) => {
      if (!oidc || !sealer || !cookieOptions) return sendLoginError(req, reply, 404, 'OIDC_DISABLED', MSG.disabled);
      let started;
      try {
        started = await oidc.start(ttlMs);
      } catch (err) {
        opts.logger.error({ err }, 'OIDC login could not start');
        return sendLoginError(req, reply, 502, 'OIDC_UNAVAILABLE', MSG.unavailable);
      }
      reply.setCookie(OIDC_TX_COOKIE, sealer.seal(started.tx), { ...cookieOptions, maxAge: Math.ceil(ttlMs / 1000) });
      return reply.header('cache-control', 'no-store').redirect(started.url.href, 302);
    });

    app.get('/auth/oidc/callback', async (req, reply) => {
      if (!oidc || !sealer || !cookieOptions) return sendLoginError(req, reply, 404, 'OIDC_DISABLED', MSG.disabled);
      const sealed = req.cookies[OIDC_TX_COOKIE];
      reply.clearCookie(OIDC_TX_COOKIE, cookieOptions); // one attempt per transaction, whatever happens next
      const opened = sealed ? sealer.open(sealed) : ({ ok: false, reason: 'missing' } as const);
      if (!opened.ok) {
        opts.logger.warn({ reason: opened.reason }, 'OIDC callback without a valid login transaction');
        return sendLoginError(req, reply, 400, 'OIDC_TRANSACTION', MSG.transaction);
      }
      const query = req.raw.url?.split('?')[1] ?? '';
      const params = new URLSearchParams(query);
      if (params.get('state') !== opened.tx.state) {
        opts.logger.warn({}, 'OIDC callback with a state that does not match the login transaction');
        return sendLoginError(req, reply, 400, 'OIDC_STATE', MSG.state);
      }
      if (params.has('error')) {
        opts.logger.warn(
          { error: params.get('error'), description: params.get('error_description') },
          'OIDC login refused',
        );
        return sendLoginError(req, reply, 400, 'OIDC_DENIED', MSG.denied);
      }

      let claims: OidcClaims;
      try {
        claims = await oidc.finish(query, opened.tx);
      } catch (err) {
        if (err instanceof OidcProviderUnavailableError) {
          opts.logger.error({ err }, 'OIDC provider unavailable at callback');
          return sendLoginError(req, reply, 502, 'OIDC_UNAVAILABLE', MSG.unavailable);
        }
        opts.logger.warn({ err }, 'OIDC callback rejected');
        return sendLoginError(req, reply, 400, 'OIDC_INVALID', MSG.invalid);
      }

      const user = await opts.resolveUser(claims);
      if (!user || user.disabled) {
        await opts.audit?.({
          actor: user?.id ?? 'anonymous',
          actorName: user?.username ?? null,
          role: user?.role ?? null,
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user?.id,
          detail: { method: 'oidc', reason: user ? 'disabled' : 'unknown', sub: claims.sub },
          ip: req.ip,
          comune: user?.comune ?? null,
        });
        return sendLoginError(req, reply, 403, 'FORBIDDEN', MSG.notEnabled);
      }
      await opts.startSession(reply, user);
      await opts.audit?.({
        actor: user.id,
        actorName: user.username ?? null,
        role: user.role,
        action: 'auth.login',
        targetType: 'user',
        targetId: user.id,
        detail: { method: 'oidc' },
        ip: req.ip,
        comune: user.comune ?? null,
      });
      return reply.header('cache-control', 'no-store').redirect('/', 302);
    });
  };
}
