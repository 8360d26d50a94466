// The typed job catalogue: every step's queue name and payload. Handlers are bound in job-handlers.ts and checked
// at start-up, so a job without a handler fails at boot, not at 3 a.m.

export const STEPS = ['prepare', 'ocr-page', 'assemble', 'classify', 'archive', 'index'] as const;
export type StepName = (typeof STEPS)[number];

export interface DocumentJob {
  documentId: string;
  batchId: string;
}

export interface JobPayloads {
  prepare: DocumentJob;
  'ocr-page': DocumentJob & { page: number; pageCount: number };
  assemble: DocumentJob & { pageCount: number };
  classify: DocumentJob;
  archive: DocumentJob;
  index: DocumentJob;
}

/** Idempotency: one job id per document content hash and step (and page), so duplicates collapse. */
export function jobId<S extends StepName>(step: S, payload: JobPayloads[S]): string {
  // BullMQ forbids ':' in custom ids.
  const page = 'page' in payload ? `-${String(payload.page).padStart(4, '0')}` : '';
  return `${payload.documentId}-${step}${page}`;
}

/** The status a document shows while a step works on it. */
export const STEP_STATUS = {
  prepare: 'preparing',
  'ocr-page': 'ocr',
  assemble: 'assembling',
  classify: 'classifying',
  archive: 'archiving',
  index: 'indexing',
} as const satisfies Record<StepName, string>;

