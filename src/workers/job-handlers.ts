// Binds every job of the catalogue to its handler. The record type makes a missing handler a compile error, and
// WorkerRunner checks it again at start-up.
import { classifyJob } from '../classify/classify.job.ts';
import { indexJob } from '../index/index.job.ts';
import { prepareJob } from '../ingest/prepare.job.ts';
import { assembleJob } from '../ocr/assemble.job.ts';
import { ocrPageJob } from '../ocr/ocr-page.job.ts';
import { archiveJob } from '../store/archive.job.ts';
import type { JobPayloads, StepName } from './job-catalogue.ts';
import type { JobContext } from './job-context.ts';

export const JOB_HANDLERS: { [S in StepName]: (ctx: JobContext, payload: JobPayloads[S]) => Promise<unknown> } = {
  prepare: prepareJob,
  'ocr-page': ocrPageJob,
  assemble: assembleJob,
  classify: classifyJob,
  archive: archiveJob,
  index: indexJob,
};
