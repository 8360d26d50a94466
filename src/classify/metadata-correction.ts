// An archivist's correction of an archived document's descriptive metadata (title, type, class, practice, address,
// parcel): applied to the classification JSON as an override with its history, re-indexed at once so search sees
// it, the practice link recomputed, and recorded as a 'metadata.corrected' event with before/after and the reason.
// The archive package keeps the machine's values: packages are written once and verified by their fixity.
import { z } from 'zod';
import type { DocumentRecord, MetadataStore } from '../db/metadata-store.ts';
import { DOCUMENT_STATUS_LABELS } from '../domain/document-status.ts';
import { DOCUMENT_TYPE_LABELS, type DocumentType } from '../domain/vocabulary.ts';
import { pageEntries } from '../index/index.job.ts';
import type { SearchIndex } from '../index/search-index.ts';
import type { DocumentText } from '../ocr/assemble.job.ts';
import { PACKAGE_FILES } from '../store/keys.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { documentTitle, type DocumentMetadata } from './document-metadata.ts';
import { addressKeyOf, parsePracticeKey, practiceKeyOf } from './practice-keys.ts';
import { linkDocumentToPractice, type LinkResult } from './practice-linker.ts';
import type { ReferenceData } from './reference-data.ts';

const positiveInt = (label: string) =>
  z.coerce
    .number({ error: `${label} non valido` })
    .int(`${label} non valido`)
    .min(1, `${label} non valido`)
    .max(999_999);

/** The request body. A field left out stays as it is; null clears it (practice, address, parcel, subalterno). */
export const metadataCorrectionSchema = z
  .object({
    title: z.string().trim().min(1, 'Titolo vuoto').max(300).optional(),
    documentType: z.string().trim().min(1).max(100).optional().meta({ description: 'Codice del tipo documento' }),
    titolarioClass: z.string().trim().min(1).max(20).optional().meta({ description: 'Classe del titolario, es. VI.3' }),
    practiceNumber: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .nullable()
      .optional()
      .meta({ description: 'Numero di pratica: "PE 123", "123" o "PE 123/1987"; null la toglie' }),
    practiceYear: z.coerce
      .number({ error: 'Anno non valido' })
      .int()
      .min(1850, 'Anno non valido')
      .max(2100, 'Anno non valido')
      .optional(),
    address: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .meta({ description: 'Via e civico, es. "Via Roma 12"' }),
    foglio: positiveInt('Foglio').nullable().optional(),
    mappale: positiveInt('Mappale').nullable().optional(),
    subalterno: positiveInt('Subalterno').nullable().optional(),
    note: z
      .string({ error: 'La nota è obbligatoria' })
      .trim()
      .min(1, 'La nota è obbligatoria')
      .max(2000, 'La nota supera 2000 caratteri')
      .meta({ description: 'Motivo della correzione (obbligatorio)' }),
  })
  .strict();
export type MetadataCorrection = z.output<typeof metadataCorrectionSchema>;

export class MetadataCorrectionError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'MetadataCorrectionError';
  }
}
const invalid = (message: string) => new MetadataCorrectionError(message, 400, 'INVALID_REQUEST');

/** The fields a correction may change, as stored. */
const FIELDS = ['title', 'documentType', 'titolarioClass', 'practice', 'address', 'cadastral'] as const;
type Field = (typeof FIELDS)[number];
type Change = { from: unknown; to: unknown };

/** One correction as kept in the classification's `corrections` history (oldest first). */
export interface MetadataCorrectionRecord {
  at: string;
  by: string;
  note: string;
  changes: Partial<Record<Field, Change>>;
}
export type CorrectedMetadata = DocumentMetadata & { corrections?: MetadataCorrectionRecord[] };

export interface CorrectionResult {
  document: DocumentRecord;
  /** Fields that changed; empty when the request matched what was stored (nothing is recorded then). */
  changed: Field[];
  /** The practice link after the correction, when practice, address or parcel changed. */
  practice?: LinkResult;
}

export async function correctDocumentMetadata(
  deps: { db: MetadataStore; store: ObjectStore; search: SearchIndex; reference: () => ReferenceData },
  documentId: string,
  input: MetadataCorrection,
  actor: string,
): Promise<CorrectionResult> {
  const { db } = deps;
  const doc = await db.getDocument(documentId);
  if (!doc) throw new MetadataCorrectionError('Documento non trovato', 404, 'NOT_FOUND');
  if (doc.status !== 'archived' || !doc.archiveKey || !doc.classification) {
    throw new MetadataCorrectionError(
      `Si possono correggere solo documenti archiviati (stato attuale: ${DOCUMENT_STATUS_LABELS[doc.status]})`,
      409,
      'NOT_ARCHIVED',
    );
  }
  const before = doc.classification as CorrectedMetadata;
  const after = applyCorrection(before, input, deps.reference());
  const machineTitle = doc.title === documentTitle(before, doc.filename);
  // A title the system made follows the corrected metadata; one a person typed stays until changed explicitly.
  const title = input.title ?? (machineTitle || !doc.title ? documentTitle(after, doc.filename) : doc.title);

  const changes: Partial<Record<Field, Change>> = {};
  const old = { ...before, title: doc.title } as Record<Field, unknown>;
  const next = { ...after, title } as Record<Field, unknown>;
  for (const f of FIELDS) {
    if (JSON.stringify(old[f] ?? null) !== JSON.stringify(next[f] ?? null))
      changes[f] = { from: old[f] ?? null, to: next[f] ?? null };
  }
  const changed = Object.keys(changes) as Field[];
  if (changed.length === 0) return { document: doc, changed };

  const at = new Date().toISOString();
  after.corrections = [...(before.corrections ?? []), { at, by: actor, note: input.note, changes }];
  // Index first: should it fail, nothing is stored and the same request can simply be sent again.
  const text = JSON.parse(
    (await deps.store.getBuffer(`${doc.archiveKey}/${PACKAGE_FILES.text}`)).toString('utf8'),
  ) as DocumentText;
  await deps.search.upsertDocument(documentId, pageEntries({ ...doc, title }, after, text));
  await db.updateDocument(documentId, { classification: after, title });
  const relink = changed.some((f) => f === 'practice' || f === 'address' || f === 'cadastral');
  const practice = relink ? await linkDocumentToPractice(db, documentId, after) : undefined;
  await db.addEvent({
    type: 'metadata.corrected',
    documentId,
    batchId: doc.batchId,
    actor,
    detail: { note: input.note, changes, ...(practice ? { practice } : {}) },
  });
  return { document: (await db.getDocument(documentId))!, changed, ...(practice ? { practice } : {}) };
}

