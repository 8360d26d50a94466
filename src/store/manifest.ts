// The manifest of an archive package: AgID-style metadata (Linee Guida, Allegato 5, where it applies), the SHA-256
// of every file of the package and the document's event log. Validated against manifest.schema.ts before it is stored.
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import type { Batch, DocumentRecord, EventRecord } from '../db/metadata-store.ts';
import { MANIFEST_VERSION, manifestSchema, type Manifest, type ManifestFile } from './manifest.schema.ts';
import { provenanceSection } from './split-provenance.ts';

export { MANIFEST_VERSION, type Manifest, type ManifestFile } from './manifest.schema.ts';

export function buildManifest(input: {
  document: DocumentRecord;
  batch: Batch;
  metadata: DocumentMetadata;
  title: string;
  files: ManifestFile[];
  events: EventRecord[];
  /** The box scan a part was split out of (required when the document has a split origin). */
  boxScan?: DocumentRecord;
}): Manifest {
  const { document: d, metadata: m } = input;
  if (d.splitOrigin && !input.boxScan) throw new Error(`document ${d.id} is a part of a box scan: the box scan is needed`);
  const keywords = [m.documentTypeLabel, m.procedureType, m.practice?.key, m.address ? `${m.address.street} ${m.address.civic}` : undefined]
    .filter((k): k is string => Boolean(k));
  return manifestSchema.parse({
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
    verifica: {
      firmatoDigitalmente: false,
      sigillatoElettronicamente: false,
      marcaturaTemporale: false,
      // Set when an official attests the conformity of the image copies of the batch.
      conformitaCopieImmagineSuSupportoInformatico: false,
    },
    // Building-practice files are kept permanently (piano di conservazione dei Comuni).
    tempoDiConservazione: 'illimitato',
    idAgg: m.practice ? { tipo: 'fascicolo', id: m.practice.key } : undefined,
    nomeOriginale: d.filename,
    dataAcquisizione: d.createdAt,
    lotto: { id: input.batch.id, etichetta: input.batch.label, origine: input.batch.source, creato: input.batch.createdAt },
    // The Comune of the union holding the document, and whether only its staff may see it (rebuild restores both).
    ente: { codice: d.comune, accessoRiservato: d.restricted },
    pagine: d.pageCount ?? 0,
    metadatiDescrittivi: m,
    files: input.files,
    provenienza: d.splitOrigin ? provenanceSection(d.splitOrigin, input.boxScan!) : undefined,
    tracciatureModifiche: input.events.map((e) => ({ data: e.at, tipo: e.type, soggetto: e.actor, dettaglio: e.detail })),
  });
}
