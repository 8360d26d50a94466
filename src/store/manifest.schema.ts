// The manifest's schema, written once in zod: it validates every manifest before it is stored, and it generates
// the JSON Schema kept in the repository (schemas/manifest.schema.json) for conservation services and auditors.
import { z } from 'zod';
import { BOX_SPLIT_MODES } from '../db/metadata-store.ts';

export const MANIFEST_VERSION = 'faldone.manifest/1';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoDateTime = z.string().datetime();

export const manifestFileSchema = z.object({
  name: z.string().min(1),
  role: z.enum([
    'originale',
    'copia-per-immagine-ricercabile',
    'testo-ocr',
    // Rescans (issue 12): the new scan of a page as received, and the searchable PDF and text it superseded.
    'scansione-sostitutiva-pagina',
    'copia-per-immagine-ricercabile-precedente',
    'testo-ocr-precedente',
  ]),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex,
});

/** One version of a page: v1 is the page of the first original, each later one a rescan that replaced it. */
export const pageVersionSchema = z.object({
  versione: z.number().int().min(1),
  /** SHA-256 of the file holding the version: the first original for v1, the rescan as received after. */
  impronta: sha256Hex,
  /** The package file holding it, and the page of that file. */
  file: z.string().min(1),
  paginaDelFile: z.number().int().min(1),
  data: isoDateTime,
  soggetto: z.string(),
  motivo: z.string().optional(),
  /** Edition of the searchable PDF this version first appears in (1 = as first archived). */
  edizione: z.number().int().min(1),
});

export const documentMetadataSchema = z.object({
  documentType: z.string(),
  documentTypeLabel: z.string(),
  confidence: z.number().min(0).max(1),
  procedureType: z.string().optional(),
  practice: z.object({ prefix: z.string(), number: z.number().int(), year: z.number().int(), key: z.string() }).optional(),
  protocol: z.object({ number: z.number().int(), date: isoDate.optional() }).optional(),
  dates: z.array(isoDate),
  address: z.object({ street: z.string(), civic: z.string() }).optional(),
  cadastral: z.object({ foglio: z.number().int(), mappale: z.number().int(), subalterno: z.number().int().optional() }).optional(),
  titolarioClass: z.string().optional(),
  titolarioLabel: z.string().optional(),
  office: z.string().optional(),
  officeName: z.string().optional(),
  applicant: z.string().optional(),
  personalData: z.boolean(),
  reasons: z.array(z.string()),
  classifier: z.string(),
  routing: z
    .object({
      mode: z.enum(['auto', 'review']),
      confidence: z.number().min(0).max(1),
      threshold: z.number().min(0).max(1),
      decidedBy: z.string(),
      reasons: z.array(z.string()),
    })
    .optional(),
});

/** Conformity of the image copies, attested for the document's batch by a public official (DPCM 13/11/2014 art. 4;
 *  Linee guida AgID 2021): the attestation issued, the signed file received and the verification by sampling. */
export const conformitySchema = z.object({
  attestazione: z.object({ sha256: sha256Hex, chiave: z.string(), data: isoDate }),
  firma: z.object({
    sha256: sha256Hex,
    chiave: z.string(),
    formato: z.enum(['CAdES', 'PAdES']),
    firmatario: z.string().optional(),
    caricata: isoDateTime,
  }),
  verifica: z.object({
    id: z.string(),
    verificatoDa: z.string(),
    chiusa: isoDateTime,
    campione: z.number().int().nonnegative(),
    pagineControllate: z.number().int().nonnegative(),
    conformi: z.number().int().nonnegative(),
    nonConformi: z.number().int().nonnegative(),
    esito: z.enum(['conforme', 'non conforme']),
    /** The full verification report (every sampled page) kept in the store. */
    verbale: z.object({ chiave: z.string(), sha256: sha256Hex }).optional(),
  }),
  registrata: isoDateTime,
});

const pageNumbers = z.array(z.number().int().min(1));

/** Where a document split out of a box scan comes from (issue 12): the box scan (kept whole as an original outside
 *  the package, under `chiaveOriginale`, with its split plan under `chiavePiano`), the part, its pages of the box,
 *  the separator and blank pages that closed it and what its separator sheets said. */
