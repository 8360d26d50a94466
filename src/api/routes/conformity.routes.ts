// Conformity of a batch's image copies: verification by sampling (draw, mark each page, close), the attestation of
// conformity (its content as JSON, issuing it, the latest issued PDF) and the upload of the signed attestation. Staff acting on the batch's Comune only; a
// batch of another Comune answers 404 like a missing one.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../../auth/auth-user.ts';
import type { Role } from '../../auth/roles.ts';
import { ConformityError, ConformityService, type Actor } from '../../conformity/conformity.service.ts';
import type { Batch } from '../../db/metadata-store.ts';
import { comuneName } from '../../tenancy/comuni.ts';
import { actsOn } from '../../tenancy/tenant-scope.ts';
import type { AppServices } from '../../workers/services.ts';
import type { PolicyEntry } from '../access-policy.ts';
import { apiDoc } from '../openapi.ts';
import { batchIdParams } from './batches.routes.ts';

const STAFF: readonly Role[] = ['admin', 'archivist', 'records_manager'];
const batchAudit = (audit: string): PolicyEntry => ({ roles: STAFF, audit, target: 'id', targetType: 'batch' });

/** Access-policy entries of these routes (spread into ACCESS_POLICY). */
export const CONFORMITY_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'GET /api/batches/:id/conformity': { roles: STAFF },
  'POST /api/batches/:id/verification/sample': batchAudit('conformity.sample'),
  'PUT /api/batches/:id/verification/pages/:documentId/:page': batchAudit('conformity.check'),
  'POST /api/batches/:id/verification/close': batchAudit('conformity.close'),
  'GET /api/batches/:id/attestation': { roles: STAFF },
  'POST /api/batches/:id/attestation': batchAudit('conformity.attestation'),
  'GET /api/batches/:id/attestation.pdf': { roles: STAFF },
  'POST /api/batches/:id/attestation/signed': batchAudit('conformity.signed'),
};

/** Signed attestations are a few MB even for large batches; this bounds a mistaken upload. */
const SIGNED_MAX_BYTES = 100 * 1024 * 1024;

const sampleBody = z
  .object({
    size: z.number().int().min(1).max(100_000).optional(),
    percent: z.number().gt(0).max(100).optional(),
    seed: z.string().min(1).max(100).optional(),
  })
  .refine((b) => (b.size === undefined) !== (b.percent === undefined), { message: 'indica size oppure percent' });
const pageParams = batchIdParams.extend({
  documentId: z.string().regex(/^[0-9a-f]{64}$/),
  page: z.coerce.number().int().min(1),
});
const resultBody = z.object({
  outcome: z.enum(['conforme', 'non conforme']),
  problem: z.string().max(2000).optional(),
});

const actorOf = (req: FastifyRequest): Actor => {
  const u = requireUser(req);
  return { id: u.id, username: u.username };
};

