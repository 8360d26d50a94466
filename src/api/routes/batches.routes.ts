// Batches: streaming multipart upload of many files, and the batch status.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  BOX_SPLIT_MODES,
  type Batch,
  type BatchItem,
  type BatchSummary,
  type BoxSplitMode,
  type DocumentRecord,
  type MetadataStore,
} from '../../db/metadata-store.ts';
import type { AppServices } from '../../workers/services.ts';
import { apiDoc } from '../openapi.ts';
import { requireUser } from '../../auth/auth-user.ts';
import { comuneOf, comuneName } from '../../tenancy/comuni.ts';
import { actingComuni, actsOn, type TenantScope } from '../../tenancy/tenant-scope.ts';

/** A box scan to split: at separator sheets, or also at blank pages ('+' arrives as a space in a query string). */
const splitMode = z
  .preprocess((v) => (typeof v === 'string' ? v.trim().replace(/\s+/g, '+') : v), z.enum(BOX_SPLIT_MODES))
  .meta({
    description:
      'Scansione di scatola da suddividere in documenti: `separators` (fogli separatori) o `separators+blank` ' +
      '(anche pagine bianche). Campo del modulo prima di un file: vale per i file che seguono.',
  });

export const batchIdParams = z.object({ id: z.string().uuid().meta({ description: 'Identificativo del lotto' }) });
const uploadQuery = z.object({
  label: z.string().max(200).optional().meta({ description: 'Etichetta del lotto' }),
  comune: z.string().max(16).optional().meta({ description: 'Comune del lotto (predefinito: quello dell’utente)' }),
  restricted: z
    .enum(['0', '1', 'false', 'true'])
    .default('0')
    .transform((v) => v === '1' || v === 'true')
    .meta({ description: 'Documenti riservati al personale del Comune (non condivisi con l’unione)' }),
  split: splitMode.optional(),
});
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A batch's summary with its upload items and documents (without their classification). */
export interface BatchView {
  summary: BatchSummary;
  items: BatchItem[];
  documents: Array<Omit<DocumentRecord, 'classification'>>;
}

export async function loadBatchView(db: MetadataStore, id: string): Promise<BatchView | null> {
  const summary = await db.batchSummary(id);
  if (!summary) return null;
  const [documents, items] = await Promise.all([db.listDocuments({ batchId: id }), db.listBatchItems(id)]);
  return { summary, items, documents: documents.map(({ classification: _c, ...d }) => d) };
}

/** The body of GET /api/batches/:id (and of the events stream's snapshot): `items` there is the list, not the count. */
export const batchViewBody = (v: BatchView) => ({ ...v.summary, items: v.items, documents: v.documents });

class UploadError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The Comune of an upload: the one asked for, else the user's, else the union's default; the user must act on it. */
function uploadComune(services: AppServices, req: FastifyRequest, asked: string | undefined): string {
  const user = requireUser(req);
  const { union } = services.config;
  const comune = comuneOf(union, asked ?? user.comune ?? union.defaultComune).code;
  if (!actsOn(user.scope, comune))
    throw new UploadError(
      `Non puoi caricare documenti per il Comune di ${comuneName(union, comune)}`,
      403,
      'OTHER_COMUNE',
    );
  return comune;
}

/** 404 for a batch of a Comune the user does not act on, as for a missing one. */
export async function batchInScope(db: MetadataStore, id: string, scope: TenantScope): Promise<boolean> {
  const batch = await db.getBatch(id);
  return batch !== null && actsOn(scope, batch.comune);
}

export function batchRoutes(services: AppServices): FastifyPluginAsync {
  const { db, ingest } = services;
  return async (app) => {
    app.post(
      '/batches',
      apiDoc({
        summary: 'Carica un lotto di file',
        description:
          'Multipart/form-data con uno o più campi `file` (anche zip). Ogni file diventa un elemento del lotto: ' +
          'accettato, duplicato, rifiutato (con il motivo) o espanso (zip). Con `split` il file è una scansione di ' +
          'scatola, suddivisa in documenti ai fogli separatori.',
        tags: ['lotti'],
        querystring: uploadQuery,
        consumes: ['multipart/form-data'],
        responses: { 201: 'Lotto creato con i suoi elementi' },
        errors: [403, 415],
      }),
      async (req, reply) => {
        if (!req.isMultipart())
          return reply
            .status(415)
            .send({ error: { code: 'NOT_MULTIPART', message: 'send files as multipart/form-data' } });
        // Label, Comune and restricted come in the query string or as form fields before the first file.
        const fields: Record<string, string> = {};
        let batch: Batch | undefined;
        const openBatch = async (): Promise<Batch> => {
          const options = uploadQuery.parse({ ...(req.query as Record<string, unknown>), ...fields });
          const comune = uploadComune(services, req, options.comune);
          req.auditNote = { ...req.auditNote, comune };
          return db.createBatch({
            label: options.label ?? 'upload',
            source: 'upload',
            comune,
            restricted: options.restricted,
          });
        };
        const items: BatchItem[] = [];
        // A box scan: `split` in the query string or a field before the first file; a later `split` field (empty:
        // none) applies to the files after it.
        let split: BoxSplitMode | undefined;
        for await (const part of req.parts()) {
          if (part.type !== 'file') {
            if (typeof part.value !== 'string') continue;
            if (!batch) fields[part.fieldname] = part.value;
            else if (part.fieldname === 'split') split = part.value ? splitMode.parse(part.value) : undefined;
            continue;
          }
          if (!batch) {
            batch = await openBatch();
            split = uploadQuery.parse({ ...(req.query as Record<string, unknown>), ...fields }).split;
          }
          items.push(await ingest.ingest(batch.id, part.filename, part.file, 0, { split }));
        }
        batch ??= await openBatch();
        return reply.status(201).send({ batch, items });
      },
    );

    app.get(
      '/batches',
      apiDoc({ summary: 'Elenco dei lotti, dal più recente', tags: ['lotti'], querystring: pageQuery }),
      async (req) => {
        const q = pageQuery.parse(req.query);
        const comuni = actingComuni(requireUser(req).scope);
        const [batches, total] = await Promise.all([db.listBatches({ ...q, comuni }), db.countBatches({ comuni })]);
        return { batches, total, limit: q.limit, offset: q.offset };
      },
    );

    app.get(
      '/batches/:id',
      apiDoc({
        summary: 'Stato di un lotto',
        description:
          'Riepilogo (conteggi per stato), elementi caricati e documenti con `status`, `failedStep`, `error`.',
        tags: ['lotti'],
        params: batchIdParams,
        errors: [404],
      }),
      async (req, reply) => {
        const { id } = batchIdParams.parse(req.params);
        const view = (await batchInScope(db, id, requireUser(req).scope)) ? await loadBatchView(db, id) : null;
        if (!view) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'batch not found' } });
        return batchViewBody(view);
      },
    );
  };
}
