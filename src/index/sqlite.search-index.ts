// SearchIndex on embedded SQLite FTS5 (better-sqlite3, WAL). One row per page.
//
// Tables (prefixed `search_` so the index can share a database file with other stores):
//   search_pages      one small row per page: the document's metadata, indexed for filters and facets; address_key
//                     is the folded address (addressKey) for case/accent-insensitive address filters (schema v2);
//                     comune and restricted are the document's Comune and tenancy (schema v3)
//   search_facets     the columns a text query reads for every candidate (document/page, practice, year, Comune and the
//                     facet values), one narrow row per page keyed like search_pages (schema v4): the candidate pass
//                     reads up to maxCandidates rows by id, and these rows span ~5× fewer database pages than the wide
//                     search_pages rows (measured at 200k pages, bench/search.ts at concurrency 1, same index and
//                     load: medium-word p50 28.6 → 24.0 ms; in CPU time the pass itself costs about the same, most of
//                     it is turning 5,001 rows into JS values)
//   search_texts      original page text (for snippets), kept apart so that scanning search_pages for facets over
//                     thousands of matches does not walk the overflow pages of the text (measured 2× faster)
//   search_fts        contentless FTS5 table (title, body, meta) holding the stemmed, accent-folded term stream
//                     produced by italian-text.ts; rowid = search_pages.id; ranked by bm25 with title 5, body 1, meta 2
//   search_documents  one row per document (page count), for stats()
//   search_words      every folded surface word ever indexed → its term, for typo tolerance (see below)
//
// Why our own vocabulary table instead of scanning fts5vocab: an fts5vocab 'row' scan reads every posting of every
// term it returns (measured: 14 ms for the 77 terms of one initial letter on a 100k-page index, and it grows with
// the number of postings), so an edit-distance scan over it would grow with the corpus; and fts5vocab only knows
// stems, while typos are best measured on the words as typed (query-parser.ts, typoCandidates). `search_words` is a
// plain B-tree: edit-distance-1 candidates are looked up by key, distance-2 candidates by a short range scan. It
// only grows (words of deleted pages stay; they merely expand to an OR branch with no hits);
// `rebuildVocabulary()` recomputes it from the stored pages. Whether a query term exists is asked of FTS5 itself
// (MATCH … LIMIT 1), so a stale vocabulary never suppresses typo expansion.
//
// Query planning (search()): matches are read once, newest first, with their bm25 rank, at most maxCandidates + 1;
// above the cap only the newest maxCandidates are ranked and counted and the result is flagged `approximate`
// (bench/search.ts: common words at 100k pages went from p95 81 ms to under 50 ms). An ungrouped query summarises its
// candidates in one SQL statement (candidateSummarySql: facet GROUP BYs, count, top-k of the page): only the page of
// hits becomes JS values (at 200k pages, medium and common words ~30 % less time per query than counting and sorting
// every candidate in JS).
//
// Grouping by practice (query.group): with text, the candidates already read are grouped in memory in rank order
// (one pass, no second FTS query); without text, GROUP BY (practice, comune) (or document, for pages in no practice)
// in SQL, then each returned group's best pages by the (practice, comune) index. Limit and offset then count groups.
//
// Tenant scope (query.scope): the pages the scope may not see (restricted pages of other Comuni) are left out of
// candidates, counts, facets, groups and of the "does this term exist" check that decides typo expansion, so that a
// restricted page leaves no trace, not even as a missing typo correction. Whether the scope hides any page at all is
// asked first (one probe of the (restricted, comune) index): when it hides none (one Comune, union-level staff, no
// restricted records) the search runs as without a scope; otherwise each match is checked in the join, like a filter,
// and a search without text counts total and facets as those of its filters minus those of the hidden pages.
// (Excluding the hidden pages as a set instead was measured slower: building the set costs more than it saves.)

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { addressKey } from './address-key.ts';
import { analyze } from './italian-text.ts';
import {
  compileQuery,
  ftsString,
  parseQuery,
  type Highlight,
  type ParsedQuery,
  type Vocabulary,
  type VocabWord,
} from './query-parser.ts';
import type {
  FacetCounts,
  PageEntry,
  SearchGroup,
  SearchHit,
  SearchIndex,
  SearchQuery,
  SearchFilters,
  SearchResult,
} from './search-index.ts';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import { assertPages, clampInt, groupKey, normaliseQuery, pageComune, type NormalisedQuery } from './search-query.ts';
import {
  candidateOrder,
  candidateSummarySql,
  categorySetSql,
  filterSql,
  GROUP_ORDER,
  PAGE_ORDER,
  scopeSql,
  type Candidate,
} from './sqlite.search-sql.ts';
import { makeSnippet } from './snippet.ts';
import {
  FILTER_FIRST_MAX_PAGES,
  filtersIndexable,
  phraseTitleMatcher,
  proxyRank,
  titlePrefilter,
} from './sqlite.search-plan.ts';

export interface SqliteSearchIndexOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** bm25 column weights (title, body, meta); default 5, 1, 2. */
  weights?: { title: number; body: number; meta: number };
  /** Values returned per facet, most frequent first (default 100). */
  maxFacetValues?: number;
  /**
   * Query planning: when a text query matches more pages than this (after filters), only the newest
   * `maxCandidates` matching pages are ranked and counted for facets; total and facets are then estimates and the
   * result says `approximate: true` (default 5000; 0 = always exact).
   */
  maxCandidates?: number;
  /** Open an existing index read-only (e.g. one connection per worker thread); writes throw. */
  readonly?: boolean;
  /**
   * Filter-first planning: a text query whose structured filters leave at most this many pages checks each match
   * against that set instead of looking each match up in search_pages (default 20,000; 0 = never).
   */
  filterFirstMaxPages?: number;
}

/** How one search applies its tenant scope: not at all (it hides no page), or as a condition on each page. */
type ScopePlan = { kind: 'none'; params: [] } | { kind: 'visible'; cond: string; hidden: string; params: unknown[] };

