// Page quality control of a batch (issue 12): the report (flagged pages per document, totals by code, practices whose
// page count differs from the inventory) and the rescan list as JSON or CSV. Staff acting on the batch's Comune only;
// the documents listed are those their scope sees.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import { batchQualityReport, rescanCsv, rescanRows } from '../../scan/batch-quality.ts';
import type { AppServices } from '../../workers/services.ts';
import type { PolicyEntry } from '../access-policy.ts';
import { apiDoc } from '../openapi.ts';
import { commaList } from '../query-lists.ts';
import { batchIdParams, batchInScope } from './batches.routes.ts';

/** Access-policy entries of these routes (spread into ACCESS_POLICY): the batch dashboard's readers. */
export const QUALITY_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'GET /api/batches/:id/quality': { roles: ['admin', 'archivist', 'records_manager'] },
  'GET /api/batches/:id/rescan-list': { roles: ['admin', 'archivist', 'records_manager'] },
};

const rescanQuery = z.object({
  format: z.enum(['json', 'csv']).default('json').meta({ description: 'json (predefinito) o csv' }),
  codes: commaList,
});

const NOT_FOUND = { error: { code: 'NOT_FOUND', message: 'batch not found' } };

export function qualityRoutes(services: AppServices): FastifyPluginAsync {
  const { db, paper } = services;
  const report = async (id: string, scope: ReturnType<typeof requireUser>['scope']) =>
    (await batchInScope(db, id, scope)) ? batchQualityReport({ db, paper }, id, scope) : null;
  return async (app) => {
    app.get(
      '/batches/:id/quality',
      apiDoc({
        summary: 'Controllo qualità delle pagine di un lotto',
        description:
          'Per documento le pagine con avvisi (risoluzione, pagina bianca, troppo scura/chiara, storta, contenuto ' +
          'tagliato), i totali per tipo di avviso e, a lotto concluso, le pratiche il cui numero di pagine ' +
          'differisce da quello atteso dall’inventario.',
        tags: ['lotti'],
        params: batchIdParams,
        errors: [404],
      }),
      async (req, reply) => {
        const { id } = batchIdParams.parse(req.params);
        const found = await report(id, requireUser(req).scope);
        return found ?? reply.status(404).send(NOT_FOUND);
      },
    );

    app.get(
      '/batches/:id/rescan-list',
      apiDoc({
        summary: 'Elenco delle pagine da riscansionare',
        description:
          'Una riga per pagina con avvisi (file, pagina, problemi, pratica, collocazione del faldone) e una per ' +
          'pratica con numero di pagine diverso dall’inventario. `format=csv`: separatore `;`, UTF-8 con BOM.',
        tags: ['lotti'],
        params: batchIdParams,
        querystring: rescanQuery,
        produces: ['application/json', 'text/csv'],
        errors: [404],
      }),
      async (req, reply) => {
        const { id } = batchIdParams.parse(req.params);
        const q = rescanQuery.parse(req.query);
        const found = await report(id, requireUser(req).scope);
        if (!found) return reply.status(404).send(NOT_FOUND);
        const rows = rescanRows(found, q.codes);
        if (q.format === 'json') return { batchId: id, done: found.done, rows };
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="lotto-${id}-da-riscansionare.csv"`)
          .send(rescanCsv(rows));
      },
    );
  };
}
