// Row ↔ record mapping shared by the SQLite and PostgreSQL PaperStore adapters (snake_case columns); their SQL
// building is in paper.sql.ts. Both adapters store the same columns and values, but for booleans and JSON.
import { randomUUID } from 'node:crypto';
import { addressKeyOf } from '../classify/practice-keys.ts';
import type {
  DigitisationCounts,
  AccessRequest,
  AccessRequestState,
  InventoryImport,
  InventoryRecord,
  NewAccessRequest,
  NewInventoryRecord,
  PaperState,
  ScanCandidate,
} from './paper-store.ts';

export type Row = Record<string, unknown>;
/** Columns of a statement, in order, with their values. */
export type Columns = Array<[string, unknown]>;

/** A given time (now when not given) as ISO UTC. */
export const isoOf = (at: string | undefined): string => (at === undefined ? new Date() : new Date(at)).toISOString();

/** Lower case, accents folded, anything but letters and digits → one space. */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a free-text query, folded as the search text column. */
export function queryWords(q: string): string[] {
  return foldText(q).split(' ').filter(Boolean);
}

/** "via roma 12a" → "via roma": the street of an address key (its last word is the civic). */
export function streetOfAddressKey(addressKey: string | undefined): string | undefined {
  if (!addressKey) return undefined;
  const i = addressKey.lastIndexOf(' ');
  return i > 0 ? addressKey.slice(0, i) : undefined;
}

/**
 * The key an address filter matches by prefix: the address key when the text has a civic, else the street spelled
 * as in keys ("V. Roma" → "via roma"), found by keying the street with a dummy civic.
 */
export function addressFilterKey(address: string): string {
  const withCivic = addressKeyOf(address);
  if (withCivic) return withCivic;
  return streetOfAddressKey(addressKeyOf(`${address} 1`)) ?? foldText(address);
}

/** The street an area is grouped by: the address key without its civic, else the address as a street. */
export function streetKeyOf(r: { address?: string; addressKey?: string }): string | undefined {
  const withCivic = r.addressKey ?? (r.address ? addressKeyOf(r.address) : undefined);
  if (withCivic) return streetOfAddressKey(withCivic);
  // No civic: key the text as a street with a dummy civic ("V. Roma" → "via roma").
  return r.address?.trim() ? streetOfAddressKey(addressKeyOf(`${r.address} 1`)) : undefined;
}

/** Normalised text every word of `q` must be found in. */
export function inventorySearchText(r: NewInventoryRecord): string {
  const parts = [
    r.practiceKey,
    r.procedureType,
    r.applicant,
    r.address,
    r.addressKey,
    r.parcelKey,
    r.foglio !== undefined ? `foglio ${r.foglio}` : undefined,
    r.mappale !== undefined ? `mappale ${r.mappale}` : undefined,
    r.subalterno !== undefined ? `sub ${r.subalterno}` : undefined,
    r.location.building,
    r.location.room,
    r.location.shelf,
    r.location.box,
  ];
  return ` ${foldText(parts.filter((p) => p !== undefined && p !== '').join(' '))} `;
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOpt = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : iso(v));
const bool = (v: unknown): boolean => v === true || v === 1;

/** Drops undefined values, so that records compare equal whatever the adapter. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function inventoryFromRow(r: Row): InventoryRecord {
  return compact({
    id: String(r.id),
    comune: String(r.comune),
    practiceKey: String(r.practice_key),
    procedureType: String(r.procedure_type),
    number: Number(r.number),
    year: Number(r.year),
    applicant: str(r.applicant),
    address: str(r.address),
    addressKey: str(r.address_key),
    foglio: num(r.foglio),
    mappale: num(r.mappale),
    subalterno: num(r.subalterno),
    parcelKey: str(r.parcel_key),
    location: compact({ building: str(r.building), room: str(r.room), shelf: str(r.shelf), box: str(r.box) }),
    notes: str(r.notes),
    state: String(r.state) as PaperState,
    stateAt: iso(r.state_at),
    pages: Number(r.pages),
    expectedPages: num(r.expected_pages),
    importId: str(r.import_id),
    sourceRow: num(r.source_row),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  });
}

/** Columns written by an upsert, in order, with their values (state and pages only on insert). */
export function inventoryColumns(r: NewInventoryRecord): Columns {
  return [
    ['comune', r.comune],
    ['practice_key', r.practiceKey],
    ['procedure_type', r.procedureType],
    ['number', r.number],
    ['year', r.year],
    ['applicant', r.applicant ?? null],
    ['address', r.address ?? null],
    ['address_key', r.addressKey ?? null],
    ['street_key', streetKeyOf(r) ?? null],
    ['foglio', r.foglio ?? null],
    ['mappale', r.mappale ?? null],
    ['subalterno', r.subalterno ?? null],
    ['parcel_key', r.parcelKey ?? null],
    ['building', r.location.building ?? null],
    ['room', r.location.room ?? null],
    ['shelf', r.location.shelf ?? null],
    ['box', r.location.box ?? null],
    ['notes', r.notes ?? null],
    ['expected_pages', r.expectedPages ?? null],
    ['import_id', r.importId ?? null],
    ['source_row', r.sourceRow ?? null],
    ['search_text', inventorySearchText(r)],
  ];
}

/** Columns of a new inventory record: the upsert's (`cols`), a new id, the initial state and times. */
export function inventoryInsertColumns(r: NewInventoryRecord, now: string, cols = inventoryColumns(r)): Columns {
  return [
    ['id', randomUUID()],
    ...cols,
    ['state', r.state ?? 'paper'],
    ['state_at', now],
    ['pages', 0],
    ['created_at', now],
    ['updated_at', now],
  ];
}

