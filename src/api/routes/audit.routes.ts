// The audit log for administrators: who did what to which object, newest first, filterable. A Comune-level
// administrator sees the entries of the Comuni they act on; a union-level one sees every entry (union-level entries,
// with no Comune, included) and may filter by Comune (?comune=E730,A547).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AUDIT_LIST_MAX } from '../../auth/auth-store.ts';
import { requireUser } from '../../auth/auth-user.ts';
import { comuneCodeSchema } from '../../tenancy/comuni.ts';
import { actsOn } from '../../tenancy/tenant-scope.ts';
import type { AppServices } from '../../workers/services.ts';

const codeList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(comuneCodeSchema).min(1).max(200),
);

const auditQuery = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  comune: codeList.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_LIST_MAX).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function auditRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/audit', async (req) => {
      const { scope } = requireUser(req);
      const { comune, ...filter } = auditQuery.parse(req.query);
      // Filtered in the store's SQL; a Comune-level administrator asking for other Comuni gets an empty page.
      const comuni = scope.full === '*' ? comune : (comune ?? scope.full).filter((code) => actsOn(scope, code));
      return services.auth.listAudit({ ...filter, ...(comuni ? { comuni } : {}) });
    });
  };
}
