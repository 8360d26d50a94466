// Italian names of the document statuses (the browser tests read these exact words).
import type { DocumentStatus } from './types.ts';

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  received: 'ricevuto',
  preparing: 'in preparazione',
  ocr: 'OCR',
  assembling: 'composizione PDF',
  classifying: 'classificazione',
  archiving: 'archiviazione',
  indexing: 'indicizzazione',
  archived: 'archiviato',
  failed: 'errore',
  split: 'suddivisa',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as DocumentStatus] ?? status;
}

/** Pipeline steps (failedStep values) in Italian. */
const STEP_LABELS: Record<string, string> = {
  prepare: 'preparazione',
  'ocr-page': 'OCR',
  assemble: 'composizione PDF',
  classify: 'classificazione',
  archive: 'archiviazione',
  index: 'indicizzazione',
  ingest: 'ricezione',
};

export function stepLabel(step: string): string {
  return STEP_LABELS[step] ?? step;
}
