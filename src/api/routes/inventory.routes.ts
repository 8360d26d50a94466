// The paper inventory: archive staff import CSV/Excel lists of paper practices (preview with a suggested column
// mapping, then the import with its row-by-row report) for the Comuni they act on; everybody in the union searches the
// inventory and opens a record (inventory records are never restricted).
import { commaList } from '../query-lists.ts';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import type { Role } from '../../auth/roles.ts';
import { toInventoryView } from '../../paper/digitisation.service.ts';
import { importInventory, previewInventory } from '../../paper/inventory-import.service.ts';
import { problemsCsv } from '../../paper/inventory-report.ts';
import { PAPER_STATES, type InventoryImport } from '../../paper/paper-store.ts';
import { comuneOf, type UnionSettings } from '../../tenancy/comuni.ts';
import { actsOn, type TenantScope } from '../../tenancy/tenant-scope.ts';
import type { PolicyEntry } from '../access-policy.ts';
import { apiDoc } from '../openapi.ts';
import type { AppServices } from '../../workers/services.ts';

const IMPORTERS: readonly Role[] = ['admin', 'archivist'];
export const INVENTORY_LIST_MAX = 200;

/** Access-policy entries of these routes (spread into ACCESS_POLICY). */
export const INVENTORY_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'POST /api/inventory/imports/preview': { roles: IMPORTERS },
  'POST /api/inventory/imports': { roles: IMPORTERS, audit: 'inventory.import', targetType: 'inventory_import' },
  'GET /api/inventory/imports': { roles: IMPORTERS },
  'GET /api/inventory/imports/:id': { roles: IMPORTERS },
  'GET /api/inventory/imports/:id/report.csv': { roles: IMPORTERS },
  'GET /api/inventory': { roles: 'authenticated' },
  'GET /api/inventory/:id': { roles: 'authenticated' },
};

class InventoryRouteError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'InventoryRouteError';
  }
}

