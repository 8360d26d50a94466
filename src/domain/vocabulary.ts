// Closed vocabularies of the building-practice domain, shared by the generator, the classifier and the index.

export const PROCEDURE_TYPES = [
  'licenza_edilizia',
  'concessione_edilizia',
  'permesso_di_costruire',
  'dia',
  'scia',
  'cila',
  'condono',
  'agibilita',
  'autorizzazione_paesaggistica',
] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];

export const PROCEDURE_LABELS: Record<ProcedureType, string> = {
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

export const DOCUMENT_TYPES = [
  'domanda',
  'relazione_tecnica',
  'elaborato_grafico',
  'titolo_rilasciato',
  'comunicazione_inizio_lavori',
  'comunicazione_fine_lavori',
  'certificato_agibilita',
  'parere',
  'integrazione',
  'corrispondenza',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_TYPE_LABELS: Record<DocumentType, string> = {
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