/** Columns of an import report, `problems` as the adapter stores JSON (the id first). */
export function importColumns(report: InventoryImport, problems: unknown): Columns {
  return [
    ['id', report.id],
    ['comune', report.comune],
    ['filename', report.filename],
    ['imported_by', report.importedBy],
    ['at', isoOf(report.at)],
    ['rows', report.rows],
    ['inserted', report.inserted],
    ['updated', report.updated],
    ['rejected', report.rejected],
    ['problems', problems],
  ];
}

/** Columns of a new access request, pending. */
export function accessRequestInsertColumns(input: NewAccessRequest, now: string): Columns {
  return [
    ['id', randomUUID()],
    ['comune', input.comune],
    ['practice_key', input.practiceKey],
    ['inventory_id', input.inventoryId ?? null],
    ['requester_id', input.requesterId],
    ['requester_name', input.requesterName],
    ['requester_email', input.requesterEmail ?? null],
    ['requester_role', input.requesterRole],
    ['reason', input.reason],
    ['state', 'pending'],
    ['awaiting_scan', input.awaitingScan],
    ['created_at', now],
    ['updated_at', now],
  ];
}

export function importFromRow(r: Row): InventoryImport {
  const problems = typeof r.problems === 'string' ? JSON.parse(r.problems) : (r.problems ?? []);
  return {
    id: String(r.id),
    comune: String(r.comune),
    filename: String(r.filename),
    importedBy: String(r.imported_by),
    at: iso(r.at),
    rows: Number(r.rows),
    inserted: Number(r.inserted),
    updated: Number(r.updated),
    rejected: Number(r.rejected),
    problems,
  };
}

export function accessRequestFromRow(r: Row): AccessRequest {
  return compact({
    id: String(r.id),
    comune: String(r.comune),
    practiceKey: String(r.practice_key),
    inventoryId: str(r.inventory_id),
    requesterId: String(r.requester_id),
    requesterName: String(r.requester_name),
    requesterEmail: str(r.requester_email),
    requesterRole: String(r.requester_role) as AccessRequest['requesterRole'],
    reason: String(r.reason),
    state: String(r.state) as AccessRequestState,
    awaitingScan: bool(r.awaiting_scan),
    decidedBy: str(r.decided_by),
    decidedAt: isoOpt(r.decided_at),
    decisionNote: str(r.decision_note),
    expiresAt: isoOpt(r.expires_at),
    scanNotifiedAt: isoOpt(r.scan_notified_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  });
}

/** Waiting requests of one practice, as counted by the adapters' SQL. */
export interface WaitingRow {
  comune: string;
  practiceKey: string;
  waiting: number;
  oldest: string;
}

/** A recent request with the area of its practice (from the inventory), for the area demand. */
export interface AreaRow {
  comune: string;
  practiceKey: string;
  parcelKey?: string;
  streetKey?: string;
}

/**
 * Work list rows from the requested records, their waiting requests and the recent requests of the union: area
 * demand counts requests on OTHER practices of the same Comune with the same parcel key, or when the record has no
 * parcel key, in the same street. A record planned without any request counts from its own state change.
 */
export function buildScanCandidates(
  records: readonly InventoryRecord[],
  waiting: readonly WaitingRow[],
  recent: readonly AreaRow[],
): ScanCandidate[] {
  const byPractice = new Map(waiting.map((w) => [`${w.comune}\u0000${w.practiceKey}`, w]));
  return records.map((record) => {
    const w = byPractice.get(`${record.comune}\u0000${record.practiceKey}`);
    const street = streetKeyOf(record);
    const areaRequests = recent.filter(
      (a) =>
        a.comune === record.comune &&
        a.practiceKey !== record.practiceKey &&
        (record.parcelKey ? a.parcelKey === record.parcelKey : street !== undefined && a.streetKey === street),
    ).length;
    return {
      record,
      waitingRequests: w?.waiting ?? 0,
      oldestRequestAt: w?.oldest ?? record.stateAt,
      areaRequests,
    };
  });
}

export function waitingFromRow(r: Row): WaitingRow {
  return {
    comune: String(r.comune),
    practiceKey: String(r.practice_key),
    waiting: Number(r.waiting),
    oldest: iso(r.oldest),
  };
}

export function areaFromRow(r: Row): AreaRow {
  return compact({
    comune: String(r.comune),
    practiceKey: String(r.practice_key),
    parcelKey: str(r.parcel_key),
    streetKey: str(r.street_key),
  });
}

/** Per-Comune counts from rows of (comune, state, n, pages), Comuni in code order. */
export function countsFromRows(rows: readonly Row[]): DigitisationCounts[] {
  const byComune = new Map<string, DigitisationCounts>();
  for (const r of rows) {
    const comune = String(r.comune);
    let c = byComune.get(comune);
    if (!c) {
      c = { comune, practices: 0, byState: { paper: 0, requested: 0, scanned: 0, archived: 0 }, pagesArchived: 0 };
      byComune.set(comune, c);
    }
    const state = String(r.state) as PaperState;
    const n = Number(r.n);
    c.practices += n;
    if (state in c.byState) c.byState[state] += n;
    if (state === 'archived') c.pagesArchived += Number(r.pages ?? 0);
  }
  return [...byComune.values()].sort((a, b) => (a.comune < b.comune ? -1 : a.comune > b.comune ? 1 : 0));
}

export function dayFromRow(r: Row): { comune: string; day: string; pages: number; practices: number } {
  return { comune: String(r.comune), day: String(r.day), pages: Number(r.pages), practices: Number(r.practices) };
}

export const byCreated = (a: AccessRequest, b: AccessRequest): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