// 2: search_pages.address_key (+ indexes on address_key, cadastral); 3: search_pages.comune, restricted (+ indexes);
// 4: search_facets (filled from search_pages on upgrade)
const SCHEMA_VERSION = '4';
const FACETS = [
  ['year', 'year'],
  ['procedureType', 'procedure_type'],
  ['documentType', 'document_type'],
  ['titolarioClass', 'titolario_class'],
  ['comune', 'comune'],
] as const;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS search_documents (document_id TEXT PRIMARY KEY, pages INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS search_pages (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    title TEXT NOT NULL,
    filename TEXT NOT NULL,
    year INTEGER,
    practice TEXT,
    procedure_type TEXT,
    document_type TEXT,
    titolario_class TEXT,
    protocol TEXT,
    address TEXT,
    cadastral TEXT,
    address_key TEXT,
    comune TEXT NOT NULL DEFAULT '${DEFAULT_COMUNE_CODE}',
    restricted INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, page)
  );
  CREATE TABLE IF NOT EXISTS search_texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS search_facets (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    practice TEXT,
    year INTEGER,
    comune TEXT NOT NULL,
    procedure_type TEXT,
    document_type TEXT,
    titolario_class TEXT
  );
  CREATE INDEX IF NOT EXISTS search_pages_year ON search_pages (year);
  CREATE INDEX IF NOT EXISTS search_pages_procedure_type ON search_pages (procedure_type);
  CREATE INDEX IF NOT EXISTS search_pages_document_type ON search_pages (document_type);
  CREATE INDEX IF NOT EXISTS search_pages_titolario_class ON search_pages (titolario_class);
  CREATE INDEX IF NOT EXISTS search_pages_protocol ON search_pages (protocol);
  CREATE INDEX IF NOT EXISTS search_pages_cadastral ON search_pages (cadastral);
  CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5 (
    title, body, meta,
    tokenize = "unicode61 remove_diacritics 2",
    content = '',
    contentless_delete = 1
  );
  CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_vocab USING fts5vocab (search_fts, 'row');
  CREATE TABLE IF NOT EXISTS search_words (word TEXT PRIMARY KEY, term TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS search_words_term ON search_words (term);
`;
/**
 * Created after the v1 → v2 migration has added the column. The (category, year) pairs let a filter such as
 * "scia, 1980–1990" be counted and listed from one index range (filter-first planning, sqlite.search-plan.ts)
 * instead of a table lookup per page of the category; an existing index gets them at its next writable open.
 */
const SCHEMA_V2_INDEXES = `
  CREATE INDEX IF NOT EXISTS search_pages_address_key ON search_pages (address_key);
  CREATE INDEX IF NOT EXISTS search_pages_procedure_year ON search_pages (procedure_type, year);
  CREATE INDEX IF NOT EXISTS search_pages_document_year ON search_pages (document_type, year);
  CREATE INDEX IF NOT EXISTS search_pages_titolario_year ON search_pages (titolario_class, year);
`;
/**
 * Created after the v2 → v3 migration has added the columns (it drops the v2 index on practice alone, which
 * (practice, comune) replaces). (practice, comune) serves the practice filter and walks the groups of a listing in
 * order; (comune, year) the Comuni filter (and its year range); (restricted, comune) the count of the pages a scope
 * hides.
 */
const SCHEMA_V3_INDEXES = `
  CREATE INDEX IF NOT EXISTS search_pages_practice_comune ON search_pages (practice, comune);
  CREATE INDEX IF NOT EXISTS search_pages_comune_year ON search_pages (comune, year);
  CREATE INDEX IF NOT EXISTS search_pages_restricted ON search_pages (restricted, comune);
`;

interface ResultPage {
  total: number;
  hits: SearchHit[];
  groups?: SearchGroup[];
  totalGroups?: number;
  approximate: boolean;
}

export { addressKey }; // moved to address-key.ts; re-exported for existing importers

type PageRow = {
  id: number;
  document_id: string;
  page: number;
  title: string;
  filename: string;
  text: string;
  year: number | null;
  practice: string | null;
  document_type: string | null;
  procedure_type: string | null;
  address: string | null;
  comune: string;
  score?: number;
};

const nn = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined ? undefined : v);
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/**
 * Text of the `meta` FTS column: subject, address, cadastral reference, protocol, practice and file name (no
 * extension). Weighted between title and body, which is where the subject ranks (it is not kept in search_pages, so
 * rebuildVocabulary() does not see its words: they only lose typo tolerance until the document is re-indexed).
 */
function metaText(p: Pick<PageEntry, 'subject' | 'address' | 'cadastral' | 'protocol' | 'practice' | 'filename'>): string {
  const file = (p.filename ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return [p.subject, p.address, p.cadastral, p.protocol, p.practice, file]
    .filter((s) => s !== undefined && s !== '')
    .join(' \n ');
}


export class SqliteSearchIndex implements SearchIndex {
  readonly db: Database.Database;
  private readonly maxFacetValues: number;
  private readonly maxCandidates: number;
  private readonly filterFirstMax: number;
  private readonly stmts: {
    selectDocPageIds: Database.Statement<[string], { id: number }>;
    deleteFts: Database.Statement<[number]>;
    deletePages: Database.Statement<[string]>;
    deleteText: Database.Statement<[number]>;
    insertText: Database.Statement<[number, string]>;
    deleteFacets: Database.Statement<[number]>;
    insertFacets: Database.Statement<unknown[]>;
    selectHit: Database.Statement<[number], PageRow>;
    deleteDocument: Database.Statement<[string]>;
    insertPage: Database.Statement<unknown[]>;
    insertFts: Database.Statement<[number, string, string, string]>;
    upsertDocument: Database.Statement<[string, number]>;
    insertWord: Database.Statement<[string, string]>;
    ftsHasTerm: Database.Statement<[string], { rowid: number }>;
    termsIn: Database.Statement<[string], { term: string }>;
    wordsIn: Database.Statement<[string], VocabWord>;
    wordsRange: Database.Statement<[string, string, number, number, number], VocabWord>;
    stats: Database.Statement<[], { documents: number; pages: number }>;
    idRange: Database.Statement<[], { minId: number; maxId: number }>;
  };
  private readonly dynamic = new Map<string, Database.Statement>();
  /** The phrase-in-title matcher of the query running (search_title_has_phrase; queries run one at a time). */
  private titleMatcher: ((title: string) => boolean) | null = null;
  private readonly readonly: boolean;
  /** Words known to be in search_words (bounded cache; a miss just costs an INSERT OR IGNORE). */
  private knownWords = new Set<string>();
  private closed = false;

  constructor(opts: SqliteSearchIndexOptions) {
    if (opts.path !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
    this.readonly = opts.readonly === true;
    this.db = new Database(opts.path, { readonly: this.readonly, fileMustExist: this.readonly });
    this.maxFacetValues = clampInt(opts.maxFacetValues, 100, 1, 10_000);
    this.maxCandidates = clampInt(opts.maxCandidates, 5000, 0, Number.MAX_SAFE_INTEGER);
    this.filterFirstMax = clampInt(opts.filterFirstMaxPages, FILTER_FIRST_MAX_PAGES, 0, 10_000_000);
    try {
      if (this.readonly) {
        const stored = this.db.prepare(`SELECT value FROM search_meta WHERE key = 'schema_version'`).get() as
          | { value: string }
          | undefined;
        if (stored?.value !== SCHEMA_VERSION) throw new Error(`search index ${opts.path} has schema ${stored?.value}, expected ${SCHEMA_VERSION}`);
      }
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('foreign_keys = ON');
      const version = (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
      const [maj = 0, min = 0] = version.split('.').map(Number);
      if (maj < 3 || (maj === 3 && min < 43)) {
        throw new Error(`SQLite ${version} is too old for the search index (FTS5 contentless_delete needs 3.43+)`);
      }
      if (!this.readonly) this.migrateAndCreate();
      const w = opts.weights ?? { title: 5, body: 1, meta: 2 };
      for (const v of [w.title, w.body, w.meta]) if (!Number.isFinite(v) || v < 0) throw new Error('invalid bm25 weight');
      const rank = `bm25(${w.title}, ${w.body}, ${w.meta})`;
      const current = this.db.prepare(`SELECT v FROM search_fts_config WHERE k = 'rank'`).get() as { v: string } | undefined;
      const stored = this.db.prepare(`SELECT value FROM search_meta WHERE key = 'schema_version'`).get() as
        | { value: string }
        | undefined;
      if (!this.readonly && stored !== undefined && stored.value !== SCHEMA_VERSION) {
        throw new Error(`search index schema ${stored.value} is not supported (expected ${SCHEMA_VERSION}): rebuild it`);
      }
      if (!this.readonly && (current?.v !== rank || stored === undefined)) {
        this.db.transaction(() => {
          this.db.prepare(`INSERT INTO search_fts (search_fts, rank) VALUES ('rank', ?)`).run(rank);
          this.db.prepare(`INSERT OR REPLACE INTO search_meta (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
        })();
      }
    } catch (err) {
      this.db.close();
      throw err;
    }
    const db = this.db;
    db.function('search_title_has_phrase', { deterministic: false }, (title: unknown) =>
      typeof title === 'string' && this.titleMatcher?.(title) === true ? 1 : 0,
    );
    this.stmts = {
      selectDocPageIds: db.prepare('SELECT id FROM search_pages WHERE document_id = ?'),
      deleteFts: db.prepare('DELETE FROM search_fts WHERE rowid = ?'),
      deletePages: db.prepare('DELETE FROM search_pages WHERE document_id = ?'),
      deleteText: db.prepare('DELETE FROM search_texts WHERE id = ?'),
      insertText: db.prepare('INSERT INTO search_texts (id, text) VALUES (?, ?)'),
      deleteFacets: db.prepare('DELETE FROM search_facets WHERE id = ?'),
      insertFacets: db.prepare(
        `INSERT INTO search_facets (id, document_id, page, practice, year, comune, procedure_type, document_type,
           titolario_class) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      selectHit: db.prepare(
        `SELECT p.id, p.document_id, p.page, p.title, p.filename, p.year, p.practice, p.document_type, p.procedure_type,
           p.address, p.comune, t.text
         FROM search_pages p JOIN search_texts t ON t.id = p.id WHERE p.id = ?`,
      ),
      deleteDocument: db.prepare('DELETE FROM search_documents WHERE document_id = ?'),
      insertPage: db.prepare(
        `INSERT INTO search_pages (document_id, page, title, filename, year, practice, procedure_type,
           document_type, titolario_class, protocol, address, cadastral, address_key, comune, restricted)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertFts: db.prepare('INSERT INTO search_fts (rowid, title, body, meta) VALUES (?, ?, ?, ?)'),
      upsertDocument: db.prepare('INSERT OR REPLACE INTO search_documents (document_id, pages) VALUES (?, ?)'),
      insertWord: db.prepare('INSERT OR IGNORE INTO search_words (word, term) VALUES (?, ?)'),
      ftsHasTerm: db.prepare('SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT 1'),
      termsIn: db.prepare(
        'SELECT DISTINCT term FROM search_words WHERE term IN (SELECT value FROM json_each(?))',
      ),
      wordsIn: db.prepare('SELECT word, term FROM search_words WHERE word IN (SELECT value FROM json_each(?))'),
      wordsRange: db.prepare(
        'SELECT word, term FROM search_words WHERE word >= ? AND word < ? AND length(word) BETWEEN ? AND ? LIMIT ?',
      ),
      // Two subqueries: min()/max() alone on the primary key are one B-tree seek each; wrapped (coalesce) or
      // combined in one SELECT they become a full scan (measured 60 ms at 1M pages).
      idRange: db.prepare(
        'SELECT coalesce((SELECT min(id) FROM search_pages), 0) AS minId, coalesce((SELECT max(id) FROM search_pages), 0) AS maxId',
      ),
      stats: db.prepare(
        'SELECT (SELECT count(*) FROM search_documents) AS documents, (SELECT count(*) FROM search_pages) AS pages',
      ),
    };
  }

  // ---------------------------------------------------------------- writes

  async upsertDocument(documentId: string, pages: PageEntry[]): Promise<void> {
    await this.upsertDocuments([{ documentId, pages }]);
  }

  /**
   * Several documents in one transaction (not part of the port): for bulk loads and rebuilds. FTS5 writes a new
   * segment per transaction, so one transaction per document spends most of a bulk load merging segments.
   */
  async upsertDocuments(docs: { documentId: string; pages: PageEntry[] }[]): Promise<void> {
    this.assertOpen();
    const prepared = docs.map(({ documentId, pages }) => this.analyseDocument(documentId, pages));
    this.db.transaction(() => {
      for (const d of prepared) this.writeDocument(d);
    })();
    for (const d of prepared) {
      if (this.knownWords.size + d.newWords.size > 500_000) this.knownWords = new Set();
      for (const w of d.newWords.keys()) this.knownWords.add(w);
    }
  }

  private analyseDocument(documentId: string, pages: PageEntry[]) {
    assertPages(documentId, pages);
    // Analyse outside the transaction: it is the CPU-heavy part and needs no lock.
    const newWords = new Map<string, string>();
    const stream = (text: string): string => {
      const out: string[] = [];
      for (const t of analyze(text)) {
        if (t.term === null) continue;
        out.push(t.term);
        if (!this.knownWords.has(t.word)) newWords.set(t.word, t.term);
      }
      return out.join(' ');
    };
    const prepared = pages.map((p) => ({
      p,
      title: stream(p.title ?? ''),
      body: stream(p.text ?? ''),
      meta: stream(metaText(p)),
    }));
    return { documentId, pages, prepared, newWords };
  }

  private writeDocument({ documentId, pages, prepared, newWords }: ReturnType<SqliteSearchIndex['analyseDocument']>): void {
    {
      this.removeDocumentRows(documentId);
      for (const { p, title, body, meta } of prepared) {
        const year = orNull(p.year);
        const practice = p.practice === '' ? null : orNull(p.practice);
        const kinds = [orNull(p.procedureType), orNull(p.documentType), orNull(p.titolarioClass)];
        const comune = pageComune(p);
        const info = this.stmts.insertPage.run(
          documentId,
          p.page,
          p.title ?? '',
          p.filename ?? '',
          year,
          practice,
          ...kinds,
          orNull(p.protocol),
          orNull(p.address),
          orNull(p.cadastral),
          p.address === undefined || p.address === '' ? null : addressKey(p.address),
          comune,
          p.restricted === true ? 1 : 0,
        );
        const id = Number(info.lastInsertRowid);
        this.stmts.insertText.run(id, p.text ?? '');
        this.stmts.insertFacets.run(id, documentId, p.page, practice, year, comune, ...kinds);
        this.stmts.insertFts.run(id, title, body, meta);
      }
      if (pages.length > 0) this.stmts.upsertDocument.run(documentId, pages.length);
      for (const [word, term] of newWords) this.stmts.insertWord.run(word, term);
    }
  }

  async deleteDocument(documentId: string): Promise<void> {
    this.assertOpen();
    this.db.transaction(() => this.removeDocumentRows(documentId))();
  }

  private removeDocumentRows(documentId: string): void {
    for (const { id } of this.stmts.selectDocPageIds.all(documentId)) {
      this.stmts.deleteFts.run(id);
      this.stmts.deleteText.run(id);
      this.stmts.deleteFacets.run(id);
    }
    this.stmts.deletePages.run(documentId);
    this.stmts.deleteDocument.run(documentId);
  }

  // ---------------------------------------------------------------- search

  async search(query: SearchQuery): Promise<SearchResult> {
    this.assertOpen();
    const t0 = performance.now();
    const nq = normaliseQuery(query);
    const { where, params } = filterSql(nq.filters);

    const parsed = parseQuery(nq.q);
    if (parsed.clauses.length === 0 && parsed.hadWords) {
      // Only stop words: nothing is indexed for them.
      const empty: SearchResult = { total: 0, hits: [], facets: emptyFacets(), tookMs: performance.now() - t0 };
      return nq.group ? { ...empty, groups: [], totalGroups: 0 } : empty;
    }
    const scope = this.planScope(nq.fullComuni);
    const compiled = compileQuery(parsed, this.scopedVocabulary(scope));

    // Candidate set: FTS match (ranked) or the filtered pages, minus exclusions.
    const conds = [...where];
    const condParams: unknown[] = [...params];
    if (compiled.exclude !== null) {
      conds.push('p.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)');
      condParams.push(compiled.exclude);
    }
    const counts = FACETS.map(() => new Map<string, number>());
    const add = (i: number, v: string | number | null, c: number): void => {
      if (v === null) return;
      const m = counts[i]!;
      const k = String(v);
      m.set(k, (m.get(k) ?? 0) + c);
    };
    const page =
      compiled.match !== null
        ? this.searchText(nq, compiled.match, compiled.highlight, conds, condParams, scope, add, phrasesOf(parsed))
        : this.searchFiltered(nq, conds, condParams, scope, add);

    const facets: FacetCounts = {};
    FACETS.forEach(([name], i) => {
      const list = [...counts[i]!].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      facets[name] = Object.fromEntries(list.slice(0, this.maxFacetValues));
    });
    const result: SearchResult = { total: page.total, hits: page.hits, facets, tookMs: 0 };
    if (page.groups !== undefined) {
      result.groups = page.groups;
      result.totalGroups = page.totalGroups;
    }
    if (page.approximate) result.approximate = true;
    result.tookMs = performance.now() - t0;
    return result;
  }

  /**
   * Text query. Query planning: FTS5 cost grows with the number of matches (bm25 for every match and one search_pages
   * lookup per match for facets, whatever the page of hits), so matches are read ONCE, newest first (FTS5 walks
   * postings in descending rowid order natively and stops at the LIMIT), with their bm25 rank, at most
   * maxCandidates + 1 of them (filters applied on the way). Up to the cap this is the exact set: total, facets, groups
   * and ranking are exact. Above it only the newest maxCandidates matches are ranked and counted; the total is
   * extrapolated from the share of the page-id range they span, facets are scaled by the same factor, and the result
   * says `approximate: true`. (A rowid-range constraint on FTS5 does not help: measured, it still walks the posting
   * lists from the start, ~4 ms per 100k matches.) What stays proportional to the matches: bm25 needs each term's
   * document frequency, which FTS5 counts by scanning its whole doclist (~20 ms for a term on half of 1M pages), and
   * filters that are checked one match at a time. Pagination stops at the cap: hits beyond the newest maxCandidates
   * candidates are not reachable. Grouping works on the candidates already in memory (one pass, no second query).
   */
  private searchText(
    nq: NormalisedQuery,
    match: string,
    hl: Highlight,
    conds: string[],
    condParams: unknown[],
    scope: ScopePlan,
    add: (i: number, v: string | number | null, c: number) => void,
    phrases: string[][],
  ): ResultPage {
    const cap = this.maxCandidates > 0 ? this.maxCandidates : Number.MAX_SAFE_INTEGER;
    const plan = this.planCandidates(match, conds, condParams, scope, nq.filters);
    if (plan === null) return this.rankCandidates(nq, [], null, cap, hl, add);
    const capped = cap < Number.MAX_SAFE_INTEGER;
    const limit = capped ? ' LIMIT ?' : '';
    const limitArgs = capped ? [cap + 1] : [];
    // A query with a phrase walks unranked first: above the cap the newest candidates are ordered by a proxy
    // (sqlite.search-plan.ts); at most the cap it is ranked as usual.
    const proxy = capped ? phraseTitleMatcher(phrases) : null;
    if (proxy) {
      const ids = this.statement(`SELECT f.rowid FROM ${plan.from} WHERE ${plan.where} ORDER BY f.rowid DESC${limit}`)
        .pluck()
        .all(...plan.args, ...limitArgs) as number[];
      if (ids.length > cap) {
        if (nq.group) return this.rankCandidates(nq, ids.map((id) => [id, 0]), proxy, cap, hl, add);
        // The proxy rank in SQL (proxyRank's arithmetic): only titles that may hold a phrase reach the JS matcher.
        const title = titlePrefilter(phrases);
        const proxied = `SELECT p.id AS id,
            -(CASE WHEN (${title.sql}) AND search_title_has_phrase(p.title) THEN 10 ELSE 1 END) - p.id / (? + 1.0) AS r
          FROM search_pages p WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id DESC LIMIT ?`;
        this.titleMatcher = proxy;
        try {
          return this.summariseCandidates(nq, proxied, [...title.params, ids[0]!, JSON.stringify(ids)], cap, hl, add);
        } finally {
          this.titleMatcher = null;
        }
      }
    }
    // (LIMIT -1: no limit.)
    const ranked = `SELECT f.rowid AS id, f.rank AS r FROM ${plan.from} WHERE ${plan.where}
      ORDER BY f.rowid DESC LIMIT ?`;
    if (!nq.group) return this.summariseCandidates(nq, ranked, plan.args, capped ? cap : -1, hl, add);
    const rows = this.statement(ranked).raw().all(...plan.args, capped ? cap + 1 : -1) as [number, number][];
    return this.rankCandidates(nq, rows, null, cap, hl, add);
  }

  /**
   * A page of ungrouped hits with total and facets, summarised in SQL (candidateSummarySql): facet counts by GROUP BY
   * and the hits by a top-k sort, so that only the page of hits is turned into JS values. Same results as
   * rankCandidates (which groups, and orders by the phrase proxy, in JS).
   */
  private summariseCandidates(
    nq: NormalisedQuery,
    ranked: string,
    args: unknown[],
    cap: number,
    hl: Highlight,
    add: (i: number, v: string | number | null, c: number) => void,
  ): ResultPage {
    // cap -1: no cap (planning off).
    const sql = candidateSummarySql(ranked, FACETS.map(([, col]) => col), nq.sort);
    const rows = this.statement(sql)
      .raw()
      .all(...args, cap < 0 ? -1 : cap + 1, cap, nq.limit, nq.offset) as [number | string, unknown, unknown, unknown][];
    let found = 0;
    let total = 0;
    let oldest = 0;
    for (const [kind, a, b, c] of rows) {
      if (kind === 'n') [found, total, oldest] = [a as number, b as number, (c as number | null) ?? 0];
    }
    let scale = 1;
    const approximate = cap >= 0 && found > cap;
    if (approximate) {
      const range = this.stmts.idRange.get()!;
      const span = Math.max(1, range.maxId - oldest + 1) / Math.max(1, range.maxId - range.minId + 1);
      scale = Math.max(1, 1 / span);
      total = Math.max(total + 1, Math.round(total * scale));
    }
    const hits: SearchHit[] = [];
    for (const [kind, a, b] of rows) {
      if (typeof kind === 'number') {
        const n = b as number;
        add(kind, a as string | number, approximate ? Math.max(n, Math.round(n * scale)) : n);
      } else if (kind === 'h') {
        hits.push(toHit({ ...this.stmts.selectHit.get(a as number)!, score: -(b as number) }, hl));
      }
    }
    return { total, hits, approximate };
  }

  /** Orders, counts and groups candidates read into JS (grouped queries, phrase proxy, planning off). */
  private rankCandidates(
    nq: NormalisedQuery,
    rows: [number, number][],
    proxy: ((title: string) => boolean) | null,
    cap: number,
    hl: Highlight,
    add: (i: number, v: string | number | null, c: number) => void,
  ): ResultPage {
    let approximate = false;
    let scale = 1;
    if (rows.length > cap) {
      approximate = true;
      rows.length = cap;
      const range = this.stmts.idRange.get()!;
      const oldest = rows[rows.length - 1]![0];
      const span = Math.max(1, range.maxId - oldest + 1) / Math.max(1, range.maxId - range.minId + 1);
      scale = Math.max(1, 1 / span);
    }
    // Facet values, document/page (tie-break), practice and year of every candidate, in one pass over search_pages.
    const cands: Candidate[] = [];
    const localCounts = FACETS.map(() => new Map<string | number, number>());
    if (rows.length > 0) {
      const rank = new Map(rows);
      const cols = FACETS.map(([, col]) => `p.${col}`).join(', ');
      // Year and Comune are read once, as facet columns: turning rows into JS values is most of this pass's cost.
      const F = 4; // first facet column
      const yearCol = F + FACETS.findIndex(([, col]) => col === 'year');
      const comuneCol = F + FACETS.findIndex(([, col]) => col === 'comune');
      // The phrase proxy needs titles, which only the wide search_pages rows hold.
      const meta = this.statement(
        `SELECT p.id, p.document_id, p.page, p.practice, ${cols}${proxy ? ', p.title' : ''}
         FROM ${proxy ? 'search_pages' : 'search_facets'} p WHERE p.id IN (SELECT value FROM json_each(?))`,
      );
      const maxId = rows[0]![0];
      for (const row of meta.raw().iterate(JSON.stringify(rows.map((r) => r[0]))) as Iterable<(string | number | null)[]>) {
        const id = row[0] as number;
        cands.push({
          id,
          r: proxy ? proxyRank(proxy(row[F + FACETS.length] as string), id, maxId) : rank.get(id)!,
          doc: row[1] as string,
          page: row[2] as number,
          practice: row[3] as string | null,
          year: row[yearCol] as number | null,
          comune: row[comuneCol] as string,
        });
        for (let i = 0; i < FACETS.length; i++) {
          const v = row[F + i]!;
          if (v !== null) localCounts[i]!.set(v, (localCounts[i]!.get(v) ?? 0) + 1);
        }
      }
    }
    // (A candidate whose search_pages row is missing is skipped.)
    let total = cands.length;
    localCounts.forEach((m, i) => {
      for (const [v, c] of m) add(i, v, approximate ? Math.max(c, Math.round(c * scale)) : c);
    });
    if (approximate) total = Math.max(total + 1, Math.round(total * scale));

    const toHits = (list: Candidate[]): SearchHit[] =>
      list.map((c) => toHit({ ...this.stmts.selectHit.get(c.id)!, score: -c.r }, hl));
    if (!nq.group) {
      if (nq.limit === 0 || nq.offset >= cands.length) return { total, hits: [], approximate };
      cands.sort(candidateOrder(nq.sort));
      return { total, hits: toHits(cands.slice(nq.offset, nq.offset + nq.limit)), approximate };
    }
    cands.sort(candidateOrder(nq.sort));
    const groups = new Map<string, { practice: string | null; comune: string; documentId?: string; members: Candidate[] }>();
    for (const c of cands) {
      const key = groupKey(c.practice, c.doc, c.comune);
      let g = groups.get(key);
      if (g === undefined) {
        g =
          c.practice !== null && c.practice !== ''
            ? { practice: c.practice, comune: c.comune, members: [] }
            : { practice: null, comune: c.comune, documentId: c.doc, members: [] };
        groups.set(key, g);
      }
      g.members.push(c);
    }
    const pageOfGroups = [...groups.values()].slice(nq.offset, nq.offset + nq.limit).map((g) => {
      const out: SearchGroup = {
        practice: g.practice,
        comune: g.comune,
        hits: toHits(g.members.slice(0, nq.hitsPerGroup)),
        total: g.members.length,
      };
      if (g.documentId !== undefined) out.documentId = g.documentId;
      return out;
    });
    return { total, hits: pageOfGroups.flatMap((g) => g.hits), groups: pageOfGroups, totalGroups: groups.size, approximate };
  }

  /**
   * Where the candidate matches come from (searchText reads them newest first, at most cap + 1, with their bm25
   * rank), or null when the filters leave no page. Besides the plain walk, filter-first: when the structured filters
   * leave few pages (bounded count on their indexes), each posting is checked against that small set instead of
   * joining search_pages at every posting (the walk still reads the whole posting list, but ~3× cheaper per posting).
   * With two or more category filters the set is the INTERSECT of their index ranges (categorySetSql).
   */
  private planCandidates(
    match: string,
    conds: string[],
    condParams: unknown[],
    scope: ScopePlan,
    filters: SearchFilters,
  ): { from: string; where: string; args: unknown[] } | null {
    // CROSS JOIN keeps FTS5 as the outer loop: given the (category, year) indexes SQLite may otherwise drive from
    // search_pages and look each page up in FTS5 by rowid, which recounts bm25's frequencies per row (seconds).
    // Without filters, no join unless the scope hides pages (ftsScope).
    const fs = ftsScope(scope);
    const from = conds.length > 0 ? JOIN_PAGES : fs.from;
    const where = ['search_fts MATCH ?', ...conds, ...(conds.length > 0 ? pagesScope(scope) : fs.where)].join(' AND ');
    const args: unknown[] = [match, ...condParams, ...scope.params];
    // The scope is left out of the filter-first estimate: it keeps most pages and has no selective index.
    if (this.filterFirstMax > 0 && filtersIndexable(conds)) {
      // Two or more category filters: the INTERSECT of their index ranges (categorySetSql). (No exclusion here: it is
      // not indexable.)
      const cats = categorySetSql(filters, [], []);
      const pages = cats ? `(${cats.sql})` : `search_pages p WHERE ${conds.join(' AND ')}`;
      const n = this.statement(`SELECT count(*) FROM (SELECT 1 FROM ${pages} LIMIT ${this.filterFirstMax + 1})`)
        .pluck()
        .get(...(cats ? cats.params : condParams)) as number;
      if (n === 0) return null;
      if (n <= this.filterFirstMax) {
        // `+` keeps SQLite from handing the IN list to FTS5 as per-rowid lookups (each one recounts bm25's
        // frequencies): FTS5 walks the postings and each is probed in the small set.
        const set = categorySetSql(filters, pagesScope(scope), scope.params);
        if (set) {
          const where = `search_fts MATCH ? AND +f.rowid IN (${set.sql})`;
          return { from: 'search_fts f', where, args: [match, ...set.params] };
        }
        const inner = [...conds, ...pagesScope(scope)].join(' AND ');
        return {
          from: 'search_fts f',
          where: `search_fts MATCH ? AND +f.rowid IN (SELECT p.id FROM search_pages p WHERE ${inner})`,
          args,
        };
      }
    }
    return { from, where, args };
  }

  /** No text query: counts, facets and groups are GROUP BYs that can walk the filter and facet indexes. */
  private searchFiltered(
    nq: NormalisedQuery,
    filterConds: string[],
    filterParams: unknown[],
    scope: ScopePlan,
    add: (i: number, v: string | number | null, c: number) => void,
  ): ResultPage {
    const from = 'search_pages p';
    // Total and facets of a scope that hides pages: those of the filters (walking their covering indexes) minus those
    // of the hidden pages among them, instead of a page lookup for the scope at every filtered page (measured 4-6×
    // slower for a listing of the whole archive). Hits and groups take the scope as a condition.
    const counted = (where: string[], params: unknown[], sign: 1 | -1, into: Map<string | number, number>[]): number => {
      const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      FACETS.forEach(([, col], i) => {
        const sql = `SELECT p.${col}, count(*) FROM ${from} ${whereSql} GROUP BY p.${col}`;
        for (const [v, c] of this.statement(sql).raw().iterate(...params) as Iterable<[string | number | null, number]>) {
          if (v !== null) into[i]!.set(v, (into[i]!.get(v) ?? 0) + sign * c);
        }
      });
      return sign * (this.statement(`SELECT count(*) FROM ${from} ${whereSql}`).pluck().get(...params) as number);
    };
    const facetCounts = FACETS.map(() => new Map<string | number, number>());
    let total = counted(filterConds, filterParams, 1, facetCounts);
    if (scope.kind === 'visible') {
      total += counted([...filterConds, scope.hidden], [...filterParams, ...scope.params], -1, facetCounts);
    }
    facetCounts.forEach((m, i) => {
      for (const [v, c] of m) if (c > 0) add(i, v, c);
    });
    const conds = [...filterConds, ...pagesScope(scope)];
    const condParams = [...filterParams, ...scope.params];
    const order = PAGE_ORDER[nq.sort];
    const pageIds = (extraWhere: string, extraParams: unknown[], limit: number, offset: number): SearchHit[] => {
      const all = [...conds, ...(extraWhere ? [extraWhere] : [])];
      const sql = `SELECT p.id FROM ${from} ${all.length > 0 ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ? OFFSET ?`;
      const ids = this.statement(sql).raw().all(...condParams, ...extraParams, limit, offset) as [number][];
      return ids.map(([id]) => toHit({ ...this.stmts.selectHit.get(id)!, score: 0 }, null));
    };
    if (!nq.group) {
      const hits = nq.limit > 0 && nq.offset < total ? pageIds('', [], nq.limit, nq.offset) : [];
      return { total, hits, approximate: false };
    }
    // One row per group: practices grouped along the practice index, documents in no practice along the document
    // index (no temporary sort of every page), then the groups ordered. The page of groups carries the group count (a
    // window over the grouped rows), so the grouping runs once; only a page past the end counts separately.
    const and = conds.length > 0 ? ` AND ${conds.join(' AND ')}` : '';
    const grouped = `SELECT p.practice AS practice, p.comune AS comune, min(p.document_id) AS doc, count(*) AS n,
          min(p.year) AS lo, max(p.year) AS hi
        FROM ${from} WHERE p.practice IS NOT NULL${and} GROUP BY p.practice, p.comune
      UNION ALL
      SELECT NULL, min(p.comune), p.document_id, count(*), min(p.year), max(p.year)
        FROM ${from} WHERE p.practice IS NULL${and} GROUP BY p.document_id`;
    const groupParams = [...condParams, ...condParams];
    let totalGroups = 0;
    const groups: SearchGroup[] = [];
    if (nq.limit > 0) {
      const sql = `SELECT practice, comune, doc, n, count(*) OVER () FROM (${grouped}) ORDER BY ${GROUP_ORDER[nq.sort]} LIMIT ? OFFSET ?`;
      const rows = this.statement(sql).raw().all(...groupParams, nq.limit, nq.offset) as [
        string | null,
        string,
        string,
        number,
        number,
      ][];
      for (const [practice, comune, doc, n, all] of rows) {
        totalGroups = all;
        const hits =
          practice !== null
            ? pageIds('p.practice = ? AND p.comune = ?', [practice, comune], nq.hitsPerGroup, 0)
            : pageIds('p.practice IS NULL AND p.document_id = ?', [doc], nq.hitsPerGroup, 0);
        groups.push(
          practice !== null
            ? { practice, comune, hits, total: n }
            : { practice: null, comune, documentId: doc, hits, total: n },
        );
      }
    }
    if (groups.length === 0 && total > 0) {
      totalGroups = this.statement(`SELECT count(*) FROM (${grouped})`).pluck().get(...groupParams) as number;
    }
    return { total, hits: groups.flatMap((g) => g.hits), groups, totalGroups, approximate: false };
  }

  async stats(): Promise<{ documents: number; pages: number }> {
    this.assertOpen();
    const r = this.stmts.stats.get()!;
    return { documents: r.documents, pages: r.pages };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dynamic.clear();
    this.db.close();
  }

  // ---------------------------------------------------------------- maintenance (not part of the port)

  /** Recompute search_words from the stored pages (drops words of deleted pages). Re-analyses every page: offline. */
  rebuildVocabulary(): void {
    this.assertOpen();
    type Row = { id: number; title: string; filename: string; text: string } & Record<string, string | null>;
    const batch = this.db.prepare(
      `SELECT p.id, p.title, p.filename, t.text, p.practice, p.protocol, p.address, p.cadastral
       FROM search_pages p JOIN search_texts t ON t.id = p.id WHERE p.id > ? ORDER BY p.id LIMIT 500`,
    ) as Database.Statement<[number], Row>;
    this.db.transaction(() => {
      this.db.exec('DELETE FROM search_words');
      const seen = new Set<string>();
      // better-sqlite3 cannot write while a statement iterates: read in batches.
      for (let rows = batch.all(0); rows.length > 0; rows = batch.all(rows[rows.length - 1]!.id)) {
        for (const r of rows) {
          const meta = metaText({
            filename: r.filename,
            practice: nn(r.practice), protocol: nn(r.protocol), address: nn(r.address), cadastral: nn(r.cadastral),
          });
          for (const text of [r.title, r.text, meta]) {
            for (const t of analyze(text)) {
              if (t.term === null || seen.has(t.word)) continue;
              seen.add(t.word);
              this.stmts.insertWord.run(t.word, t.term);
            }
          }
        }
      }
    })();
    this.knownWords = new Set();
  }

  /** Merge FTS5 segments (faster queries after bulk loads). */
  optimize(): void {
    this.assertOpen();
    this.db.prepare(`INSERT INTO search_fts (search_fts) VALUES ('optimize')`).run();
  }

  // ---------------------------------------------------------------- internals

  /**
   * Create the schema, or bring an older index up to date one version at a time: 1 → 2 adds and fills
   * search_pages.address_key; 2 → 3 adds comune and restricted with their defaults (DEFAULT_COMUNE_CODE, shared:
   * what pages indexed before the union had; re-indexing, e.g. rebuild, gives them their documents' values).
   */
  private migrateAndCreate(): void {
    this.db.exec(SCHEMA);
    const version = (): string | undefined =>
      (this.db.prepare(`SELECT value FROM search_meta WHERE key = 'schema_version'`).get() as { value: string } | undefined)
        ?.value;
    const setVersion = (v: string): void => {
      this.db.prepare(`UPDATE search_meta SET value = ? WHERE key = 'schema_version'`).run(v);
    };
    const hasColumn = (name: string): boolean =>
      (this.db.prepare(`PRAGMA table_info(search_pages)`).all() as { name: string }[]).some((c) => c.name === name);
    if (!hasColumn('address_key')) {
      if (version() !== undefined && version() !== '1') return; // unknown version: the caller reports it
      this.db.transaction(() => {
        this.db.exec('ALTER TABLE search_pages ADD COLUMN address_key TEXT');
        const rows = this.db.prepare('SELECT id, address FROM search_pages WHERE address IS NOT NULL').all() as {
          id: number;
          address: string;
        }[];
        const upd = this.db.prepare('UPDATE search_pages SET address_key = ? WHERE id = ?');
        for (const r of rows) upd.run(addressKey(r.address), r.id);
        setVersion('2');
      })();
    }
    this.db.exec(SCHEMA_V2_INDEXES);
    const v = version();
    if (v === undefined || v === '2') {
      // Adding a column with a constant default rewrites no row: instant at any size.
      this.db.transaction(() => {
        if (!hasColumn('comune')) {
          this.db.exec(`ALTER TABLE search_pages ADD COLUMN comune TEXT NOT NULL DEFAULT '${DEFAULT_COMUNE_CODE}'`);
        }
        if (!hasColumn('restricted')) this.db.exec('ALTER TABLE search_pages ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0');
        this.db.exec('DROP INDEX IF EXISTS search_pages_practice');
        if (v !== undefined) setVersion('3');
      })();
    }
    if (hasColumn('comune') && hasColumn('restricted')) this.db.exec(SCHEMA_V3_INDEXES);
    if (version() === '3') {
      // 3 → 4: copy the candidate columns of every page (about a second per million pages).
      this.db.transaction(() => {
        this.db.exec(`DELETE FROM search_facets; INSERT INTO search_facets ${FACET_ROW_COPY}`);
        setVersion('4');
      })();
    }
  }

  /** How this search applies the scope: not at all when it hides no page (asked of the (restricted, comune) index). */
  private planScope(fullComuni: string[] | null): ScopePlan {
    if (fullComuni === null) return { kind: 'none', params: [] };
    const { hidden, visible, params } = scopeSql(fullComuni);
    const hides = this.statement(`SELECT 1 FROM search_pages p WHERE ${hidden} LIMIT 1`).get(...params) !== undefined;
    return hides ? { kind: 'visible', cond: visible, hidden, params } : { kind: 'none', params: [] };
  }

  /** The vocabulary, with "does any page hold this term" asked of the pages the scope sees. */
  private scopedVocabulary(scope: ScopePlan): Vocabulary {
    if (scope.kind === 'none') return this.vocabulary;
    const fs = ftsScope(scope);
    const st = this.statement(`SELECT 1 FROM ${fs.from} WHERE ${['search_fts MATCH ?', ...fs.where].join(' AND ')} LIMIT 1`);
    return { ...this.vocabulary, hasTerm: (term) => st.get(ftsString(term), ...scope.params) !== undefined };
  }

  private readonly vocabulary: Vocabulary = {
    hasTerm: (term) => this.stmts.ftsHasTerm.get(ftsString(term)) !== undefined,
    existingTerms: (candidates) =>
      candidates.length === 0 ? [] : this.stmts.termsIn.all(JSON.stringify(candidates)).map((r) => r.term),
    knownWords: (candidates) => (candidates.length === 0 ? [] : this.stmts.wordsIn.all(JSON.stringify(candidates))),
    wordsWithPrefix: (prefix, minLen, maxLen, limit) =>
      this.stmts.wordsRange.all(prefix, prefix + '\u{10FFFF}', minLen, maxLen, limit),
  };

  private statement(sql: string): Database.Statement {
    let st = this.dynamic.get(sql);
    if (st === undefined) {
      st = this.db.prepare(sql);
      if (this.dynamic.size >= 256) this.dynamic.clear();
      this.dynamic.set(sql, st);
    }
    return st;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('search index is closed');
  }
}

