// The HTTP API (Fastify): batches, documents, search, and the small web UI.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZodError } from 'zod';
import type { AppServices } from '../workers/services.ts';
import { batchRoutes } from './routes/batches.routes.ts';
import { documentRoutes } from './routes/documents.routes.ts';
import { searchRoutes } from './routes/search.routes.ts';
import { opsRoutes } from './routes/ops.routes.ts';
import { reviewRoutes } from './routes/review.routes.ts';
import { practiceRoutes } from './routes/practices.routes.ts';
import { modelRoutes } from './routes/models.routes.ts';
import helmet from '@fastify/helmet';

const WEB_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'web');

export async function buildServer(services: AppServices): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: services.logger.child({ component: 'api' }) as FastifyBaseLogger });
  await app.register(multipart, {
    // Past the limit busboy truncates the part instead of failing the request; ingest rejects that one file.
    limits: { fileSize: services.config.limits.maxFileBytes + 1, files: 10_000, fields: 20 },
    throwFileSizeLimit: false,
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof ZodError) {
      const message = err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
      return void reply.status(400).send({ error: { code: 'INVALID_REQUEST', message } });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) services.logger.error({ err }, 'request failed');
    void reply.status(status).send({ error: { code: err.code ?? 'ERROR', message: status >= 500 ? 'internal error' : err.message } });
  });
  await app.register(helmet, {
    // The UI is served from this origin only; no inline script except the page's own module.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
  });
  await app.register(opsRoutes(services));
  await app.register(batchRoutes(services), { prefix: '/api' });
  await app.register(documentRoutes(services), { prefix: '/api' });
  await app.register(searchRoutes(services), { prefix: '/api' });
  await app.register(reviewRoutes(services), { prefix: '/api' });
  await app.register(practiceRoutes(services), { prefix: '/api' });
  await app.register(modelRoutes(services), { prefix: '/api' });
  await app.register(fastifyStatic, { root: WEB_DIR, prefix: '/' });
  return app;
}
