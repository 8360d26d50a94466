// A document split out of a box scan carries what its separator sheets said: the practice (number, procedure) and
// perhaps the document type. A person printed and placed those sheets, so they win over the classifier: the type is
// taken with confidence 1 and the reason "foglio separatore", and the document is linked to the practice of that key
// in its own Comune. The classifier still decides titolario class, office and entities.
import type { MetadataStore, SplitOrigin } from '../db/metadata-store.ts';
import { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES, PROCEDURE_LABELS, PROCEDURE_TYPES } from '../domain/vocabulary.ts';
import type { DocumentType, ProcedureType } from '../domain/vocabulary.ts';
import type { Classification } from './classification.ts';
import type { DocumentMetadata } from './document-metadata.ts';
import type { LinkResult } from './practice-linker.ts';
import { documentKeys } from './practice-keys.ts';

export const SEPARATOR_REASON = 'foglio separatore';

const isDocumentType = (v: string | undefined): v is DocumentType =>
  v !== undefined && (DOCUMENT_TYPES as readonly string[]).includes(v);
const isProcedure = (v: string | undefined): v is ProcedureType =>
  v !== undefined && (PROCEDURE_TYPES as readonly string[]).includes(v);

/** "PE 123/1987" → its parts (the separator payload schema already validated the format). */
function parsePracticeKey(key: string): { prefix: string; number: number; year: number; key: string } | undefined {
  const m = /^(\S+) (\d+)\/(\d{4})$/.exec(key.trim());
  return m
    ? { prefix: m[1]!, number: Number(m[2]), year: Number(m[3]), key: `${m[1]} ${Number(m[2])}/${m[3]}` }
    : undefined;
}

/** The classification with the separator's document type and procedure in place of the classifier's (before routing). */
export function classificationWithHints(c: Classification, origin: SplitOrigin | undefined): Classification {
  const h = origin?.hints;
  if (!h) return c;
  const out = { ...c };
  if (isDocumentType(h.documentType)) {
    out.documentType = {
      value: h.documentType,
      label: DOCUMENT_TYPE_LABELS[h.documentType],
      confidence: 1,
      reasons: [SEPARATOR_REASON, ...c.documentType.reasons],
      candidates: c.documentType.candidates,
    };
  }
  if (isProcedure(h.proc)) {
    out.procedureType = {
      value: h.proc,
      label: PROCEDURE_LABELS[h.proc],
      confidence: 1,
      reasons: [SEPARATOR_REASON],
      candidates: c.procedureType?.candidates ?? [],
    };
  }
  return out;
}

/** The metadata with the separator's type, procedure and practice. */
export function metadataWithHints(m: DocumentMetadata, origin: SplitOrigin | undefined): DocumentMetadata {
  const h = origin?.hints;
  if (!h) return m;
  const out: DocumentMetadata = { ...m, reasons: [...m.reasons] };
  if (isDocumentType(h.documentType)) {
    out.documentType = h.documentType;
    out.documentTypeLabel = DOCUMENT_TYPE_LABELS[h.documentType];
    out.confidence = 1;
    out.reasons.unshift(`${SEPARATOR_REASON}: tipo "${out.documentTypeLabel}"`);
  }
  if (isProcedure(h.proc)) out.procedureType = h.proc;
  const practice = h.practiceKey ? parsePracticeKey(h.practiceKey) : undefined;
  if (practice) {
    out.practice = practice;
    out.reasons.unshift(`${SEPARATOR_REASON}: pratica ${practice.key}`);
  }
  return out;
}

/**
 * Links the document to the separator's practice (created in the document's Comune when new), confidence 1. A link
 * a person made (locked) is left alone. Undefined when the origin names no practice: the usual linker decides.
 */
export async function linkToSeparatorPractice(
  db: MetadataStore,
  documentId: string,
  metadata: DocumentMetadata,
  origin: SplitOrigin | undefined,
): Promise<LinkResult | undefined> {
  if (!origin?.hints.practiceKey || !metadata.practice) return undefined;
  const doc = await db.getDocument(documentId);
  if (!doc) throw new Error(`document ${documentId} not found`);
  const keys = documentKeys(metadata);
  if (!keys.practiceKey) return undefined;
  const current = await db.practiceMember(documentId);
  if (current?.locked) return { outcome: 'locked', practiceId: current.practiceId, confidence: current.confidence };
  const { practice } = await db.createPractice({ key: keys.practiceKey, label: keys.practiceKey, comune: doc.comune });
  const reason = `${SEPARATOR_REASON} (pratica ${keys.practiceKey})`;
  if (current && current.practiceId === practice.id && current.confidence === 1 && current.reason === reason) {
    return { outcome: 'unchanged', practiceId: practice.id, confidence: 1, reason };
  }
  await db.linkDocument({
    practiceId: practice.id,
    documentId,
    confidence: 1,
    reason,
    linkedBy: 'system',
    locked: false,
    ...keys,
  });
  if (current && current.practiceId !== practice.id) await db.deletePracticeIfEmpty(current.practiceId);
  await db.addEvent({
    type: 'practice.linked',
    documentId,
    batchId: doc.batchId,
    actor: 'system',
    detail: { practiceId: practice.id, key: practice.key, confidence: 1, reason, from: current?.practiceId },
  });
  return { outcome: 'linked', practiceId: practice.id, confidence: 1, reason };
}
