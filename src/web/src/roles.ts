// The role table of issue 8 as the UI needs it: Italian role names (src/auth/roles.ts) and what each role may do. The server enforces
// the same table on every route; the UI only uses it to hide what a role cannot use.
import { ROLE_LABELS, ROLES, type Role } from '../../auth/roles.ts';

export { ROLE_LABELS, ROLES };

export type Permission =
  | 'upload' // POST /api/batches, the Caricamento page
  | 'batches.read' // batch list and detail
  | 'batches.events' // live dashboard (SSE)
  | 'failed' // GET /api/failed
  | 'retry' // POST /api/documents/:id/retry
  | 'metadata' // PATCH /api/documents/:id/metadata
  | 'search'
  | 'documents.view' // detail, text, searchable PDF
  | 'practices.read'
  | 'practices.write'
  | 'review' // routing review queue
  | 'reference' // GET /api/reference
  | 'inventory' // Archivio cartaceo: the paper inventory and its imports (staff)
  | 'access-requests' // Richieste di accesso: one's own requests, the request form
  | 'access-requests.decide' // approve / reject the requests of one's Comuni
  | 'digitisation' // Lista di scansione, planning a practice for scanning
  | 'progress' // Avanzamento: digitisation progress per Comune
  | 'admin'; // users, audit, queues, settings, models

const GRANTS: Record<Exclude<Role, 'admin'>, readonly Permission[]> = {
  archivist: [
    'upload',
    'batches.read',
    'batches.events',
    'failed',
    'retry',
    'metadata',
    'search',
    'documents.view',
    'practices.read',
    'reference',
    'inventory',
    'access-requests',
    'access-requests.decide',
    'digitisation',
    'progress',
  ],
  records_manager: [
    'review',
    'practices.read',
    'practices.write',
    'search',
    'documents.view',
    'batches.read',
    'reference',
    'progress',
  ],
  professional: ['search', 'documents.view', 'access-requests'],
};

export function roleCan(role: Role | undefined, permission: Permission): boolean {
  if (!role) return false;
  if (role === 'admin') return true;
  return GRANTS[role]?.includes(permission) ?? false;
}

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? role;
}
