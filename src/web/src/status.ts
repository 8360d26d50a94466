// Italian names of the document statuses (from the server's src/domain/document-status.ts) and of the pipeline steps.
import { DOCUMENT_STATUS_LABELS } from '../../domain/document-status.ts';
import type { DocumentStatus } from './types.ts';

export function statusLabel(status: string): string {
  return DOCUMENT_STATUS_LABELS[status as DocumentStatus] ?? status;
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
