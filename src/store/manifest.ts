// The manifest of an archive package: AgID-style metadata (Linee Guida, Allegato 5, where it applies), the SHA-256
// of every file of the package and the document's event log. Deepened (JSON Schema, every field) by the storage issue.
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import type { Batch, DocumentRecord, EventRecord } from '../db/metadata-store.ts';

export const MANIFEST_VERSION = 'faldone.manifest/1';

export interface ManifestFile {
  name: string; // file name inside the package
  role: 'originale' | 'copia-per-immagine-ricercabile' | 'testo-ocr';
  mediaType: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  versione: typeof MANIFEST_VERSION;
  identificativo: { id: string; impronta: string; algoritmo: 'SHA-256' };
  modalitaDiFormazione: string;
  tipologiaDocumentale: string;
  datiDiRegistrazione?: { tipologiaDiFlusso: 'E' | 'U' | 'I'; tipoRegistro: string; numero: string; data?: string };
  soggetti: Array<{ ruolo: string; denominazione: string }>;
  chiaveDescrittiva: { oggetto: string; paroleChiave: string[] };
  classificazione?: { indice: string; descrizione?: string; piano: string };
  riservato: boolean;
  identificativoDelFormato: { formato: string; versione?: string };
  idAgg?: { tipo: 'fascicolo'; id: string };
  nomeOriginale: string;
  dataAcquisizione: string;
  lotto: { id: string; etichetta: string; origine: string; creato: string };
  pagine: number;
  metadatiDescrittivi: DocumentMetadata;
  files: ManifestFile[];
  tracciatureModifiche: Array<{ data: string; tipo: string; soggetto: string; dettaglio?: Record<string, unknown> }>;
}

export function buildManifest(input: {
  document: DocumentRecord;
  batch: Batch;
  metadata: DocumentMetadata;
  title: string;
  files: ManifestFile[];
  events: EventRecord[];
}): Manifest {
  const { document: d, metadata: m } = input;
  const keywords = [m.documentTypeLabel, m.procedureType, m.practice?.key, m.address ? `${m.address.street} ${m.address.civic}` : undefined]
    .filter((k): k is string => Boolean(k));
  return {
    versione: MANIFEST_VERSION,
    identificativo: { id: d.id, impronta: d.sha256, algoritmo: 'SHA-256' },
    modalitaDiFormazione: 'b - acquisizione della copia per immagine su supporto informatico di un documento analogico',
    tipologiaDocumentale: m.documentTypeLabel,
    datiDiRegistrazione: m.protocol
      ? { tipologiaDiFlusso: 'E', tipoRegistro: 'Protocollo Ordinario', numero: String(m.protocol.number), data: m.protocol.date }
      : undefined,
    soggetti: m.applicant ? [{ ruolo: 'Richiedente', denominazione: m.applicant }] : [],
    chiaveDescrittiva: { oggetto: input.title, paroleChiave: keywords },
    classificazione: m.titolarioClass
      ? { indice: m.titolarioClass, descrizione: m.titolarioLabel, piano: 'Titolario per gli archivi dei Comuni (2005)' }
      : undefined,
    riservato: m.personalData,
    identificativoDelFormato: { formato: d.mediaType },
    idAgg: m.practice ? { tipo: 'fascicolo', id: m.practice.key } : undefined,
    nomeOriginale: d.filename,
    dataAcquisizione: d.createdAt,
    lotto: { id: input.batch.id, etichetta: input.batch.label, origine: input.batch.source, creato: input.batch.createdAt },
    pagine: d.pageCount ?? 0,
    metadatiDescrittivi: m,
    files: input.files,
    tracciatureModifiche: input.events.map((e) => ({ data: e.at, tipo: e.type, soggetto: e.actor, dettaglio: e.detail })),
  };
}
