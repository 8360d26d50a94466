// Separator sheets for the scanning stations (issue 12): a PDF of A4 sheets for the practices, document types and
// generic separators asked for, and the sheets of the whole digitisation work list in work-list order. Archive staff,
// for the Comuni they act on.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import type { Role } from '../../auth/roles.ts';
import { DOCUMENT_TYPES } from '../../domain/vocabulary.ts';
import { DigitisationService } from '../../paper/digitisation.service.ts';
import {
  MAX_COPIES,
  SeparatorPrintError,
  SeparatorPrintService,
  separatorPrintRequestSchema,
  type SeparatorPlan,
} from '../../paper/separator-print.service.ts';
import { separatorSheetsPdf } from '../../scan/separator.sheet.ts';
import type { PolicyEntry } from '../access-policy.ts';
import { apiDoc } from '../openapi.ts';
import { commaList } from '../query-lists.ts';
import type { AppServices } from '../../workers/services.ts';
import { comuniInScope } from './digitisation.routes.ts';

const ARCHIVIST: readonly Role[] = ['admin', 'archivist'];

/** Access-policy entries of these routes (spread into ACCESS_POLICY). */
export const SEPARATOR_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'POST /api/separators': { roles: ARCHIVIST, audit: 'separators.print', targetType: 'separators' },
  'GET /api/digitisation/worklist/separators.pdf': {
    roles: ARCHIVIST,
    audit: 'separators.print',
    targetType: 'separators',
  },
};

const worklistSeparatorsQuery = z.object({
  comune: commaList.meta({ description: 'Codici dei Comuni, separati da virgola (predefinito: tutti i propri)' }),
  types: commaList
    .pipe(z.array(z.enum(DOCUMENT_TYPES)).optional())
    .meta({ description: 'Tipi di documento: un foglio per tipo dopo ogni foglio di pratica' }),
  copies: z.coerce.number().int().min(1).max(MAX_COPIES).default(1),
});

const today = () => new Date().toISOString().slice(0, 10);
/** Practice keys listed in the audit entry (the count is always there). */
const AUDIT_KEYS = 50;

export function separatorRoutes(services: AppServices): FastifyPluginAsync {
  const { union } = services.config;
  const separators = new SeparatorPrintService({ paper: services.paper, union });
  const digitisation = new DigitisationService({ paper: services.paper, union });

  const pdfOf = (plan: SeparatorPlan) => separatorSheetsPdf(plan.payloads, { issuer: union.name, printedOn: today() });
  const auditDetail = (plan: SeparatorPlan) => ({
    sheets: plan.payloads.length,
    practices: plan.practiceKeys.length,
    practiceKeys: plan.practiceKeys.slice(0, AUDIT_KEYS),
    comuni: plan.comuni,
  });

  return async (app) => {
    app.post(
      '/separators',
      apiDoc({
        summary: 'Stampa fogli separatori (PDF A4)',
        description:
          'Un foglio per separatore, ripetuto `copies` volte: di pratica (da una pratica dell\u2019inventario, con ' +
          'Comune, procedimento e collocazione, oppure da Comune e numero di pratica), di tipo di documento ' +
          '(facoltativamente per una pratica) e generici. `documentTypes` aggiunge dopo ogni foglio di pratica un ' +
          'foglio per tipo. Pratiche di Comuni su cui non si opera: 404.',
        tags: ['scansione'],
        body: separatorPrintRequestSchema,
        produces: ['application/pdf'],
        responses: { 200: 'PDF dei fogli separatori' },
        errors: [403, 404],
      }),
      async (req, reply) => {
        const body = separatorPrintRequestSchema.parse(req.body);
        const plan = await separators.plan(body, requireUser(req).scope);
        const pdf = await pdfOf(plan);
        req.auditNote = {
          ...(plan.comuni.length === 1 ? { comune: plan.comuni[0] } : {}),
          detail: auditDetail(plan),
        };
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="separatori-${today()}.pdf"`)
          .header('x-separator-sheets', String(plan.payloads.length))
          .send(Buffer.from(pdf));
      },
    );

    app.get(
      '/digitisation/worklist/separators.pdf',
      apiDoc({
        summary: 'Fogli separatori della lista di scansione (PDF A4)',
        description:
          'Un foglio di pratica (con la collocazione) per ogni pratica della lista di scansione, nell\u2019ordine ' +
          'della lista, seguito da un foglio per ciascuno dei tipi di documento in `types`. Le pratiche il cui ' +
          'numero non si può stampare sono escluse e contate nell\u2019intestazione X-Separator-Skipped.',
        tags: ['scansione'],
        querystring: worklistSeparatorsQuery,
        produces: ['application/pdf'],
        responses: { 200: 'PDF dei fogli separatori' },
        errors: [403, 404],
      }),
      async (req, reply) => {
        const q = worklistSeparatorsQuery.parse(req.query);
        const comuni = comuniInScope(union, requireUser(req).scope, q.comune);
        const { items } = await digitisation.worklist(comuni ? { comuni } : {});
        const plan = separators.worklistPlan(items, { documentTypes: q.types ?? [], copies: q.copies });
        if (plan.payloads.length === 0) {
          throw new SeparatorPrintError(
            items.length ? 'Nessuna pratica della lista ha un numero stampabile' : 'La lista di scansione è vuota',
            404,
            'NOTHING_TO_PRINT',
          );
        }
        const pdf = await pdfOf(plan);
        req.auditNote = {
          ...(plan.comuni.length === 1 ? { comune: plan.comuni[0] } : {}),
          detail: { ...auditDetail(plan), worklist: true, skipped: plan.skipped.slice(0, AUDIT_KEYS) },
        };
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="separatori-lista-${today()}.pdf"`)
          .header('x-separator-sheets', String(plan.payloads.length))
          .header('x-separator-skipped', String(plan.skipped.length))
          .send(Buffer.from(pdf));
      },
    );
  };
}
