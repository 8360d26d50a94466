// The audit log for administrators: who did what to which object, newest first, filterable.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AUDIT_LIST_MAX } from '../../auth/auth-store.ts';
import type { AppServices } from '../../workers/services.ts';

const auditQuery = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_LIST_MAX).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function auditRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/audit', async (req) => services.auth.listAudit(auditQuery.parse(req.query)));
  };
}