export function conformityRoutes(services: AppServices): FastifyPluginAsync {
  const { db } = services;
  const conformity = new ConformityService({
    db,
    store: services.store,
    conformity: services.conformity,
    comuneName: (code) => comuneName(services.config.union, code),
  });

  /** The batch when the user acts on its Comune; 404 otherwise (no existence leak across Comuni). */
  async function batchOf(req: FastifyRequest): Promise<Batch> {
    const { id } = batchIdParams.parse(req.params);
    const batch = await db.getBatch(id);
    if (!batch || !actsOn(requireUser(req).scope, batch.comune))
      throw new ConformityError('Lotto non trovato', 404, 'NOT_FOUND');
    req.auditNote = { ...req.auditNote, comune: batch.comune };
    return batch;
  }

  return async (app) => {
    const tags = ['conformità'];
    app.get(
      '/batches/:id/conformity',
      apiDoc({ summary: 'Stato della conformità del lotto', tags, params: batchIdParams, errors: [404] }),
      async (req) => conformity.status((await batchOf(req)).id),
    );

    app.post(
      '/batches/:id/verification/sample',
      apiDoc({
        summary: 'Estrae il campione di pagine da verificare',
        description:
          'Campione casuale riproducibile (stesso seme, stesse pagine) tra le pagine dei documenti archiviati del ' +
          'lotto: `size` pagine oppure `percent` %. Sostituisce una verifica aperta.',
        tags,
        params: batchIdParams,
        body: sampleBody,
        responses: { 201: 'Verifica aperta con il campione' },
        errors: [404, 409],
      }),
      async (req, reply) => {
        const batch = await batchOf(req);
        const body = sampleBody.parse(req.body ?? {});
        const verification = await conformity.startVerification(batch, body, actorOf(req));
        req.auditNote = { ...req.auditNote, detail: { seed: verification.seed, size: verification.pages.length } };
        return reply.status(201).send(verification);
      },
    );

    app.put(
      '/batches/:id/verification/pages/:documentId/:page',
      apiDoc({
        summary: 'Esito del raffronto di una pagina del campione',
        tags,
        params: pageParams,
        body: resultBody,
        errors: [404, 409, 422],
      }),
      async (req) => {
        await batchOf(req);
        const { documentId, page } = pageParams.parse(req.params);
        const body = resultBody.parse(req.body);
        req.auditNote = { ...req.auditNote, detail: { documentId, page, outcome: body.outcome } };
        return conformity.setPageResult(batchIdParams.parse(req.params).id, { documentId, page }, body, actorOf(req));
      },
    );

    app.post(
      '/batches/:id/verification/close',
      apiDoc({
        summary: 'Chiude la verifica a campione con il suo verbale',
        tags,
        params: batchIdParams,
        errors: [404, 409],
      }),
      async (req) => {
        const batch = await batchOf(req);
        const v = await conformity.closeVerification(batch.id, actorOf(req));
        req.auditNote = { ...req.auditNote, detail: { outcome: v.report?.outcome, sample: v.pages.length } };
        return v;
      },
    );

    app.get(
      '/batches/:id/attestation',
      apiDoc({
        summary: 'Contenuto dell’attestazione di conformità (JSON)',
        description: 'Ogni file di ogni documento archiviato con lo SHA-256 calcolato ora sui byte del deposito.',
        tags,
        params: batchIdParams,
        errors: [404, 409],
      }),
      async (req) => conformity.attestationData(await batchOf(req)),
    );

    app.post(
      '/batches/:id/attestation',
      apiDoc({
        summary: 'Emette l’attestazione di conformità (PDF da firmare)',
        description:
          'Genera, conserva nel deposito e registra l’attestazione. Idempotente: lo stesso stato del lotto dà gli ' +
          'stessi byte, registrati una volta (201 alla prima emissione, 200 se già emessa).',
        tags,
        params: batchIdParams,
        responses: { 201: 'Attestazione emessa', 200: 'Attestazione già emessa con lo stesso contenuto' },
        errors: [404, 409],
      }),
      async (req, reply) => {
        const batch = await batchOf(req);
        const { issued, created } = await conformity.issueAttestation(batch, actorOf(req));
        req.auditNote = { ...req.auditNote, detail: { sha256: issued.sha256, created } };
        return reply.status(created ? 201 : 200).send(issued);
      },
    );

    app.get(
      '/batches/:id/attestation.pdf',
      apiDoc({
        summary: 'Ultima attestazione di conformità emessa (PDF da firmare)',
        description: 'Non emette nulla: 404 finché non è stata emessa con POST attestation.',
        tags,
        params: batchIdParams,
        produces: ['application/pdf'],
        errors: [404, 409],
      }),
      async (req, reply) => {
        const batch = await batchOf(req);
        const { pdf, issued } = await conformity.latestAttestation(batch.id);
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="attestazione-conformita-${batch.id}.pdf"`)
          .header('x-faldone-sha256', issued.sha256)
          .send(pdf);
      },
    );

    app.post(
      '/batches/:id/attestation/signed',
      apiDoc({
        summary: 'Carica l’attestazione firmata (.p7m CAdES o PDF PAdES)',
        description:
          'Multipart con un campo `file`. Accettata solo se contiene un’attestazione emessa per il lotto con una ' +
          'firma verificabile; registrata nei manifesti dei documenti (sezione `conformita`).',
        tags,
        params: batchIdParams,
        consumes: ['multipart/form-data'],
        responses: { 201: 'File firmato registrato' },
        errors: [404, 413, 415, 422],
      }),
      async (req, reply) => {
        const batch = await batchOf(req);
        if (!req.isMultipart())
          throw new ConformityError('Invia il file come multipart/form-data', 422, 'NOT_MULTIPART');
        let data: Buffer | undefined;
        for await (const part of req.parts()) {
          if (part.type !== 'file') continue;
          const buf = await part.toBuffer();
          if (part.file.truncated || buf.length > SIGNED_MAX_BYTES)
            throw Object.assign(new Error('File troppo grande'), { statusCode: 413, code: 'FILE_TOO_LARGE' });
          if (data) throw new ConformityError('Invia un solo file', 422, 'ONE_FILE');
          data = buf;
        }
        if (!data?.length) throw new ConformityError('Allega il file firmato', 422, 'NO_FILE');
        const result = await conformity.receiveSigned(batch, data, actorOf(req));
        req.auditNote = {
          ...req.auditNote,
          detail: { sha256: result.signed.sha256, format: result.signed.format, documents: result.manifests.documents },
        };
        return reply.status(201).send(result);
      },
    );
  };
}
