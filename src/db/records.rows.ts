// Records management (protocol register, routing reviews, practices) for the SQL adapters: the method signatures,
// input checks and row ↔ record mapping both engines share (same column names in SQLite and PostgreSQL).
import {
  ComuneMismatchError,
  type MetadataStore,
  type Practice,
  type PracticeMember,
  type PracticeWithCount,
  type ProtocolEntry,
  type RoutingAssignment,
  type RoutingReview,
  type RoutingReviewFilter,
  type RoutingReviewState,
} from './metadata-store.ts';
import { opt, type Row } from './rows.ts';

/** The records-management part of the port, implemented by sqlite.records.ts and postgres.records.ts. */
export type RecordsStore = Pick<
  MetadataStore,
  | 'registerProtocol'
  | 'getProtocol'
  | 'putRoutingSuggestion'
  | 'getRoutingReview'
  | 'listRoutingReviews'
  | 'countRoutingReviews'
  | 'decideRoutingReview'
  | 'createPractice'
  | 'getPractice'
  | 'getPracticeByKey'
  | 'updatePractice'
  | 'deletePracticeIfEmpty'
  | 'listPractices'
  | 'linkDocument'
  | 'unlinkDocument'
  | 'practiceMember'
  | 'listPracticeMembers'
  | 'findPracticesByKeys'
  | 'mergePractices'
>;

export type ProtocolInput = Parameters<MetadataStore['registerProtocol']>[0];
export type SuggestionInput = Parameters<MetadataStore['putRoutingSuggestion']>[0];
export type DecisionInput = Parameters<MetadataStore['decideRoutingReview']>[0];
export type ReviewCountFilter = Omit<RoutingReviewFilter, 'limit' | 'offset'>;
export type PracticeInput = Parameters<MetadataStore['createPractice']>[0];
export type PracticePatch = Parameters<MetadataStore['updatePractice']>[1];
export type PracticeListOptions = NonNullable<Parameters<MetadataStore['listPractices']>[0]>;
export type MemberInput = Parameters<MetadataStore['linkDocument']>[0];
export type PracticeKeys = Parameters<MetadataStore['findPracticesByKeys']>[0];
export type PracticeMatch = Awaited<ReturnType<MetadataStore['findPracticesByKeys']>>[number];

export const ROUTING_LIST_LIMIT = 1000;

/** Refuses merging practices of several Comuni (`comuni`: the distinct Comuni of the practices involved). */
export function checkSameComune(comuni: readonly string[]): void {
  if (comuni.length > 1)
    throw new ComuneMismatchError(
      `Non si possono unire fascicoli di Comuni diversi (${[...comuni].sort().join(', ')})`,
    );
}

export const linkMismatch = (documentId: string, practiceId: string) =>
  new ComuneMismatchError(
    `Il documento ${documentId} e il fascicolo ${practiceId} appartengono a Comuni diversi: non si possono collegare`,
  );
export const PRACTICE_LIST_LIMIT = 1000;

/** Refuses an entry the register must never hold, before it is written (it could not be corrected afterwards). */
export function checkProtocolEntry(e: ProtocolInput): void {
  if (!Number.isSafeInteger(e.number) || e.number <= 0) throw new RangeError(`invalid protocol number: ${e.number}`);
  if (!Number.isSafeInteger(e.year) || e.year < 1000 || e.year > 9999)
    throw new RangeError(`invalid protocol year: ${e.year}`);
  if (e.date !== undefined) {
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(e.date) && new Date(`${e.date}T00:00:00Z`).toISOString().startsWith(e.date);
    if (!ok) throw new RangeError(`invalid protocol date (yyyy-mm-dd): ${JSON.stringify(e.date)}`);
  }
  if (e.source !== 'ocr' && e.source !== 'manual') throw new RangeError(`invalid protocol source: ${String(e.source)}`);
}

/** Lower-case form used for case-insensitive search, computed here because SQLite's lower() (and PostgreSQL's
 *  under COLLATE "C") fold ASCII only: "LOCALITÀ" must match "località" on both engines. */
export const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/** The states a filter asks for, or undefined for any state (an empty list matches nothing). */
export const filterStates = (state: RoutingReviewFilter['state']): RoutingReviewState[] | undefined =>
  state === undefined ? undefined : Array.isArray(state) ? state : [state];

/** Member columns holding each kind of lookup key, in the order findPracticesByKeys reports matches. */
export const KEY_COLUMNS = [
  ['practiceKey', 'practice_key'],
  ['parcelKey', 'parcel_key'],
  ['addressKey', 'address_key'],
] as const satisfies ReadonlyArray<readonly [PracticeMatch['matchedOn'], string]>;

export const protocolFromRow = (r: Row): ProtocolEntry => ({
  documentId: r.document_id as string,
  comune: r.comune as string,
  number: Number(r.number),
  year: Number(r.year),
  date: opt(r.date),
  source: r.source as ProtocolEntry['source'],
  registeredAt: r.registered_at as string,
  registeredBy: r.registered_by as string,
});

/** A stored assignment with exactly the port's keys, absent ones undefined (jsonb and JSON.stringify drop them). */
function assignmentFrom(v: unknown): RoutingAssignment {
  const a = v as Record<string, unknown>;
  return {
    titolarioClass: a.titolarioClass as string,
    office: a.office as string,
    assignee: opt(a.assignee),
    practiceId: opt(a.practiceId),
  };
}

/** `readJson` turns a JSON column's value into the value (SQLite stores text, PostgreSQL returns jsonb parsed). */
export function routingReviewFromRow(r: Row, readJson: (v: unknown) => unknown = (v) => v): RoutingReview {
  return {
    documentId: r.document_id as string,
    state: r.state as RoutingReviewState,
    suggested: assignmentFrom(readJson(r.suggested)),
    confidence: r.confidence as number,
    threshold: r.threshold as number,
    decidedBy: r.decided_by as string,
    reasons: readJson(r.reasons) as string[],
    current: assignmentFrom(readJson(r.current)),
    reviewer: opt(r.reviewer),
    reviewedAt: opt(r.reviewed_at),
    reviewNote: opt(r.review_note),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

export const practiceFromRow = (r: Row): Practice => ({
  id: r.id as string,
  comune: r.comune as string,
  key: opt(r.key),
  label: r.label as string,
  createdAt: r.created_at as string,
  updatedAt: r.updated_at as string,
});

export const practiceWithCountFromRow = (r: Row): PracticeWithCount => ({
  ...practiceFromRow(r),
  documents: Number(r.documents),
});

export const memberFromRow = (r: Row): PracticeMember => ({
  practiceId: r.practice_id as string,
  documentId: r.document_id as string,
  confidence: r.confidence as number,
  reason: r.reason as string,
  linkedBy: r.linked_by as string,
  locked: r.locked === true || r.locked === 1,
  practiceKey: opt(r.practice_key),
  parcelKey: opt(r.parcel_key),
  addressKey: opt(r.address_key),
  linkedAt: r.linked_at as string,
});

export const matchFromRow = (r: Row): PracticeMatch => ({
  practiceId: r.practice_id as string,
  matchedOn: r.matched_on as PracticeMatch['matchedOn'],
  documents: Number(r.documents),
});
