// Who may call which route, checked by the auth plugin on every request before the handler runs. Keyed by
// `METHOD routeUrl` as Fastify registered it (req.routeOptions.url, prefix included). A route missing here answers
// 403 (default deny), and test/api/access-policy.test.ts fails when a registered route has no entry. HEAD uses the
// entry of the GET route it mirrors.
import type { FastifyRequest } from 'fastify';
import type { Role } from '../auth/roles.ts';
import { ACCESS_REQUEST_POLICY } from './routes/access-requests.routes.ts';
import { CONFORMITY_POLICY } from './routes/conformity.routes.ts';
import { DIGITISATION_POLICY } from './routes/digitisation.routes.ts';
import { INVENTORY_POLICY } from './routes/inventory.routes.ts';
import { QUALITY_POLICY } from './routes/quality.routes.ts';
import { UNION_POLICY } from './routes/union.routes.ts';
import { PAGE_VERSION_POLICY } from './routes/page-versions.routes.ts';
import { SEPARATOR_POLICY } from './routes/separators.routes.ts';

export type Access = readonly Role[] | 'public' | 'authenticated';

export interface PolicyEntry {
  roles: Access;
  /** Audit action written when the request succeeds (status < 400). */
  audit?: string;
  /** Route parameter holding the audited object's id. */
  target?: string;
  targetType?: string;
  /** Extra detail for the audit entry (the request body has been validated by the handler when this runs). */
  detail?: (req: FastifyRequest) => Record<string, unknown> | undefined;
}

const ADMIN: readonly Role[] = ['admin'];
const ARCHIVIST: readonly Role[] = ['admin', 'archivist'];
const RECORDS: readonly Role[] = ['admin', 'records_manager'];
/** Batch list and dashboard; practices read; reference data for forms. */
const STAFF: readonly Role[] = ['admin', 'archivist', 'records_manager'];
/** Document detail, PDF and text: every role. */
const READERS: readonly Role[] = ['admin', 'archivist', 'records_manager', 'professional'];

type Body = Record<string, unknown> | undefined;
const body = (req: FastifyRequest): Body =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body)
    ? (req.body as Record<string, unknown>)
    : undefined;
/** The listed fields of the JSON body that were sent. */
const pick =
  (...fields: string[]) =>
  (req: FastifyRequest) => {
    const b = body(req);
    if (!b) return undefined;
    const out = Object.fromEntries(fields.filter((f) => b[f] !== undefined).map((f) => [f, b[f]]));
    return Object.keys(out).length ? out : undefined;
  };
const changedFields = (req: FastifyRequest) => {
  const b = body(req);
  return b ? { fields: Object.keys(b).filter((k) => k !== 'note'), ...(b.note ? { note: b.note } : {}) } : undefined;
};

const doc = (audit: string, roles: readonly Role[] = READERS): PolicyEntry => ({
  roles,
  audit,
  target: 'id',
  targetType: 'document',
});