const listQuery = z.object({
  q: z.string().max(200).optional(),
  comune: commaList.meta({ description: 'Codici dei Comuni, separati da virgola' }),
  state: commaList
    .pipe(z.array(z.enum(PAPER_STATES)).optional())
    .meta({ description: 'Stati: paper, requested, scanned, archived' }),
  year: z.coerce.number().int().min(1000).max(9999).optional(),
  foglio: z.coerce.number().int().min(1).optional(),
  mappale: z.coerce.number().int().min(1).optional(),
  address: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(INVENTORY_LIST_MAX).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const recordParams = z.object({ id: z.uuid() });
const importParams = z.object({ id: z.uuid() });
const importsQuery = z.object({
  comune: commaList,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

interface Upload {
  fields: Record<string, string>;
  file?: { filename: string; data: Buffer };
}

/** The multipart body: its text fields and its one file (the file may come before or after the fields). */
async function readUpload(req: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!req.isMultipart()) {
    throw new InventoryRouteError('Invia il file come multipart/form-data', 415, 'NOT_MULTIPART');
  }
  const out: Upload = { fields: {} };
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (part.file.truncated || data.length > maxBytes) {
        throw new InventoryRouteError('File troppo grande', 413, 'FILE_TOO_LARGE');
      }
      if (out.file) throw new InventoryRouteError('Invia un solo file', 400, 'INVALID_REQUEST');
      out.file = { filename: part.filename || 'inventario', data };
    } else {
      out.fields[part.fieldname] = String(part.value ?? '');
    }
  }
  return out;
}

function requireFile(upload: Upload): { filename: string; data: Buffer } {
  if (!upload.file || upload.file.data.length === 0) {
    throw new InventoryRouteError('Allega il file dell\u2019inventario (.csv o .xlsx)', 400, 'INVALID_REQUEST');
  }
  return upload.file;
}

/** The Comune of a write: one of the union, and one the user acts on. */
function writableComune(union: UnionSettings, scope: TenantScope, code: string | undefined): string {
  if (!code?.trim()) throw new InventoryRouteError('Indica il Comune dell\u2019inventario', 400, 'INVALID_REQUEST');
  const comune = comuneOf(union, code.trim()).code;
  if (!actsOn(scope, comune)) {
    throw new InventoryRouteError(
      `Non puoi importare l\u2019inventario del Comune ${comune}`,
      403,
      'COMUNE_NOT_IN_SCOPE',
    );
  }
  return comune;
}

const withoutProblems = ({ problems: _p, ...rest }: InventoryImport) => rest;

export function inventoryRoutes(services: AppServices): FastifyPluginAsync {
  const { paper, db, config } = services;
  const union = config.union;
  const maxBytes = config.limits.maxFileBytes;

  /** An import the user may see (of a Comune they act on), else 404. */
  async function visibleImport(req: FastifyRequest): Promise<InventoryImport> {
    const { id } = importParams.parse(req.params);
    const found = await paper.getImport(id);
    if (!found || !actsOn(requireUser(req).scope, found.comune)) {
      throw new InventoryRouteError('Importazione non trovata', 404, 'NOT_FOUND');
    }
    return found;
  }

  return async (app) => {
    app.post(
      '/inventory/imports/preview',
      apiDoc({
        summary: 'Anteprima di un file di inventario cartaceo',
        description:
          'Multipart/form-data con `file` (.csv o .xlsx) e `comune`: colonne, prime 10 righe e corrispondenza ' +
          'suggerita tra colonne e campi dell\u2019inventario.',
        tags: ['inventario'],
        consumes: ['multipart/form-data'],
        errors: [403, 413, 415],
      }),
      async (req) => {
        const upload = await readUpload(req, maxBytes);
        if (upload.fields.comune) writableComune(union, requireUser(req).scope, upload.fields.comune);
        const file = requireFile(upload);
        return previewInventory(file.data, file.filename);
      },
    );

    app.post(
      '/inventory/imports',
      apiDoc({
        summary: 'Importa un inventario cartaceo',
        description:
          'Multipart/form-data con `file`, `comune` e `mapping` (JSON: campo → colonna). Le righe valide sono ' +
          'inserite o aggiornate per (Comune, pratica); il rapporto elenca ogni riga scartata o con avvisi.',
        tags: ['inventario'],
        consumes: ['multipart/form-data'],
        responses: { 201: 'Rapporto di importazione' },
        errors: [403, 413, 415],
      }),
      async (req, reply) => {
        const user = requireUser(req);
        const upload = await readUpload(req, maxBytes);
        const comune = writableComune(union, user.scope, upload.fields.comune);
        const file = requireFile(upload);
        let mapping: unknown;
        try {
          mapping = JSON.parse(upload.fields.mapping ?? '');
        } catch {
          throw new InventoryRouteError('Corrispondenza delle colonne mancante o non valida', 400, 'INVALID_REQUEST');
        }
        const report = await importInventory(paper, {
          data: file.data,
          filename: file.filename,
          comune,
          mapping,
          importedBy: user.id,
        });
        req.auditNote = {
          targetId: report.id,
          comune,
          detail: {
            filename: report.filename,
            rows: report.rows,
            inserted: report.inserted,
            updated: report.updated,
            rejected: report.rejected,
          },
        };
        return reply.status(201).send(report);
      },
    );

    app.get(
      '/inventory/imports',
      apiDoc({
        summary: 'Importazioni di inventario, dalla più recente',
        tags: ['inventario'],
        querystring: importsQuery,
      }),
      async (req) => {
        const q = importsQuery.parse(req.query);
        const scope = requireUser(req).scope;
        const asked = q.comune?.map((c) => comuneOf(union, c).code);
        const comuni = asked?.length
          ? asked.filter((c) => actsOn(scope, c))
          : scope.full === '*'
            ? undefined
            : [...scope.full];
        const items = await paper.listImports({ ...(comuni ? { comuni } : {}), limit: q.limit });
        return { items: items.map(withoutProblems) };
      },
    );

    app.get(
      '/inventory/imports/:id',
      apiDoc({
        summary: 'Rapporto di un\u2019importazione',
        tags: ['inventario'],
        params: importParams,
        errors: [404],
      }),
      async (req) => visibleImport(req),
    );

    app.get(
      '/inventory/imports/:id/report.csv',
      apiDoc({
        summary: 'Problemi di un\u2019importazione in CSV',
        description: 'Colonne riga;campo;gravità;messaggio;valore (UTF-8 con BOM).',
        tags: ['inventario'],
        params: importParams,
        produces: ['text/csv'],
        errors: [404],
      }),
      async (req, reply) => {
        const found = await visibleImport(req);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="importazione-${found.id}-problemi.csv"`)
          .send(problemsCsv(found.problems));
      },
    );

    app.get(
      '/inventory',
      apiDoc({ summary: 'Cerca nell\u2019inventario cartaceo', tags: ['inventario'], querystring: listQuery }),
      async (req) => {
        const q = listQuery.parse(req.query);
        const comuni = q.comune?.length ? [...new Set(q.comune.map((c) => comuneOf(union, c).code))] : undefined;
        const { total, records } = await paper.searchInventory({
          ...(q.q ? { q: q.q } : {}),
          ...(comuni ? { comuni } : {}),
          ...(q.state?.length ? { state: q.state } : {}),
          ...(q.year !== undefined ? { year: q.year } : {}),
          ...(q.foglio !== undefined ? { foglio: q.foglio } : {}),
          ...(q.mappale !== undefined ? { mappale: q.mappale } : {}),
          ...(q.address ? { address: q.address } : {}),
          limit: q.limit,
          offset: q.offset,
        });
        return { total, records: records.map((r) => toInventoryView(r, union)) };
      },
    );

    app.get(
      '/inventory/:id',
      apiDoc({
        summary: 'Una pratica dell\u2019inventario cartaceo',
        description: 'Con il numero di richieste di accesso e, se già digitalizzata, il fascicolo dell\u2019archivio.',
        tags: ['inventario'],
        params: recordParams,
        errors: [404],
      }),
      async (req) => {
        const { id } = recordParams.parse(req.params);
        const record = await paper.getInventory(id);
        if (!record) throw new InventoryRouteError('Pratica non trovata nell\u2019inventario', 404, 'NOT_FOUND');
        const [requests, practice] = await Promise.all([
          paper.listAccessRequests({ comuni: [record.comune], practiceKey: record.practiceKey, limit: 0 }),
          db.getPracticeByKey(record.practiceKey, record.comune),
        ]);
        return {
          ...toInventoryView(record, union),
          requests: requests.total,
          ...(practice ? { practiceId: practice.id } : {}),
        };
      },
    );
  };
}
