// Digitisation on demand for the archive staff: the scan work list, planning a practice for scanning, and the
// progress report (JSON for the chart, CSV for spreadsheets). Staff see and act on the Comuni of their scope.
import { commaList } from '../query-lists.ts';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import type { Role } from '../../auth/roles.ts';
import { DigitisationError, DigitisationService } from '../../paper/digitisation.service.ts';
import { progressCsv, progressCsvFilename } from '../../paper/progress-csv.ts';
import { comuneOf, type UnionSettings } from '../../tenancy/comuni.ts';
import { actsOn, type TenantScope } from '../../tenancy/tenant-scope.ts';
import type { PolicyEntry } from '../access-policy.ts';
import type { AppServices } from '../../workers/services.ts';

const ARCHIVIST: readonly Role[] = ['admin', 'archivist'];
const PROGRESS_READERS: readonly Role[] = ['admin', 'archivist', 'records_manager'];

/** Access-policy entries of these routes (spread into ACCESS_POLICY). */
export const DIGITISATION_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'GET /api/digitisation/worklist': { roles: ARCHIVIST },
  'POST /api/digitisation/:inventoryId/request': {
    roles: ARCHIVIST,
    audit: 'digitisation.plan',
    target: 'inventoryId',
    targetType: 'inventory',
  },
  'GET /api/digitisation/progress': { roles: PROGRESS_READERS },
  'GET /api/digitisation/progress.csv': { roles: PROGRESS_READERS },
};

const worklistQuery = z.object({ comune: commaList });
const progressQuery = z.object({ comune: commaList, days: z.coerce.number().int().min(1).max(365).optional() });
const planParams = z.object({ inventoryId: z.uuid() });

const requestScope = (req: FastifyRequest): TenantScope => requireUser(req).scope;

/**
 * The Comuni a staff request covers: the asked ones (each must be in the scope) or every Comune of the scope;
 * undefined = all (union-level staff asking for no Comune in particular).
 */
export function comuniInScope(
  union: UnionSettings,
  scope: TenantScope,
  asked: string[] | undefined,
): string[] | undefined {
  const codes = asked?.map((c) => comuneOf(union, c).code);
  if (codes?.length) {
    const outside = codes.find((c) => !actsOn(scope, c));
    if (outside)
      throw new DigitisationError(`Non puoi consultare i dati del Comune ${outside}`, 403, 'COMUNE_NOT_IN_SCOPE');
    return [...new Set(codes)];
  }
  return scope.full === '*' ? undefined : [...scope.full];
}

export function digitisationRoutes(services: AppServices): FastifyPluginAsync {
  const { union } = services.config;
  const digitisation = new DigitisationService({ paper: services.paper, union });
  return async (app) => {
    app.get('/digitisation/worklist', async (req) => {
      const q = worklistQuery.parse(req.query);
      const comuni = comuniInScope(union, requestScope(req), q.comune);
      return digitisation.worklist(comuni ? { comuni } : {});
    });

    app.post('/digitisation/:inventoryId/request', async (req) => {
      const { inventoryId } = planParams.parse(req.params);
      const view = await digitisation.plan(inventoryId, requestScope(req));
      req.auditNote = { comune: view.comune, detail: { practiceKey: view.practiceKey } };
      return view;
    });

    app.get('/digitisation/progress', async (req) => {
      const q = progressQuery.parse(req.query);
      const comuni = comuniInScope(union, requestScope(req), q.comune);
      return digitisation.progress({ ...(comuni ? { comuni } : {}), ...(q.days ? { windowDays: q.days } : {}) });
    });

    app.get('/digitisation/progress.csv', async (req, reply) => {
      const q = progressQuery.parse(req.query);
      const comuni = comuniInScope(union, requestScope(req), q.comune);
      const progress = await digitisation.progress({
        ...(comuni ? { comuni } : {}),
        ...(q.days ? { windowDays: q.days } : {}),
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${progressCsvFilename(progress)}"`)
        .send(progressCsv(progress));
    });
  };
}
