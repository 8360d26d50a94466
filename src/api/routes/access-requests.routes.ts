// Access requests (accesso agli atti): anyone files one for a practice of a Comune and lists their own; archivists of
// the Comune approve or reject them; the requester may withdraw a pending one. Decisions are audited.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import type { Role } from '../../auth/roles.ts';
import { comuneCodeSchema } from '../../tenancy/comuni.ts';
import { ACCESS_REQUEST_LIST_MAX, accessServiceFor, type AccessActor } from '../../paper/access.service.ts';
import { ACCESS_REQUEST_STATES, REQUESTER_ROLES, type AccessRequest } from '../../paper/paper-store.ts';
import type { PolicyEntry } from '../access-policy.ts';
import type { AppServices } from '../../workers/services.ts';

const DECIDERS: readonly Role[] = ['admin', 'archivist'];
const target = { target: 'id', targetType: 'access_request' } as const;
const note = (req: FastifyRequest) => {
  const b = req.body as { note?: unknown; days?: unknown } | undefined;
  const out = { ...(b?.note ? { note: b.note } : {}), ...(b?.days !== undefined ? { days: b.days } : {}) };
  return Object.keys(out).length ? out : undefined;
};

/** Access-policy entries of these routes (spread into ACCESS_POLICY); the service checks Comune and requester. */
export const ACCESS_REQUEST_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'POST /api/access-requests': { roles: 'authenticated', audit: 'access.request', targetType: 'access_request' },
  'GET /api/access-requests': { roles: 'authenticated' },
  'POST /api/access-requests/:id/approve': { roles: DECIDERS, audit: 'access.approve', ...target, detail: note },
  'POST /api/access-requests/:id/reject': { roles: DECIDERS, audit: 'access.reject', ...target, detail: note },
  'POST /api/access-requests/:id/withdraw': { roles: 'authenticated', audit: 'access.withdraw', ...target },
};

const params = z.object({ id: z.string().uuid() });
const createBody = z
  .object({
    comune: comuneCodeSchema,
    practiceKey: z.string().trim().min(3).max(50),
    requesterRole: z.enum(REQUESTER_ROLES),
    reason: z.string().trim().min(10, 'la motivazione deve avere almeno 10 caratteri').max(2000),
    // An empty field of the web form means no e-mail.
    email: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().email('indirizzo e-mail non valido').max(254).optional(),
    ),
  })
  .strict();
const listQuery = z.object({
  state: z.enum(ACCESS_REQUEST_STATES).optional(),
  /** One code or a comma-separated list. */
  comune: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((c) => comuneCodeSchema.parse(c)) : undefined)),
  mine: z
    .enum(['1', '0', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  limit: z.coerce.number().int().min(1).max(ACCESS_REQUEST_LIST_MAX).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const approveBody = z
  .object({ note: z.string().max(2000).optional(), days: z.number().int().min(1).max(3650).optional() })
  .strict();
const rejectBody = z.object({ note: z.string().trim().min(1, 'indicare il motivo del rifiuto').max(2000) }).strict();

function actor(req: FastifyRequest): AccessActor {
  const user = requireUser(req);
  return { id: user.id, role: user.role, displayName: user.displayName, scope: user.scope };
}

/** The audit entry names the request and its practice, under the request's Comune. */
function audit(req: FastifyRequest, request: AccessRequest): void {
  req.auditNote = {
    targetId: request.id,
    comune: request.comune,
    detail: { ...req.auditNote?.detail, practiceKey: request.practiceKey, state: request.state },
  };
}

export function accessRequestRoutes(services: AppServices): FastifyPluginAsync {
  const access = accessServiceFor(services);
  return async (app) => {
    app.post('/access-requests', async (req, reply) => {
      const body = createBody.parse(req.body ?? {});
      const created = await access.request({ user: actor(req), ...body });
      audit(req, created);
      return reply.status(201).send(created);
    });

    app.get('/access-requests', async (req) => {
      const q = listQuery.parse(req.query);
      return access.list(actor(req), {
        ...(q.state ? { state: q.state } : {}),
        ...(q.comune ? { comuni: q.comune } : {}),
        mine: q.mine,
        limit: q.limit,
        offset: q.offset,
      });
    });

    app.post('/access-requests/:id/approve', async (req) => {
      const { id } = params.parse(req.params);
      const body = approveBody.parse(req.body ?? {});
      const decided = await access.approve(id, actor(req), body);
      audit(req, decided);
      return decided;
    });

    app.post('/access-requests/:id/reject', async (req) => {
      const { id } = params.parse(req.params);
      const body = rejectBody.parse(req.body ?? {});
      const decided = await access.reject(id, actor(req), body.note);
      audit(req, decided);
      return decided;
    });

    app.post('/access-requests/:id/withdraw', async (req) => {
      const { id } = params.parse(req.params);
      const withdrawn = await access.withdraw(id, actor(req));
      audit(req, withdrawn);
      return withdrawn;
    });
  };
}
