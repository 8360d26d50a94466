// The text carried by a separator sheet's QR code: versioned, compact, ASCII only, validated with zod when read.
//   FALDONE:SEP:1:P|comune=Castelnuovo Berardenga|pratica=PE 123/1987|proc=permesso_di_costruire|box=Scaffale 3
//   FALDONE:SEP:1:D|tipo=elaborato_grafico[|pratica=PE 123/1987]
//   FALDONE:SEP:1:G[|nota=…]
// Values are percent-encoded outside a safe ASCII set, so every reader returns the same bytes whatever charset it
// guesses for the QR's byte segment.
import { z } from 'zod';
import {
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_TYPES,
  PROCEDURE_LABELS,
  PROCEDURE_TYPES,
  type DocumentType,
  type ProcedureType,
} from '../domain/vocabulary.ts';

export const SEPARATOR_PREFIX = 'FALDONE:SEP:';
export const SEPARATOR_VERSION = 1;

/** "PE 123/1987": prefix, number, four-digit year (the practice key format of the entity extractor). */
export const PRACTICE_KEY_RE = /^[A-Z][A-Za-z]{0,7} [1-9]\d{0,5}\/(1[89]\d\d|20\d\d)$/;

const text = (max: number) => z.string().trim().min(1).max(max);
const practiceKey = z.string().trim().regex(PRACTICE_KEY_RE, 'numero di pratica non valido (atteso "PE 123/1987")');

export const practiceSeparatorSchema = z.strictObject({
  kind: z.literal('practice'),
  comune: text(80),
  pratica: practiceKey,
  proc: z.enum(PROCEDURE_TYPES).optional(),
  /** Where the box stands, from the inventory when known ("Archivio deposito, scaffale 3, faldone 12"). */
  box: text(80).optional(),
});
export const documentTypeSeparatorSchema = z.strictObject({
  kind: z.literal('document-type'),
  tipo: z.enum(DOCUMENT_TYPES),
  /** Set when the sheet was printed for one practice; absent on reusable sheets. */
  pratica: practiceKey.optional(),
});
export const genericSeparatorSchema = z.strictObject({
  kind: z.literal('generic'),
  nota: text(60).optional(),
});
export const separatorPayloadSchema = z.discriminatedUnion('kind', [
  practiceSeparatorSchema,
  documentTypeSeparatorSchema,
  genericSeparatorSchema,
]);

export type PracticeSeparator = z.infer<typeof practiceSeparatorSchema>;
export type DocumentTypeSeparator = z.infer<typeof documentTypeSeparatorSchema>;
export type GenericSeparator = z.infer<typeof genericSeparatorSchema>;
export type SeparatorPayload = z.infer<typeof separatorPayloadSchema>;
export type SeparatorKind = SeparatorPayload['kind'];

const KIND_CODE: Record<SeparatorKind, string> = { practice: 'P', 'document-type': 'D', generic: 'G' };
const CODE_KIND: Record<string, SeparatorKind> = { P: 'practice', D: 'document-type', G: 'generic' };
/** Field order in the encoded text (stable output for the same payload). */
const FIELD_ORDER = ['comune', 'pratica', 'proc', 'tipo', 'box', 'nota'] as const;

export class InvalidSeparatorError extends Error {
  override readonly name = 'InvalidSeparatorError';
}

/** Percent-encodes everything but letters, digits, space and . , ' / ( ) - _ : ; (so '|', '=' and '%' are escaped). */
function encodeValue(v: string): string {
  let out = '';
  for (const b of Buffer.from(v.normalize('NFC'), 'utf8')) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9 .,'/()\-_:;]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeValue(v: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(v)) throw new InvalidSeparatorError(`bad escape in "${v}"`);
  try {
    return decodeURIComponent(v);
  } catch {
    throw new InvalidSeparatorError(`value is not UTF-8: "${v}"`);
  }
}

/** The QR text of a payload (validated first: an invalid payload is never printed). */
export function encodeSeparator(payload: SeparatorPayload): string {
  const parsed = separatorPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new InvalidSeparatorError(describeIssues(parsed.error));
  const p = parsed.data as Record<string, unknown>;
  const fields = FIELD_ORDER.filter((k) => p[k] !== undefined).map((k) => `${k}=${encodeValue(String(p[k]))}`);
  return [`${SEPARATOR_PREFIX}${SEPARATOR_VERSION}:${KIND_CODE[parsed.data.kind]}`, ...fields].join('|');
}

/** True when a decoded QR text is meant to be a Faldone separator (of any version). */
export function looksLikeSeparator(qrText: string): boolean {
  return qrText.startsWith(SEPARATOR_PREFIX);
}

/** Parses and validates a separator QR text; throws InvalidSeparatorError on anything else. */
export function decodeSeparator(qrText: string): SeparatorPayload {
  const [head, ...rest] = qrText.trim().split('|');
  const m = /^FALDONE:SEP:(\d+):([A-Z])$/.exec(head ?? '');
  if (!m) throw new InvalidSeparatorError('not a Faldone separator code');
  if (Number(m[1]) !== SEPARATOR_VERSION) {
    throw new InvalidSeparatorError(
      `separator version ${m[1]} is not supported (this build reads version ${SEPARATOR_VERSION})`,
    );
  }
  const kind = CODE_KIND[m[2]!];
  if (!kind) throw new InvalidSeparatorError(`unknown separator kind "${m[2]}"`);
  const obj: Record<string, string> = {};
  for (const field of rest) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new InvalidSeparatorError(`malformed field "${field}"`);
    const key = field.slice(0, eq);
    if (key in obj) throw new InvalidSeparatorError(`field "${key}" repeated`);
    obj[key] = decodeValue(field.slice(eq + 1));
  }
  const parsed = separatorPayloadSchema.safeParse({ kind, ...obj });
  if (!parsed.success) throw new InvalidSeparatorError(describeIssues(parsed.error));
  return parsed.data;
}

/** decodeSeparator, or null for a text that is not a valid separator. */
export function tryDecodeSeparator(qrText: string): SeparatorPayload | null {
  try {
    return decodeSeparator(qrText);
  } catch {
    return null;
  }
}

function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
}

export const procedureLabel = (p: ProcedureType): string => PROCEDURE_LABELS[p];
export const documentTypeLabel = (d: DocumentType): string => DOCUMENT_TYPE_LABELS[d];

/** One line for people (Italian): what the separator says. */
export function describeSeparator(p: SeparatorPayload): string {
  switch (p.kind) {
    case 'practice':
      return [`Pratica ${p.pratica}`, p.comune, p.proc && procedureLabel(p.proc), p.box && `collocazione: ${p.box}`]
        .filter(Boolean)
        .join(' — ');
    case 'document-type':
      return `Tipo documento: ${documentTypeLabel(p.tipo)}${p.pratica ? ` (pratica ${p.pratica})` : ''}`;
    case 'generic':
      return `Separatore generico${p.nota ? ` — ${p.nota}` : ''}`;
  }
}