export const ACCESS_POLICY: Readonly<Record<string, PolicyEntry>> = {
  // Operations: probed by orchestrators and scraped by Prometheus from inside the network.
  'GET /health': { roles: 'public' },
  'GET /ready': { roles: 'public' },
  'GET /metrics': { roles: 'public' },

  // Authentication.
  'POST /api/auth/login': { roles: 'public' },
  'POST /api/auth/logout': { roles: 'public' },
  'GET /api/auth/me': { roles: 'authenticated' },
  'GET /api/auth/config': { roles: 'public' },
  'GET /api/auth/oidc/login': { roles: 'public' },
  'GET /api/auth/oidc/callback': { roles: 'public' },

  // Batches.
  'POST /api/batches': { roles: ARCHIVIST, audit: 'batch.upload' },
  'GET /api/batches': { roles: STAFF },
  'GET /api/batches/:id': { roles: STAFF },
  'GET /api/batches/:id/events': { roles: STAFF },

  // Documents.
  'GET /api/documents/:id': doc('document.view'),
  'GET /api/documents/:id/pdf': doc('document.download'),
  'GET /api/documents/:id/text': doc('document.text'),
  'GET /api/documents/:id/split': { roles: STAFF },
  'POST /api/documents/:id/retry': doc('document.retry', ARCHIVIST),
  'PATCH /api/documents/:id/metadata': { ...doc('document.metadata', ARCHIVIST), detail: changedFields },
  'GET /api/failed': { roles: ARCHIVIST },

  // Search.
  'GET /api/search': { roles: 'authenticated' },

  // Routing review.
  'GET /api/review': { roles: RECORDS },
  'GET /api/review/:documentId': { roles: RECORDS },
  'GET /api/review/:documentId/history': { roles: RECORDS },
  'POST /api/review/:documentId/accept': {
    roles: RECORDS,
    audit: 'routing.accept',
    target: 'documentId',
    targetType: 'document',
    detail: pick('note'),
  },
  'POST /api/review/:documentId/correct': {
    roles: RECORDS,
    audit: 'routing.correct',
    target: 'documentId',
    targetType: 'document',
    detail: pick('titolarioClass', 'office', 'assignee', 'practiceId', 'note'),
  },
  'POST /api/review/accept': { roles: RECORDS, audit: 'routing.bulk_accept', detail: pick('documentIds', 'note') },

  // Practices (fascicoli).
  'GET /api/practices': { roles: STAFF },
  'GET /api/practices/:id': { roles: STAFF },
  'GET /api/documents/:id/practice': { roles: STAFF },
  'POST /api/practices/:id/merge': {
    roles: RECORDS,
    audit: 'practice.merge',
    target: 'id',
    targetType: 'practice',
    detail: pick('from', 'note'),
  },
  'POST /api/practices/:id/split': {
    roles: RECORDS,
    audit: 'practice.split',
    target: 'id',
    targetType: 'practice',
    detail: pick('documentIds', 'key', 'label', 'note'),
  },
  'POST /api/documents/:id/practice': {
    roles: RECORDS,
    audit: 'practice.move',
    target: 'id',
    targetType: 'document',
    detail: pick('practiceId', 'note'),
  },
  'PATCH /api/practices/:id': {
    roles: RECORDS,
    audit: 'practice.rename',
    target: 'id',
    targetType: 'practice',
    detail: pick('key', 'label'),
  },

  // Routing models.
  'GET /api/models': { roles: ADMIN },
  'POST /api/models/retrain': { roles: ADMIN, audit: 'model.retrain', detail: pick('tasks') },
  'POST /api/models/:task/rollback': {
    roles: ADMIN,
    audit: 'model.rollback',
    target: 'task',
    targetType: 'model',
    detail: pick('to'),
  },
  'POST /api/models/:task/promote': {
    roles: ADMIN,
    audit: 'model.promote',
    target: 'task',
    targetType: 'model',
    detail: pick('version'),
  },

  // Users and API tokens (the handlers add the created ids and what changed).
  'GET /api/users': { roles: ADMIN },
  'POST /api/users': { roles: ADMIN, audit: 'user.create', targetType: 'user' },
  'PATCH /api/users/:id': { roles: ADMIN, audit: 'user.update', target: 'id', targetType: 'user' },
  'GET /api/users/:id/tokens': { roles: ADMIN },
  'POST /api/users/:id/tokens': { roles: ADMIN, audit: 'token.create', targetType: 'token' },
  'DELETE /api/users/:id/tokens/:tokenId': {
    roles: ADMIN,
    audit: 'token.revoke',
    target: 'tokenId',
    targetType: 'token',
  },

  // Administration.
  'GET /api/audit': { roles: ADMIN },
  'GET /api/admin/queues': { roles: ADMIN },
  'GET /api/admin/settings': { roles: ADMIN },
  'GET /api/reference': { roles: STAFF },

  // The web app's files (the static plugin's wildcard route).
  'GET /': { roles: 'public' },
  'GET /*': { roles: 'public' },

  // The union, the paper archive, access requests and digitisation on demand (issue 11): each route file holds its own.
  ...UNION_POLICY,
  ...INVENTORY_POLICY,
  ...ACCESS_REQUEST_POLICY,
  ...DIGITISATION_POLICY,
  ...CONFORMITY_POLICY,
  // Page quality control of a batch (issue 12).
  ...QUALITY_POLICY,
  // Page rescans and versions (issue 12).
  ...PAGE_VERSION_POLICY,
  // Separator sheets printed from the app (issue 12).
  ...SEPARATOR_POLICY,
};

/**
 * Routes registered by third-party plugins whose exact URLs are theirs to choose: the OpenAPI UI (swagger-ui) and the
 * queue dashboard (Bull Board). Matched on the registered route URL, never on the request path.
 */
export const PREFIX_POLICY: ReadonlyArray<{ methods: readonly string[]; prefix: string; entry: PolicyEntry }> = [
  { methods: ['GET'], prefix: '/docs', entry: { roles: 'public' } },
  { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], prefix: '/admin/queues', entry: { roles: ADMIN } },
];

const underPrefix = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

/** The policy of a registered route, or undefined (deny). */
export function policyFor(method: string, url: string): PolicyEntry | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const exact = ACCESS_POLICY[`${m} ${url}`];
  if (exact) return exact;
  return PREFIX_POLICY.find((p) => p.methods.includes(m) && underPrefix(url, p.prefix))?.entry;
}

/** Whether a user of `role` may call a route with this access. */
export function allows(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  if (!role) return false;
  return access === 'authenticated' || access.includes(role);
}
