// What a job handler gets: the infrastructure ports, config and a logger carrying the job's correlation ids.
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../db/metadata-store.ts';
import type { SearchIndex } from '../index/search-index.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { ReferenceData } from '../classify/reference-data.ts';
import type { Pipeline } from './pipeline.ts';
import type { Metrics } from '../core/metrics.ts';
import type { PaperStore } from '../paper/paper-store.ts';
import type { Mailer } from '../notify/mailer.ts';

export interface Services {
  config: Config;
  logger: Logger;
  store: ObjectStore;
  db: MetadataStore;
  search: SearchIndex;
  pipeline: Pipeline;
  metrics: Metrics;
  /** Paper inventory, access requests and digitisation state (same database as `db`, own tables). */
  paper: PaperStore;
  /** E-mail notifications (file outbox by default). */
  mailer: Mailer;
  reference(): ReferenceData; // loaded on first use, validated
  ocr(): OcrEngine; // created on first use: API-only processes never start tesseract workers
}

export interface JobContext extends Services {
  log: Logger;
  jobId: string;
  attempt: number;
}
