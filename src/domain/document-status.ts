// Italian names of the document statuses, shared by the server's messages and the web app (the browser tests read
// these exact words). Type-only import: the web app uses this file too.
import type { DocumentStatus } from '../db/metadata-store.ts';

export const DOCUMENT_STATUS_LABELS: Record<DocumentStatus, string> = {
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
