// OpenAPI description of the API at /docs (Swagger UI) and /docs/json, built from the zod schemas the handlers
// already parse with. The schemas are documentation only: Fastify never validates or serialises with them (zod stays
// the one validator), because they live under a key Fastify ignores and only the swagger transform reads.
import type { FastifyInstance, FastifySchema } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';

/** Where apiDoc() puts the converted schemas inside a route's `schema`; Fastify compiles none of its keys. */
const DOC_KEY = 'x-faldone-doc';

/** The body of every error answer (see error-handler.ts). */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Codice stabile per i programmi, es. INVALID_REQUEST, NOT_FOUND' }),
      message: z.string().meta({ description: 'Spiegazione per le persone (in italiano)' }),
    }),
  })
  .meta({ description: 'Errore' });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Richiesta non valida',
  401: 'Accesso richiesto',
  403: 'Operazione non consentita al ruolo',
  404: 'Non trovato',
  409: 'Conflitto con lo stato attuale',
  415: 'Tipo di contenuto non supportato',
  429: 'Troppe richieste',
};

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Success answers: status → description, with the body's schema when worth documenting. */
  responses?: Record<number, string | { description: string; schema?: z.ZodType }>;
  /** Error statuses this route answers with `{ error: { code, message } }` (400 is always listed). */
  errors?: number[];
  /** Content types of the success answer when not JSON (e.g. text/event-stream, application/pdf). */
  produces?: string[];
  /** Content types of the request body when not JSON (e.g. multipart/form-data). */
  consumes?: string[];
}

type JsonSchema = Record<string, unknown>;

/** zod → JSON Schema (2020-12, as OpenAPI 3.1 uses) describing what a client sends, i.e. before defaults. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/**
 * Route options documenting a route for OpenAPI from its zod schemas:
 * `app.get('/search', apiDoc({ summary, tags, querystring: searchQuery }), handler)`. Spread it when the route has
 * other options: `{ ...apiDoc(…), config: … }`. Converts at registration, so a schema JSON Schema cannot express
 * fails at boot.
 */
export function apiDoc(doc: RouteDoc): { schema: FastifySchema } {
  const response: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(doc.responses ?? { 200: 'OK' })) {
    const { description, schema } = typeof r === 'string' ? { description: r, schema: undefined } : r;
    // type 'null' tells @fastify/swagger the answer has no body (204).
    response[status] = schema
      ? { ...jsonSchemaOf(schema), description }
      : status === '204'
        ? { description, type: 'null' }
        : { description };
  }
  // Errors are JSON even where the success answer is not (`produces` applies to schema-less entries only).
  const error = { 'application/json': { schema: jsonSchemaOf(apiErrorSchema) } };
  for (const status of new Set([400, ...(doc.errors ?? [])])) {
    response[status] = { description: ERROR_DESCRIPTIONS[status] ?? 'Errore', content: error };
  }
  const openapi: JsonSchema = { response };
  if (doc.params) openapi.params = jsonSchemaOf(doc.params);
  if (doc.querystring) openapi.querystring = jsonSchemaOf(doc.querystring);
  if (doc.body) openapi.body = jsonSchemaOf(doc.body);
  if (doc.produces) openapi.produces = doc.produces;
  if (doc.consumes) openapi.consumes = doc.consumes;
  const schema: FastifySchema & Record<string, unknown> = { summary: doc.summary, tags: doc.tags, [DOC_KEY]: openapi };
  if (doc.description) schema.description = doc.description;
  return { schema };
}

/** Moves apiDoc()'s schemas to where @fastify/swagger reads them, for the generated document only. */
function docTransform({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  const withDoc = schema as (FastifySchema & Record<string, unknown>) | undefined;
  const doc = withDoc?.[DOC_KEY] as JsonSchema | undefined;
  if (!withDoc || !doc) return { schema, url };
  const { [DOC_KEY]: _doc, ...rest } = withDoc;
  return { schema: { ...rest, ...doc } as FastifySchema, url };
}

/**
 * Registers the OpenAPI document (/docs/json, /docs/yaml) and Swagger UI (/docs). Call it BEFORE registering the
 * routes: @fastify/swagger learns the routes as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Faldone API',
        version: '1',
        description:
          'API di Faldone: caricamento di lotti, stato dei documenti, ricerca, revisione dello smistamento, ' +
          'fascicoli. Gli errori hanno sempre la forma `{ "error": { "code", "message" } }`.',
      },
      tags: [
        { name: 'lotti', description: 'Caricamento e avanzamento dei lotti' },
        { name: 'documenti', description: 'Documenti archiviati, PDF, testo, correzione dei metadati' },
        { name: 'ricerca', description: 'Ricerca a testo pieno con filtri e faccette' },
      ],
    },
    transform: docTransform,
  });
  // No `staticCSP`: its policy (style-src without 'unsafe-inline') blocks Swagger UI's inline styles; the app's
  // helmet policy applies to /docs as to every page, and Swagger UI renders under it without a CSP error.
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
