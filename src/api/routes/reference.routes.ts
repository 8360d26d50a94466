// Reference data for the UI's forms: offices, titolario classes and document types. A user is offered the offices of
// the Comuni they act on (shared offices serve every Comune), each with the Comuni it serves.
import type { FastifyPluginAsync } from 'fastify';
import { requireUser } from '../../auth/auth-user.ts';
import { servesComune, type Office } from '../../classify/reference-data.ts';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_LABELS } from '../../domain/vocabulary.ts';
import type { TenantScope } from '../../tenancy/tenant-scope.ts';
import type { AppServices } from '../../workers/services.ts';

/** Whether the office serves a Comune the scope acts on; a union-level scope ('*') sees every office. */
function officeInScope(office: Office, scope: TenantScope): boolean {
  if (scope.full === '*' || !office.comuni) return true;
  return scope.full.some((comune) => servesComune(office, comune));
}

export function referenceRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/reference', async (req) => {
      const { scope } = requireUser(req);
      const ref = services.reference();
      const union = services.config.union.comuni.map((c) => c.code);
      return {
        offices: ref.offices
          .filter((o) => officeInScope(o, scope))
          .map((o) => ({
            code: o.id,
            name: o.name,
            classes: o.classes,
            // The Comuni the office serves; a shared office serves all of the union's.
            comuni: o.comuni ?? union,
            shared: !o.comuni,
          })),
        titolario: [...ref.entries.values()].map((e) => ({ code: e.code, title: e.label, titolo: e.titoloLabel })),
        documentTypes: DOCUMENT_TYPES.map((code) => ({ code, label: DOCUMENT_TYPE_LABELS[code] })),
      };
    });
  };
}
