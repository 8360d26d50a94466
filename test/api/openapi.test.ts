// The OpenAPI description at /docs: a valid OpenAPI 3.1 document generated from the handlers' zod schemas, Swagger UI
// served beside the app's own static files and headers, and zod (not Fastify's ajv) still the one validating.
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorHandler } from '../../src/api/error-handler.ts';
import { registerOpenApi } from '../../src/api/openapi.ts';
import { batchEventRoutes } from '../../src/api/routes/batch-events.routes.ts';
import { batchRoutes } from '../../src/api/routes/batches.routes.ts';
import { documentRoutes } from '../../src/api/routes/documents.routes.ts';
import { searchRoutes } from '../../src/api/routes/search.routes.ts';
import { createWorld, REPO_ROOT, type World } from '../helpers/pipeline-world.ts';
import { actAs } from '../helpers/act-as.ts';

let world: World;
let app: FastifyInstance;
let url: string;
let spec: any;

beforeAll(async () => {
  world = await createWorld({}, { workers: false });
  const services = world.services;
  // Composed as server.ts composes the API (helmet with its CSP, multipart, static UI at /).
  app = Fastify();
  actAs(app);
  await app.register(multipart);
  app.setErrorHandler(apiErrorHandler(services.logger));
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  await registerOpenApi(app);
  await app.register(batchRoutes(services), { prefix: '/api' });
  await app.register(batchEventRoutes(services), { prefix: '/api' });
  await app.register(documentRoutes(services), { prefix: '/api' });
  await app.register(searchRoutes(services), { prefix: '/api' });
  await app.register(fastifyStatic, { root: path.join(REPO_ROOT, 'src', 'web'), prefix: '/' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
  const res = await fetch(`${url}/docs/json`);
  expect(res.status).toBe(200);
  spec = await res.json();
});
afterAll(async () => {
  await app?.close();
  await world?.close();
});

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('OpenAPI at /docs', () => {
  it('is an OpenAPI 3.1 document whose every operation has responses and valid JSON Schemas', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.info).toMatchObject({ title: 'Faldone API', version: expect.any(String) });
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    let operations = 0;
    for (const [p, item] of Object.entries<any>(spec.paths)) {
      expect(p).toMatch(/^\//);
      expect(p).not.toContain(':'); // path parameters in OpenAPI's {id} form
      for (const [method, op] of Object.entries<any>(item)) {
        expect(METHODS).toContain(method);
        operations++;
        expect(Object.keys(op.responses).length, `${method} ${p}`).toBeGreaterThan(0);
        for (const r of Object.values<any>(op.responses)) {
          expect(typeof r.description).toBe('string');
          for (const media of Object.values<any>(r.content ?? {})) ajv.compile(media.schema ?? {});
        }
        for (const param of op.parameters ?? []) {
          expect(['query', 'path', 'header', 'cookie']).toContain(param.in);
          if (param.in === 'path') {
            expect(param.required).toBe(true);
            expect(p).toContain(`{${param.name}}`);
          }
          ajv.compile(param.schema);
        }
        for (const media of Object.values<any>(op.requestBody?.content ?? {})) ajv.compile(media.schema);
      }
    }
    expect(operations).toBeGreaterThanOrEqual(10);
  });

  it('documents search with its q parameter, the metadata correction with its body, and the events stream', () => {
    const searchOp = spec.paths['/api/search'].get;
    expect(searchOp.tags).toEqual(['ricerca']);
    const q = searchOp.parameters.find((p: { name: string }) => p.name === 'q');
    expect(q).toMatchObject({ in: 'query', schema: { type: 'string', maxLength: 500 } });
    expect(searchOp.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({
      type: 'integer',
      maximum: 100,
    });

    const correction = spec.paths['/api/documents/{id}/metadata'].patch;
    expect(correction.summary).toMatch(/Correggi/);
    const body = correction.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['note']);
    expect(body.properties.note).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['title', 'documentType', 'titolarioClass', 'practiceNumber', 'practiceYear', 'address']),
    );
    expect(body.additionalProperties).toBe(false);
    for (const status of ['400', '404', '409']) {
      expect(correction.responses[status].content['application/json'].schema).toMatchObject({
        type: 'object',
        required: ['error'],
        properties: { error: { required: ['code', 'message'] } },
      });
    }

    const events = spec.paths['/api/batches/{id}/events'].get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    expect(events.parameters[0]).toMatchObject({ in: 'path', name: 'id', required: true, schema: { format: 'uuid' } });
    expect(spec.paths['/api/failed'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'limit',
      'offset',
    ]);
  });

  it('serves Swagger UI under the app headers, and leaves the UI at / alone', async () => {
    const ui = await fetch(`${url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    expect(ui.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${url}/docs/yaml`)).status).toBe(200);
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<html lang="it">');
  });

  it("leaves validation to zod: bad requests get zod's 400 INVALID_REQUEST, answers are not filtered by the schemas", async () => {
    const tooMany = await fetch(`${url}/api/search?limit=100000`);
    expect(tooMany.status).toBe(400);
    const body = await tooMany.json();
    expect(body.error.code).toBe('INVALID_REQUEST'); // ajv would answer FST_ERR_VALIDATION
    expect(body.error.message).toMatch(/^limit: /);

    const noNote = await fetch(`${url}/api/documents/${'a'.repeat(64)}/metadata`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' }),
    });
    expect(noNote.status).toBe(400);
    expect(await noNote.json()).toMatchObject({
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('note') },
    });

    const badId = await fetch(`${url}/api/batches/not-a-uuid`);
    expect(badId.status).toBe(400);
    expect((await badId.json()).error.code).toBe('INVALID_REQUEST');

    // Pagination answers carry limit and offset (the docs' 200 entries have no schema to strip them).
    const batches = await (await fetch(`${url}/api/batches?limit=5`)).json();
    expect(batches).toEqual({ batches: [], total: 0, limit: 5, offset: 0 });
    const failed = await (await fetch(`${url}/api/failed?offset=3`)).json();
    expect(failed).toEqual({ documents: [], limit: 100, offset: 3 });
  });
});
