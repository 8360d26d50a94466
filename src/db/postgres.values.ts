// Values crossing the PostgreSQL adapter's boundary: the database clock, type parsers of the pool, and the cleaning
// of text and JSON parameters PostgreSQL would refuse. Shared by postgres.metadata.ts and postgres.records.ts.
import pg from 'pg';

// Database clock, at the millisecond precision of `Date#toISOString()`.
export const NOW = "date_trunc('milliseconds', statement_timestamp())";

// Parsers for this pool only (the global pg.types registry is left alone): bigint as number (ids, sizes and counts
// stay far below 2^53) and timestamptz as an ISO string.
const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (v: string) => Date;
export const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === TIMESTAMPTZ_OID) return (v: string) => parseTimestamptz(v).toISOString();
    if (format !== 'binary' && oid === INT8_OID) {
      return (v: string) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${v} does not fit a JavaScript number`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const NEEDS_CLEANING = new RegExp(`\\u0000|${LONE_SURROGATE}`);
const LONE_SURROGATES = new RegExp(LONE_SURROGATE, 'g');
const needsCleaning = (s: string) => NEEDS_CLEANING.test(s);
/** A string PostgreSQL accepts in text and jsonb: U+0000 removed, lone surrogates replaced by U+FFFD. */
export function pgSafeText(s: string): string {
  return needsCleaning(s) ? s.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\ufffd') : s;
}

/** JSON text for a jsonb parameter; null/undefined → SQL NULL. */
export function toJson(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const text = JSON.stringify(v, (_key, val: unknown) => {
    if (typeof val === 'string') return pgSafeText(val);
    if (val && typeof val === 'object' && !Array.isArray(val) && Object.keys(val).some(needsCleaning)) {
      return Object.fromEntries(Object.entries(val).map(([k, x]) => [pgSafeText(k), x]));
    }
    return val;
  });
  return text === undefined ? null : text; // JSON.stringify(() => 1) is undefined
}

/** A given timestamp normalised to ISO UTC in JavaScript, as the SQLite adapter does (throws on an invalid date, and
 *  keeps PostgreSQL's more permissive date input out of the picture); null when absent, for the database clock. */
export const isoTime = (at?: string): string | null => (at === undefined ? null : new Date(at).toISOString());

export const clean = (params: unknown[]) => params.map((p) => (typeof p === 'string' ? pgSafeText(p) : p));
