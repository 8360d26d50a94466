// The HTTP API (Fastify): authentication and access policy on every route, batches, documents, search, review,
// administration, and the web app (dist/web when built, else the source page in src/web).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { installAuth } from '../auth/auth.plugin.ts';
import type { NewAuditEntry } from '../auth/auth-store.ts';
import { oidcPublicConfig } from '../auth/oidc/oidc.config.ts';
import { oidcRoutes } from '../auth/oidc/oidc.routes.ts';
import { resolveOidcUser } from '../auth/oidc/oidc.users.ts';
import { startSession } from '../auth/session-cookie.ts';
import { registerBullBoard } from './bull-board.ts';
import { apiErrorHandler } from './error-handler.ts';
import { registerOpenApi } from './openapi.ts';
import { batchEventRoutes } from './routes/batch-events.routes.ts';
import type { AppServices } from '../workers/services.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { authRoutes, type AuthRoutesOptions } from './routes/auth.routes.ts';
import { batchRoutes } from './routes/batches.routes.ts';
import { documentRoutes } from './routes/documents.routes.ts';
import { modelRoutes } from './routes/models.routes.ts';
import { opsRoutes } from './routes/ops.routes.ts';
import { practiceRoutes } from './routes/practices.routes.ts';
import { referenceRoutes } from './routes/reference.routes.ts';
import { reviewRoutes } from './routes/review.routes.ts';
import { searchRoutes } from './routes/search.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { unionRoutes } from './routes/union.routes.ts';
import { inventoryRoutes } from './routes/inventory.routes.ts';
import { qualityRoutes } from './routes/quality.routes.ts';
import { accessRequestRoutes } from './routes/access-requests.routes.ts';
import { digitisationRoutes } from './routes/digitisation.routes.ts';
import { conformityRoutes } from './routes/conformity.routes.ts';
import { pageVersionRoutes } from './routes/page-versions.routes.ts';
import { separatorRoutes } from './routes/separators.routes.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_WEB_DIR = path.join(HERE, '..', 'web');
const BUILT_WEB_DIR = path.join(HERE, '..', '..', 'dist', 'web');

/** The built web app (`npx vite build` → dist/web) when present, else the source page. */
export function webRoot(): string {
  return existsSync(path.join(BUILT_WEB_DIR, 'index.html')) ? BUILT_WEB_DIR : SOURCE_WEB_DIR;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}
const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();
/** Every route of a server built by buildServer, as registered (for the access-policy completeness test). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(registered.get(app) ?? [])];
}

export interface BuildServerOptions {
  /** Single sign-on shown on the login page (the OIDC routes register themselves). */
  oidc?: AuthRoutesOptions['oidc'];
}

export async function buildServer(services: AppServices, opts: BuildServerOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({ loggerInstance: services.logger.child({ component: 'api' }) as FastifyBaseLogger });
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  // Before @fastify/rate-limit's own onRoute hook, which reads config.rateLimit: search is limited per user without
  // its route file knowing.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    for (const method of methods) routes.push({ method, url: route.url });
    if (route.url === '/api/search' && methods.includes('GET')) {
      route.config = {
        ...route.config,
        rateLimit: {
          max: config.auth.searchRateLimit,
          timeWindow: 60_000,
          keyGenerator: (req: FastifyRequest) => (req.user ? `search:user:${req.user.id}` : `search:ip:${req.ip}`),
          errorResponseBuilder: () =>
            Object.assign(new Error('Troppe ricerche in poco tempo: riprova tra un minuto'), {
              statusCode: 429,
              code: 'RATE_LIMITED',
            }),
        },
      } as typeof route.config;
    }
  });
  await app.register(multipart, {
    // Past the limit busboy truncates the part instead of failing the request; ingest rejects that one file.
    limits: { fileSize: config.limits.maxFileBytes + 1, files: 10_000, fields: 20 },
    throwFileSizeLimit: false,
  });
  app.setErrorHandler(apiErrorHandler(services.logger));
  await app.register(helmet, {
    // The UI is served from this origin only; no inline script except the page's own module.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  // Counters in Redis, so that every API process shares them; limits are per route (login, search).
  await app.register(rateLimit, {
    global: false,
    redis: services.redis,
    nameSpace: `${config.redis.prefix}:rate-limit:`,
  });
  await installAuth(app, services);
  await registerOpenApi(app); // before the routes: swagger documents the routes added after it

  await app.register(opsRoutes(services));
  await app.register(authRoutes(services, { oidc: opts.oidc ?? oidcPublicConfig(config.auth.oidc) }), {
    prefix: '/api',
  });
  await registerOidc(app, services);
  await app.register(batchRoutes(services), { prefix: '/api' });
  await app.register(batchEventRoutes(services), { prefix: '/api' });
  await app.register(documentRoutes(services), { prefix: '/api' });
  await app.register(searchRoutes(services), { prefix: '/api' });
  await app.register(reviewRoutes(services), { prefix: '/api' });
  await app.register(practiceRoutes(services), { prefix: '/api' });
  await app.register(modelRoutes(services), { prefix: '/api' });
  await app.register(userRoutes(services), { prefix: '/api' });
  await app.register(auditRoutes(services), { prefix: '/api' });
  await app.register(referenceRoutes(services), { prefix: '/api' });
  await app.register(adminRoutes(services), { prefix: '/api' });
  await app.register(unionRoutes(services), { prefix: '/api' });
  await app.register(inventoryRoutes(services), { prefix: '/api' });
  await app.register(qualityRoutes(services), { prefix: '/api' });
  await app.register(accessRequestRoutes(services), { prefix: '/api' });
  await app.register(digitisationRoutes(services), { prefix: '/api' });
  await app.register(conformityRoutes(services), { prefix: '/api' });
  await app.register(pageVersionRoutes(services), { prefix: '/api' });
  await app.register(separatorRoutes(services), { prefix: '/api' });
  await registerBullBoard(app, services);
  await app.register(fastifyStatic, { root: webRoot(), prefix: '/' });
  return app;
}

/** OIDC login routes (they answer 404 when no provider is configured, so the route list is the same everywhere). */
async function registerOidc(app: FastifyInstance, services: AppServices): Promise<void> {
  const { config } = services;
  const log = services.logger.child({ component: 'oidc' });
  const audit = async (entry: NewAuditEntry) => {
    try {
      await services.auth.appendAudit(entry);
    } catch (err) {
      log.error({ err }, 'audit entry not written');
    }
  };
  const resolveUser = resolveOidcUser(services.auth, config.auth.oidc, {
    audit,
    logger: log,
    staffComune: config.union.defaultComune,
  });
  const sessionDeps = { sessions: services.sessions, secureCookies: config.auth.secureCookies };
  await app.register(
    oidcRoutes({
      config: config.auth.oidc,
      resolveUser,
      audit,
      logger: log,
      startSession: async (reply, user) => void (await startSession(reply.request, reply, sessionDeps, user, 'oidc')),
    }),
    { prefix: '/api' },
  );
}
