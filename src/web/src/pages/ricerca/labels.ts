// Italian names for the codes the search facets and the document metadata carry (the closed vocabularies of
// src/domain/vocabulary.ts, repeated here because the browser bundle does not import server code; the Professionista
// role cannot read /api/reference). An unknown code is shown readable rather than hidden.
import { comuneLabel } from '../../union.ts';

const PROCEDURE_LABELS: Record<string, string> = {
  licenza_edilizia: 'Licenza edilizia',
  concessione_edilizia: 'Concessione edilizia',
  permesso_di_costruire: 'Permesso di costruire',
  dia: 'DIA',
  scia: 'SCIA',
  cila: 'CILA',
  condono: 'Condono edilizio',
  agibilita: 'Agibilità',
  autorizzazione_paesaggistica: 'Autorizzazione paesaggistica',
};

const DOCUMENT_TYPE_LABELS: Record<string, string> = {
  domanda: 'Domanda / istanza',
  relazione_tecnica: 'Relazione tecnica',
  elaborato_grafico: 'Elaborato grafico',
  titolo_rilasciato: 'Titolo rilasciato',
  comunicazione_inizio_lavori: 'Comunicazione inizio lavori',
  comunicazione_fine_lavori: 'Comunicazione fine lavori',
  certificato_agibilita: 'Certificato di agibilità',
  parere: 'Parere',
  integrazione: 'Integrazione documentale',
  corrispondenza: 'Corrispondenza',
};

export const FACET_NAMES: Record<string, string> = {
  comune: 'Comune',
  documentType: 'Tipo documento',
  procedureType: 'Procedimento',
  titolarioClass: 'Classe titolario',
  year: 'Anno',
};

const readable = (code: string): string => {
  const s = code.replace(/_/g, ' ').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : code;
};

export const procedureLabel = (code: string): string => PROCEDURE_LABELS[code] ?? readable(code);
export const documentTypeLabel = (code: string): string => DOCUMENT_TYPE_LABELS[code] ?? readable(code);

/** The label of a facet value for people. */
export function facetValueLabel(facet: string, value: string): string {
  if (facet === 'documentType') return documentTypeLabel(value);
  if (facet === 'procedureType') return procedureLabel(value);
  if (facet === 'comune') return comuneLabel(value);
  return value;
}

export const STATUS_LABELS: Record<string, string> = {
  received: 'ricevuto',
  preparing: 'in preparazione',
  ocr: 'OCR',
  assembling: 'composizione PDF',
  classifying: 'classificazione',
  archiving: 'archiviazione',
  indexing: 'indicizzazione',
  archived: 'archiviato',
  failed: 'errore',
};
