// SQL building shared by the SQLite and PostgreSQL PaperStore adapters: filters, pages, inserts and the reads of the
// work list. Both write the same statements; only placeholders ('?' / '$n') and booleans differ, which SqlParams hides.
import {
  PAPER_STATES,
  type AccessRequestFilter,
  type InventoryFilter,
  type PaperState,
  type PaperStore,
} from './paper-store.ts';
import { addressFilterKey, isoOf, queryWords, type Columns } from './paper.rows.ts';

export const LIST_DEFAULT = 50;
export const LIST_MAX = 1000;

const STATE_RANK: Record<PaperState, number> = { paper: 0, requested: 1, scanned: 2, archived: 3 };

/** SQL CASE giving the rank of the state column (forward-only moves compare ranks). */
const STATE_RANK_SQL = `CASE state ${PAPER_STATES.map((s) => `WHEN '${s}' THEN ${STATE_RANK[s]}`).join(' ')} END`;

/** Patchable access request fields → columns (timestamps normalised to ISO UTC). */
const ACCESS_PATCH_COLUMNS = {
  state: 'state',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  decisionNote: 'decision_note',
  expiresAt: 'expires_at',
  awaitingScan: 'awaiting_scan',
  scanNotifiedAt: 'scan_notified_at',
} as const;
const ACCESS_PATCH_TIMES = new Set(['decidedAt', 'expiresAt', 'scanNotifiedAt']);

/** Placeholders and values of one statement, '?' (SQLite) or '$n' (PostgreSQL). */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(private readonly style: 'sqlite' | 'postgres') {}
  add(v: unknown): string {
    this.values.push(this.style === 'sqlite' && typeof v === 'boolean' ? (v ? 1 : 0) : v);
    return this.style === 'sqlite' ? '?' : `$${this.values.length}`;
  }
  list(vs: readonly unknown[]): string {
    return `(${vs.map((v) => this.add(v)).join(', ')})`;
  }
}

/** ` AND awaiting_scan = …` when the update requires it. */
export function awaitingClause(p: SqlParams, expect: { awaitingScan?: boolean }): string {
  return expect.awaitingScan === undefined ? '' : ` AND awaiting_scan = ${p.add(expect.awaitingScan)}`;
}

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** `column IN (…)` for a Comune filter: no filter → true, an empty list → false. */
export function comuneIn(p: SqlParams, comuni: readonly string[] | undefined, column = 'comune'): string {
  if (!comuni) return '1 = 1';
  return comuni.length ? `${column} IN ${p.list(comuni)}` : '1 = 0';
}

/**
 * The WHERE clause of an inventory search. `words`: 'like' scans the search text (PostgreSQL), 'fts' asks SQLite's
 * FTS5 word index (paper_inventory_fts) — both match each query word at the start of a word of the text.
 */
