// The API's error answers: `{ error: { code, message } }` for every failure; zod's refusals become 400
// INVALID_REQUEST with the offending fields, and a server fault never leaks its message.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { Logger } from '../core/logger.ts';

export function apiErrorHandler(logger: Logger) {
  return (
    err: FastifyError | (Error & { statusCode?: number; code?: string; details?: Record<string, unknown> }),
    _req: FastifyRequest,
    reply: FastifyReply,
  ) => {
    if (err instanceof ZodError) {
      const message = err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
      return void reply.status(400).send({ error: { code: 'INVALID_REQUEST', message } });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) logger.error({ err }, 'request failed');
    void reply.status(status).send({
      error: {
        // What a client needs to act on a refusal (e.g. which practice to request access to).
        ...(status < 500 && 'details' in err && err.details ? err.details : {}),
        code: err.code ?? 'ERROR',
        message: status >= 500 ? 'internal error' : err.message,
      },
    });
  };
}
