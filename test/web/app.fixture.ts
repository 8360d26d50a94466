// The whole Faldone for one browser test file, as `npm start` runs it on embedded defaults: HTTP server (API + built
// web app) on an ephemeral port and the pipeline workers in this process, a temp data dir, a unique Redis prefix,
// tesseract.js with one OCR worker (two files run side by side on two cores). The admin is bootstrapped from
// FALDONE_ADMIN_PASSWORD (src/auth/bootstrap.ts); the other test users are created through POST /api/users by it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { bootstrapAdmin } from '../../src/auth/bootstrap.ts';
import { loadConfig, type ConfigInput } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { createServices, type AppServices } from '../../src/workers/services.ts';
import { WorkerRunner } from '../../src/workers/worker.runner.ts';
import { deleteRedisPrefix, REPO_ROOT } from '../helpers/pipeline-world.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { ApiClient } from './api-client.ts';

export type TestRole = 'archivist' | 'records_manager' | 'professional';

export interface TestUser {
  username: string;
  displayName: string;
  role: TestRole | 'admin';
  password: string;
}

export const USERS: Record<TestRole, TestUser> = {
  archivist: {
    username: 'archivista',
    displayName: 'Anna Archivista',
    role: 'archivist',
    password: 'archivista-prova-2024',
  },
  records_manager: {
    username: 'protocollo',
    displayName: 'Paolo Protocollo',
    role: 'records_manager',
    password: 'protocollo-prova-2024',
  },
  professional: {
    username: 'professionista',
    displayName: 'Piera Professionista',
    role: 'professional',
    password: 'professionista-prova-2024',
  },
};

export interface ArchivedDocument {
  id: string;
  filename: string;
  status: string;
  error?: string;
}

export interface AppFixture {
  url: string;
  services: AppServices;
  admin: TestUser;
  /** A fresh API session of a test user (or the admin). */
  apiAs(who: TestRole | 'admin'): Promise<ApiClient>;
  /** Upload files as the archivist through the API and wait until the batch is done; throws unless all archived. */
  ingest(files: Array<{ name: string; data: Uint8Array }>, opts?: { timeoutMs?: number }): Promise<ArchivedDocument[]>;
  close(): Promise<void>;
}

export async function startApp(overrides: ConfigInput = {}): Promise<AppFixture> {
  const tmp = await makeTmpDir('faldone-web-');
  const prefix = `web-${randomUUID().slice(0, 8)}`;
  const admin: TestUser = {
    username: 'admin',
    displayName: 'Amministratore',
    role: 'admin',
    password: `admin-${randomBytes(9).toString('base64url')}`,
  };
  const config = loadConfig({
    env: { REDIS_URL: process.env.REDIS_URL, FALDONE_ADMIN_PASSWORD: admin.password },
    cwd: REPO_ROOT,
    overrides: {
      dataDir: tmp.dir,
      logLevel: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent',
      redis: { prefix },
      ocr: { engine: 'tesseract', workers: 1 },
      jobs: { attempts: 2, backoffMs: 200 },
      learning: { enabled: false },
      ...overrides,
    },
  });
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  const runner = new WorkerRunner(services);
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await runner.close();
    await services.close();
    await deleteRedisPrefix(config.redis.url, prefix);
    await tmp.cleanup();
  };
  try {
    // What start-up does on an empty database (idempotent: a no-op if the server already did it).
    await bootstrapAdmin(services.auth, { adminPassword: config.auth.adminPassword, logger });
    runner.start();
    app = await buildServer(services);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no port');
    const url = `http://127.0.0.1:${address.port}`;

    const adminApi = await ApiClient.login(url, admin.username, admin.password);
    for (const user of Object.values(USERS)) {
      const res = await adminApi.call('POST', '/users', user);
      if (res.status !== 201 && res.status !== 200) {
        throw new Error(`POST /api/users for ${user.username} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
    }
    const credentials = (who: TestRole | 'admin') => (who === 'admin' ? admin : USERS[who]);
    const apiAs = (who: TestRole | 'admin') =>
      ApiClient.login(url, credentials(who).username, credentials(who).password);

    return {
      url,
      services,
      admin,
      apiAs,
      async ingest(files, opts = {}) {
        const archivist = await apiAs('archivist');
        const { batchId } = await archivist.upload(files, 'corpus di prova');
        await waitForBatch(services.db, batchId, { timeoutMs: opts.timeoutMs ?? 180_000 });
        const docs = await services.db.listDocuments({ batchId });
        const out = docs.map((d) => ({
          id: d.id,
          filename: d.filename,
          status: d.status,
          error: d.error ?? undefined,
        }));
        const notArchived = out.filter((d) => d.status !== 'archived');
        if (notArchived.length) throw new Error(`documents not archived: ${JSON.stringify(notArchived)}`);
        return out;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
