// Build the process's services from config: embedded adapters by default, each behind its port.
import path from 'node:path';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { createRedis } from '../core/redis.ts';
import type { Redis } from 'ioredis';
import { createTesseractEngine } from '../ocr/tesseract.engine.ts';
import { NativeTesseractEngine } from '../ocr/native.engine.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { createMetadataStore, createObjectStore, createSearchIndex } from './adapters.ts';
import { loadReferenceData, type ReferenceData } from '../classify/reference-data.ts';
import { IngestService } from '../ingest/ingest.service.ts';
import type { Services } from './job-context.ts';
import { Pipeline } from './pipeline.ts';
import { STEP_STATUS } from './job-catalogue.ts';
import { Metrics } from '../core/metrics.ts';
import type { AuthStore } from '../auth/auth-store.ts';
import { openAuthStore } from '../auth/auth-store.factory.ts';
import { SessionStore } from '../auth/session.store.ts';
import { openPaperStore } from '../paper/paper-store.factory.ts';
import { openConformityStore } from '../conformity/conformity-store.factory.ts';
import type { ConformityStore } from '../conformity/conformity-store.ts';
import { createMailer } from '../notify/mailer.factory.ts';

export interface AppServices extends Services {
  ingest: IngestService;
  redis: Redis;
  /** Users, API tokens and the audit log (same database as `db`, own tables). */
  auth: AuthStore;
  /** Login sessions in Redis. */
  sessions: SessionStore;
  /** Verification by sampling, attestations and signed files of batches (same database as `db`, own tables). */
  conformity: ConformityStore;
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger, opts: { metrics?: Metrics } = {}): Promise<AppServices> {
  const redis = createRedis(config.redis.url);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const store = createObjectStore(config, logger);
  const db = await createMetadataStore(config);
  // After the metadata store: on PostgreSQL both create the schema under one advisory lock, on SQLite the file exists.
  const auth = await openAuthStore(config.db);
  const paper = await openPaperStore(config.db);
  const conformity = await openConformityStore(config.db);
  const mailer = createMailer(config.notify, logger);
  const sessions = new SessionStore({
    redis,
    prefix: config.redis.prefix,
    idleMs: config.auth.sessionIdleMinutes * 60_000,
    absoluteMs: config.auth.sessionAbsoluteHours * 3_600_000,
  });
  const search = createSearchIndex(config);
  const pipeline = new Pipeline({
    connection: redis,
    prefix: config.redis.prefix,
    attempts: config.jobs.attempts,
    backoffMs: config.jobs.backoffMs,
    onError: (err) => logger.warn({ err: err.message }, 'queue connection error'),
    onEnqueue: async (documentId, step) => {
      if (step !== 'prepare') await db.updateDocument(documentId, { status: STEP_STATUS[step] });
    },
  });
  let ocr: OcrEngine | undefined;
  let reference: ReferenceData | undefined;
  const services: Services = {
    config,
    logger,
    store,
    db,
    search,
    pipeline,
    metrics: opts.metrics ?? new Metrics(),
    paper,
    mailer,
    reference: () =>
      (reference ??= loadReferenceData({ configDir: config.referenceDir, comuni: config.union.comuni.map((c) => c.code) })),
    ocr: () =>
      (ocr ??=
        config.ocr.engine === 'native'
          ? new NativeTesseractEngine({
              processes: config.ocr.workers,
              languages: config.ocr.languages,
              pageTimeoutMs: config.ocr.pageTimeoutMs,
              logger,
            })
          : createTesseractEngine({
              workers: config.ocr.workers,
              languages: config.ocr.languages,
              pageTimeoutMs: config.ocr.pageTimeoutMs,
              recycleAfterPages: config.ocr.recycleAfterPages,
              logger,
            })),
  };
  const ingest = new IngestService({
    store,
    db,
    logger,
    spoolDir: path.join(config.dataDir, 'spool'),
    maxFileBytes: config.limits.maxFileBytes,
    zipLimits: { maxEntries: config.limits.zipMaxEntries, maxBytes: config.limits.zipMaxBytes, maxRatio: config.limits.zipMaxRatio },
    startPipeline: (documentId, batchId) => pipeline.add('prepare', { documentId, batchId }),
  });
  return {
    ...services,
    ingest,
    redis,
    auth,
    sessions,
    conformity,
    async close() {
      // Order matters: producers and OCR first, then the stores, Redis last.
      await pipeline.close();
      if (ocr) await ocr.close();
      await search.close();
      await auth.close();
      await paper.close();
      await conformity.close();
      await mailer.close();
      await db.close();
      await store.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