export function inventoryWhere(f: InventoryFilter, p: SqlParams, words: 'like' | 'fts' = 'like'): string {
  const c: string[] = [];
  if (f.comuni) c.push(comuneIn(p, f.comuni));
  const states = asList(f.state);
  if (states) c.push(states.length ? `state IN ${p.list(states)}` : '1 = 0');
  if (f.practiceKey !== undefined) c.push(`practice_key = ${p.add(f.practiceKey)}`);
  if (f.year !== undefined) c.push(`year = ${p.add(f.year)}`);
  if (f.foglio !== undefined) c.push(`foglio = ${p.add(f.foglio)}`);
  if (f.mappale !== undefined) c.push(`mappale = ${p.add(f.mappale)}`);
  if (f.address !== undefined && f.address.trim()) {
    c.push(`address_key LIKE ${p.add(`${likeEscape(addressFilterKey(f.address))}%`)} ESCAPE '\\'`);
  }
  // Each word must start a word of the search text (" 12" finds "12" and "123", not "512").
  const qw = queryWords(f.q ?? '');
  if (words === 'fts' && qw.length) {
    // Words are letters and digits only (foldText), so quoting each as an FTS5 string with a prefix star is safe.
    const match = qw.map((w) => `"${w}"*`).join(' AND ');
    c.push(`rowid IN (SELECT rowid FROM paper_inventory_fts WHERE paper_inventory_fts MATCH ${p.add(match)})`);
  } else {
    for (const w of qw) c.push(`search_text LIKE ${p.add(`% ${likeEscape(w)}%`)} ESCAPE '\\'`);
  }
  return c.length ? c.join(' AND ') : '1 = 1';
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export function accessWhere(f: AccessRequestFilter, p: SqlParams): string {
  const c: string[] = [];
  if (f.comuni) c.push(comuneIn(p, f.comuni));
  const states = asList(f.state);
  if (states) c.push(states.length ? `state IN ${p.list(states)}` : '1 = 0');
  if (f.requesterId !== undefined) c.push(`requester_id = ${p.add(f.requesterId)}`);
  if (f.practiceKey !== undefined) c.push(`practice_key = ${p.add(f.practiceKey)}`);
  if (f.awaitingScan !== undefined) c.push(`awaiting_scan = ${p.add(f.awaitingScan)}`);
  return c.length ? c.join(' AND ') : '1 = 1';
}

export function page(limit: number | undefined, offset: number | undefined): { limit: number; offset: number } {
  const l = limit === undefined ? LIST_DEFAULT : Math.max(0, Math.min(LIST_MAX, Math.floor(limit)));
  return { limit: l, offset: Math.max(0, Math.floor(offset ?? 0)) };
}

/** ` AND <rank> <= …`: the state may only move forward, unless forced. */
export function forwardOnly(state: PaperState, force: boolean | undefined): string {
  return force ? '' : ` AND ${STATE_RANK_SQL} <= ${STATE_RANK[state]}`;
}

/** `INSERT INTO table (…) VALUES (…)` of the columns. */
export function insertSql(table: string, cols: Columns, p: SqlParams): string {
  return `INSERT INTO ${table} (${cols.map(([c]) => c).join(', ')}) VALUES ${p.list(cols.map(([, v]) => v))}`;
}

/** Saves an import report by id: inserted, or every column but the id replaced. */
export function importUpsertSql(table: string, cols: Columns, p: SqlParams): string {
  const sets = cols.slice(1).map(([c]) => `${c} = excluded.${c}`);
  return `${insertSql(table, cols, p)} ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}`;
}

/** SET list of an access request update: the patched fields (times as ISO UTC), and updated_at. */
export function accessPatchSets(p: SqlParams, patch: Parameters<PaperStore['updateAccessRequest']>[2]): string {
  const sets: string[] = [];
  for (const [key, column] of Object.entries(ACCESS_PATCH_COLUMNS)) {
    const v = (patch as Record<string, unknown>)[key];
    if (v === undefined) continue;
    sets.push(`${column} = ${p.add(ACCESS_PATCH_TIMES.has(key) && v !== null ? isoOf(String(v)) : v)}`);
  }
  sets.push(`updated_at = ${p.add(new Date().toISOString())}`);
  return sets.join(', ');
}

export interface SqlQuery {
  sql: string;
  values: unknown[];
}

/**
 * The three reads of the work list, to run in one read transaction: the requested records, the requests waiting for
 * them (rows of WaitingRow) and the recent requests of the union with their practice's area (rows of AreaRow).
 */
export function scanCandidateQueries(
  style: 'sqlite' | 'postgres',
  tables: { inventory: string; requests: string },
  opts: { comuni?: readonly string[]; areaSince: string },
): { records: SqlQuery; waiting: SqlQuery; recent: SqlQuery } {
  const inv = tables.inventory;
  const req = tables.requests;
  const p1 = new SqlParams(style);
  const records = `SELECT * FROM ${inv} WHERE state = 'requested' AND ${comuneIn(p1, opts.comuni)}
     ORDER BY comune, year DESC, practice_key, id`;
  const p2 = new SqlParams(style);
  const waiting = `SELECT a.comune, a.practice_key, count(*) AS waiting, min(a.created_at) AS oldest
     FROM ${req} a JOIN ${inv} i ON i.comune = a.comune AND i.practice_key = a.practice_key
     WHERE i.state = 'requested' AND a.state IN ('pending', 'approved') AND a.awaiting_scan = ${p2.add(true)}
       AND ${comuneIn(p2, opts.comuni, 'i.comune')}
     GROUP BY a.comune, a.practice_key`;
  const p3 = new SqlParams(style);
  const recent = `SELECT a.comune, a.practice_key, i.parcel_key, i.street_key
     FROM ${req} a JOIN ${inv} i ON i.comune = a.comune AND i.practice_key = a.practice_key
     WHERE a.created_at >= ${p3.add(isoOf(opts.areaSince))} AND ${comuneIn(p3, opts.comuni, 'a.comune')}`;
  return {
    records: { sql: records, values: p1.values },
    waiting: { sql: waiting, values: p2.values },
    recent: { sql: recent, values: p3.values },
  };
}

/** Practices and pages per Comune and state (rows for countsFromRows). */
export function countsQuery(style: 'sqlite' | 'postgres', inventory: string, comuni?: readonly string[]): SqlQuery {
  const p = new SqlParams(style);
  const sql = `SELECT comune, state, count(*) AS n, sum(pages) AS pages FROM ${inventory}
     WHERE ${comuneIn(p, comuni)} GROUP BY comune, state`;
  return { sql, values: p.values };
}
