// Field-level access to personal data, enforced on what the API returns (not in the UI). Staff roles (admin,
// archivist, records manager) see everything. A professional consults building records with the owner's delegation:
// applicants' names, addresses and cadastral references are part of those records and stay; applicants' tax codes
// (codice fiscale), partite IVA and birth data (place and date) are not needed for that and are removed. An unknown
// role is treated like a professional.
//
// Search results: every string is masked (personal-data.mask.ts), snippets with their <mark> tags kept.
// Document detail: the tax-code and VAT entities are emptied, ISO dates that can only be birth dates are withheld
// (see withoutBirthDates), and every string is masked as above.
import type { Role } from '../auth/roles.ts';
import { maskPersonalData, maskPersonalDataHtml } from './personal-data.mask.ts';
import type { SearchResult } from './search-index.ts';

const SEES_PERSONAL_DATA: ReadonlySet<string> = new Set<Role>(['admin', 'archivist', 'records_manager']);

export function seesPersonalData(role: Role | string | null | undefined): boolean {
  return typeof role === 'string' && SEES_PERSONAL_DATA.has(role);
}

/** Keys whose string values are HTML snippets (escaped text with <mark> tags). */
const HTML_KEYS = new Set(['snippet']);
/** Entity lists and best values that hold nothing but tax ids (classification.ts ExtractedEntities). */
const TAX_ID_LISTS = new Set(['taxCodes', 'vatNumbers']);
const TAX_ID_BEST = new Set(['taxCode', 'vatNumber']);

type Json = unknown;

/** A copy with every string masked; `dates` arrays filtered by `keepDate`; tax-id entities emptied. */
function redactValue(
  v: Json,
  key: string | undefined,
  keepDate: (iso: string) => boolean,
  seen: Map<object, Json>,
): Json {
  if (typeof v === 'string')
    return key !== undefined && HTML_KEYS.has(key) ? maskPersonalDataHtml(v) : maskPersonalData(v);
  if (v === null || typeof v !== 'object') return v;
  const done = seen.get(v);
  if (done !== undefined) return done; // shared objects (a group's hits are also in `hits`) stay shared
  if (Array.isArray(v)) {
    const out: Json[] = [];
    seen.set(v, out);
    if (key !== undefined && TAX_ID_LISTS.has(key)) return out;
    for (const item of v) {
      if (key === 'dates' && !keepDate(dateOf(item))) continue;
      out.push(redactValue(item, undefined, keepDate, seen));
    }
    return out;
  }
  if (v instanceof Date) return v;
  const out: Record<string, Json> = {};
  seen.set(v, out);
  for (const [k, val] of Object.entries(v)) {
    if (TAX_ID_BEST.has(k)) continue;
    out[k] = redactValue(val, k, keepDate, seen);
  }
  return out;
}

/** The ISO date of a `dates` item: a string, or an entity match `{ value: '1950-03-12', … }`. */
function dateOf(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item !== null && typeof item === 'object' && typeof (item as { value?: unknown }).value === 'string') {
    return (item as { value: string }).value;
  }
  return '';
}

const ADULT_YEARS = 18;

/**
 * Which extracted dates a professional may see. Dates are extracted without their context, so a birth date cannot
 * be told apart from other dates by itself; but an applicant is an adult, so their birth date lies at least 18 years
 * before the document. Dates that old (relative to the document's year, else to its latest date) are withheld: this
 * removes every adult's birth date, and also references to old practices, which stay readable in the text.
 */
export function withoutBirthDates(referenceYear: number | undefined): (iso: string) => boolean {
  if (referenceYear === undefined) return () => false;
  return (iso) => {
    const y = Number(/^(\d{4})-/.exec(iso)?.[1]);
    return Number.isFinite(y) && y > referenceYear - ADULT_YEARS;
  };
}

/** The year a document's dates are measured against: practice, protocol, else its latest extracted date. */
export function referenceYear(classification: unknown): number | undefined {
  if (classification === null || typeof classification !== 'object') return undefined;
  const c = classification as {
    practice?: { year?: unknown };
    protocol?: { date?: unknown };
    dates?: unknown;
  };
  if (typeof c.practice?.year === 'number') return c.practice.year;
  if (typeof c.protocol?.date === 'string' && /^\d{4}/.test(c.protocol.date))
    return Number(c.protocol.date.slice(0, 4));
  const years = (Array.isArray(c.dates) ? c.dates : [])
    .map((d) => Number(/^(\d{4})-/.exec(dateOf(d))?.[1]))
    .filter((y) => Number.isFinite(y));
  return years.length > 0 ? Math.max(...years) : undefined;
}

/** A search result as `role` may see it (the same object when the role sees everything). */
export function redactSearchResult<T extends SearchResult>(result: T, role: Role | string | null | undefined): T {
  if (seesPersonalData(role)) return result;
  return redactValue(result, undefined, () => true, new Map()) as T;
}

/**
 * A document detail (GET /api/documents/:id: `{ document, pages, events, … }`, or a bare document record) as `role`
 * may see it. The document's classification gives the reference year for withholding birth dates.
 */
export function redactDocument<T>(detail: T, role: Role | string | null | undefined): T {
  if (seesPersonalData(role)) return detail;
  const d = detail as { document?: { classification?: unknown }; classification?: unknown };
  const classification = d?.document?.classification ?? d?.classification;
  return redactValue(detail, undefined, withoutBirthDates(referenceYear(classification)), new Map()) as T;
}