/** Copies search_pages rows into search_facets (append a WHERE on search_pages to copy some). */
const FACET_ROW_COPY = `(id, document_id, page, practice, year, comune, procedure_type, document_type, titolario_class)
  SELECT id, document_id, page, practice, year, comune, procedure_type, document_type, titolario_class FROM search_pages`;

const JOIN_PAGES = 'search_fts f CROSS JOIN search_pages p ON p.id = f.rowid';

/** The scope's conditions over search_pages `p` (their parameters: scope.params). */
function pagesScope(scope: ScopePlan): string[] {
  return scope.kind === 'visible' ? [scope.cond] : [];
}

/** The scope over FTS matches: a scope that hides pages needs each match's page. */
function ftsScope(scope: ScopePlan): { from: string; where: string[] } {
  return scope.kind === 'visible' ? { from: JOIN_PAGES, where: [scope.cond] } : { from: 'search_fts f', where: [] };
}

/** The phrases (as index terms) the query requires: the positive clauses' phrase atoms. */
function phrasesOf(parsed: ParsedQuery): string[][] {
  return parsed.clauses.filter((c) => !c.negated).flatMap((c) => c.atoms.flatMap((a) => (a.kind === 'phrase' ? [a.terms] : [])));
}

function emptyFacets(): FacetCounts {
  return Object.fromEntries(FACETS.map(([name]) => [name, {}]));
}


function toHit(r: PageRow, hl: Highlight | null): SearchHit {
  return {
    documentId: r.document_id,
    page: r.page,
    title: r.title,
    filename: r.filename,
    practice: nn(r.practice),
    year: nn(r.year),
    documentType: nn(r.document_type),
    procedureType: nn(r.procedure_type),
    address: nn(r.address),
    comune: r.comune,
    snippet: makeSnippet(r.text, hl),
    score: r.score ?? 0,
  };
}

export function createSqliteSearchIndex(opts: SqliteSearchIndexOptions): SqliteSearchIndex {
  return new SqliteSearchIndex(opts);
}