export const provenanceSchema = z.object({
  scansioneDiScatola: z.object({
    /** Document id of the box scan: the SHA-256 of its bytes. */
    impronta: sha256Hex,
    nomeOriginale: z.string(),
    formato: z.string(),
    dimensione: z.number().int().nonnegative(),
    dataAcquisizione: isoDateTime,
    modalitaSuddivisione: z.enum(BOX_SPLIT_MODES),
    chiaveOriginale: z.string().min(1),
    chiavePiano: z.string().min(1),
  }),
  parte: z.number().int().min(1),
  pagineDellaScatola: pageNumbers.min(1),
  pagineSeparatore: pageNumbers,
  pagineBianche: pageNumbers,
  separatore: z.object({
    pratica: z.string().optional(),
    comune: z.string().optional(),
    procedimento: z.string().optional(),
    scatola: z.string().optional(),
    tipologiaDocumentale: z.string().optional(),
  }),
  avvisi: z.array(z.string()),
});

export const manifestSchema = z
  .object({
    versione: z.literal(MANIFEST_VERSION),
    /** IdDoc: identifier and fingerprint (Impronta) of the document. */
    identificativo: z.object({ id: sha256Hex, impronta: sha256Hex, algoritmo: z.literal('SHA-256') }),
    /** ModalitaDiFormazione: b = copy by image of an analogue document. */
    modalitaDiFormazione: z.string(),
    tipologiaDocumentale: z.string(),
    /** DatiDiRegistrazione: flow (E incoming, U outgoing, I internal), register, number, date. */
    datiDiRegistrazione: z
      .object({ tipologiaDiFlusso: z.enum(['E', 'U', 'I']), tipoRegistro: z.string(), numero: z.string(), data: isoDate.optional() })
      .optional(),
    soggetti: z.array(z.object({ ruolo: z.string(), denominazione: z.string() })),
    chiaveDescrittiva: z.object({ oggetto: z.string(), paroleChiave: z.array(z.string()) }),
    classificazione: z.object({ indice: z.string(), descrizione: z.string().optional(), piano: z.string() }).optional(),
    riservato: z.boolean(),
    identificativoDelFormato: z.object({ formato: z.string(), versione: z.string().optional() }),
    /** Verifica: what was verified on this document. */
    verifica: z.object({
      firmatoDigitalmente: z.boolean(),
      sigillatoElettronicamente: z.boolean(),
      marcaturaTemporale: z.boolean(),
      conformitaCopieImmagineSuSupportoInformatico: z.boolean(),
    }),
    /** IdAgg: the aggregate (fascicolo of the practice) the document belongs to. */
    idAgg: z.object({ tipo: z.literal('fascicolo'), id: z.string() }).optional(),
    tempoDiConservazione: z.string(),
    nomeOriginale: z.string(),
    dataAcquisizione: isoDateTime,
    lotto: z.object({ id: z.string(), etichetta: z.string(), origine: z.string(), creato: isoDateTime }),
    /** The Comune (code) holding the document and whether it is restricted to its staff; absent in packages made
     *  before the union of Comuni (read as the default Comune, shared). */
    ente: z.object({ codice: z.string(), accessoRiservato: z.boolean() }).optional(),
    pagine: z.number().int().nonnegative(),
    metadatiDescrittivi: documentMetadataSchema,
    files: z.array(manifestFileSchema).min(1),
    /** Present once the conformity of the batch's image copies has been attested and the signed file received. */
    conformita: conformitySchema.optional(),
    /** Pages replaced by a rescan, with every version (absent when no page was ever rescanned). */
    versioniPagine: z
      .array(z.object({ pagina: z.number().int().min(1), versioni: z.array(pageVersionSchema).min(2) }))
      .optional(),
    /** Edition of document.pdf and text.json (absent = 1); earlier editions are kept as document.v<n>.pdf. */
    edizione: z.number().int().min(1).optional(),
    /** Present on a document split out of a box scan. */
    provenienza: provenanceSchema.optional(),
    /** TracciatureModifiche: the document's event log. */
    tracciatureModifiche: z.array(
      z.object({ data: isoDateTime, tipo: z.string(), soggetto: z.string(), dettaglio: z.record(z.string(), z.unknown()).optional() }),
    ),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type ManifestConformity = z.infer<typeof conformitySchema>;
export type ManifestProvenance = z.infer<typeof provenanceSchema>;

export function manifestJsonSchema(): Record<string, unknown> {
  return { $id: 'https://faldone.example/schemas/manifest.schema.json', title: 'Faldone archive package manifest', ...z.toJSONSchema(manifestSchema, { target: 'draft-2020-12', io: 'output' }) };
}