/** The metadata with the correction applied (a new object); throws a 400 error for values the references refuse. */
export function applyCorrection(
  before: CorrectedMetadata,
  input: MetadataCorrection,
  ref: ReferenceData,
): CorrectedMetadata {
  const after: CorrectedMetadata = structuredClone(before);
  if (input.documentType !== undefined) {
    const known = new Set<string>([...ref.rules.documentTypes.map((d) => d.type), ref.rules.fallback.documentType]);
    if (!known.has(input.documentType)) throw invalid(`Tipo documento sconosciuto: "${input.documentType}"`);
    after.documentType = input.documentType;
    after.documentTypeLabel = DOCUMENT_TYPE_LABELS[input.documentType as DocumentType] ?? input.documentType;
  }
  if (input.titolarioClass !== undefined) {
    const entry = ref.lookupClass(input.titolarioClass);
    if (!entry) throw invalid(`Classe del titolario sconosciuta: "${input.titolarioClass}"`);
    after.titolarioClass = entry.code;
    after.titolarioLabel = entry.label;
  }
  if (input.practiceNumber === null) delete after.practice;
  else if (input.practiceNumber !== undefined || input.practiceYear !== undefined)
    after.practice = correctedPractice(before.practice, input.practiceNumber, input.practiceYear);
  if (input.address === null) delete after.address;
  else if (input.address !== undefined) after.address = parseAddress(input.address);
  if (input.foglio === null || input.mappale === null) delete after.cadastral;
  else if (input.foglio !== undefined || input.mappale !== undefined || input.subalterno !== undefined) {
    const foglio = input.foglio ?? before.cadastral?.foglio;
    const mappale = input.mappale ?? before.cadastral?.mappale;
    if (!foglio || !mappale) throw invalid('Per il riferimento catastale indicare foglio e mappale');
    const subalterno = input.subalterno === null ? undefined : (input.subalterno ?? before.cadastral?.subalterno);
    after.cadastral = { foglio, mappale, ...(subalterno ? { subalterno } : {}) };
  }
  return after;
}

/** "PE 123" + 1987, "123" (prefix kept from before, else PE) + 1987, or "P.E. n. 123/87" → { PE, 123, 1987, key }. */
function correctedPractice(
  before: DocumentMetadata['practice'],
  number: string | undefined,
  year: number | undefined,
): NonNullable<DocumentMetadata['practice']> {
  let key: string | undefined;
  if (number === undefined) {
    if (!before) throw invalid('Indicare il numero della pratica');
    key = practiceKeyOf({ ...before, year: year! });
  } else if (number.includes('/')) {
    key = parsePracticeKey(number) ?? parsePracticeKey(`PE ${number}`);
    if (key && year !== undefined && !key.endsWith(`/${year}`))
      throw invalid('Anno della pratica in contrasto con il numero');
  } else {
    const m = /^(.*?)[\s.,:]*(?:(?:n|nr|num|numero)\s*[.°º:]?\s*)?([0-9]{1,9})$/iu.exec(number);
    const y = year ?? before?.year;
    if (m && y === undefined) throw invalid("Indicare l'anno della pratica");
    if (m) key = practiceKeyOf({ prefix: m[1]!.trim() || before?.prefix || 'PE', number: m[2]!, year: y! });
  }
  const parts = key ? /^(.+) ([0-9]+)\/([0-9]{4})$/.exec(key) : null;
  if (!key || !parts) throw invalid(`Numero di pratica non valido: "${number ?? ''}" (es. "PE 123" con l'anno)`);
  return { prefix: parts[1]!, number: Number(parts[2]), year: Number(parts[3]), key };
}

const ADDRESS_RE =
  /^(.*?\D)[\s,]+(?:(?:n|nr|num|numero|civ|civico)\s*[.°º:]?\s*)?([0-9]{1,5}(?:\s*\/\s*(?:[a-z]|bis|ter|[0-9]{1,3})|\s*(?:[a-z]|bis|ter))?|s\.?\s?n\.?\s?c\.?)\s*$/iu;

/** "Via Roma 12", "P.zza Garibaldi, n. 3/A" → { street, civic } as typed; refuses what is not a street and civic. */
function parseAddress(raw: string): { street: string; civic: string } {
  const m = ADDRESS_RE.exec(raw.trim());
  const street = m?.[1]!.replace(/[\s,]+$/, '').replace(/\s+/g, ' ');
  const civic = m?.[2]!.replace(/\s+/g, '');
  if (!street || !civic || !addressKeyOf({ street, civic })) {
    throw invalid(`Indirizzo non valido: "${raw}" (indicare via e numero civico, es. "Via Roma 12")`);
  }
  return { street, civic };
}
