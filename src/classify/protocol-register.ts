// The protocol register seen from the classify step and the review API: a protocol number read from a letter is
// registered once; afterwards its number and date never change, whatever a later reading or a reviewer says.
import type { MetadataStore, ProtocolEntry } from '../db/metadata-store.ts';
import type { DocumentMetadata } from './document-metadata.ts';

/** Any attempt to change a registered protocol number or date (HTTP 409). */
export class ProtocolImmutableError extends Error {
  override name = 'ProtocolImmutableError';
  readonly statusCode = 409;
  readonly code = 'PROTOCOL_IMMUTABLE';
  constructor(readonly fields: string[] = []) {
    super('Il numero e la data di protocollo non si possono modificare');
  }
}

/** Payload keys that would touch the register; a routing correction carrying any of them is refused as a whole. */
const PROTOCOL_FIELDS = ['protocol', 'protocolNumber', 'protocolDate', 'protocolYear', 'number', 'date', 'year'];

/** Throws ProtocolImmutableError when `input` (a request payload, a change) tries to set protocol number or date. */
export function rejectProtocolChange(input: unknown): void {
  if (!input || typeof input !== 'object') return;
  const fields = PROTOCOL_FIELDS.filter((k) => Object.hasOwn(input, k));
  if (fields.length > 0) throw new ProtocolImmutableError(fields);
}

export type RegisterOutcome =
  | { outcome: 'registered'; entry: ProtocolEntry }
  | { outcome: 'unchanged'; entry: ProtocolEntry }
  | { outcome: 'mismatch'; entry: ProtocolEntry; read: { number: number; year: number; date?: string } }
  | { outcome: 'skipped'; reason: string };

/**
 * Registers the protocol number the classifier read, when it has a number and a date to take the year from.
 * A document already registered keeps its entry; a different reading only adds one 'protocol.mismatch' event (per
 * distinct reading), so that a person can look at it — the register itself is never rewritten.
 */
export async function registerFromMetadata(
  db: MetadataStore,
  documentId: string,
  metadata: Pick<DocumentMetadata, 'protocol'>,
): Promise<RegisterOutcome> {
  const p = metadata.protocol;
  if (!p || !Number.isSafeInteger(p.number) || p.number <= 0)
    return { outcome: 'skipped', reason: 'no protocol number' };
  const year = p.date && /^\d{4}-\d{2}-\d{2}$/.test(p.date) ? Number(p.date.slice(0, 4)) : undefined;
  if (!year) return { outcome: 'skipped', reason: 'no protocol date' };
  const read = { number: p.number, year, date: p.date };

  const { created, entry } = await db.registerProtocol({ documentId, ...read, source: 'ocr', registeredBy: 'system' });
  if (created) {
    await db.addEvent({
      type: 'protocol.registered',
      documentId,
      actor: 'system',
      detail: { number: entry.number, year: entry.year, date: entry.date, source: entry.source },
    });
    return { outcome: 'registered', entry };
  }
  if (sameProtocol(entry, read)) return { outcome: 'unchanged', entry };

  const events = await db.listEvents({ documentId });
  const reported = events.some(
    (e) => e.type === 'protocol.mismatch' && sameProtocol(e.detail?.read as ProtocolLike, read),
  );
  if (!reported) {
    await db.addEvent({
      type: 'protocol.mismatch',
      documentId,
      actor: 'system',
      detail: {
        registered: { number: entry.number, year: entry.year, date: entry.date },
        read,
        message: 'Il protocollo letto non coincide con quello registrato: il registro resta invariato',
      },
    });
  }
  return { outcome: 'mismatch', entry, read };
}

interface ProtocolLike {
  number: number;
  year: number;
  date?: string;
}

function sameProtocol(a: ProtocolLike | undefined, b: ProtocolLike): boolean {
  return !!a && a.number === b.number && a.year === b.year && (a.date ?? null) === (b.date ?? null);
}
