// SearchIndex on a Meilisearch server: one Meilisearch document per page (Meilisearch indexes at most 65,535 word
// positions per attribute, so a whole long document would lose its tail), the document's metadata copied on each
// page for filters, facets and grouping. Settings (meili.settings.ts) are applied when the index is first used,
// only where they differ. Every write waits for its task, so a search after a write sees it.
//
// Grouping by practice uses Meilisearch's `distinct` search parameter on `groupKey` (Comune and practice, or document
// when there is none): the distinct query pages over groups with an exact group count (page mode), ordered by each
// group's best page; one multi-search then fetches each returned group's best pages and page count. Two round trips
// whatever the number of matches, instead of grouping a bounded window of hits on our side (which would miss groups
// whose pages all rank beyond the window).
//
// Differences from the embedded engine, by design of Meilisearch: no Italian stemming (inflections match through typo
// tolerance and prefix search on the last word only), no OR operator (alternatives relax matching to
// matchingStrategy 'last'), and counts above pagination.maxTotalHits are flagged approximate.
//
// Tenant scope: every query of a search (pages, groups, group members, counts and facets) carries the scope clause
// (scopeExpression), so a page the scope may not see is never matched nor counted. Pages written before the union
// (no comune/restricted attributes, groupKey without the Comune) read as shared pages of DEFAULT_COMUNE_CODE and
// group apart from re-indexed pages of the same practice: rebuild the index after the upgrade.
import { MeiliClient, MeiliError } from './meili.client.ts';
import {
  FACET_NAMES,
  filterExpression,
  HIGHLIGHT_POST,
  HIGHLIGHT_PRE,
  meiliQueryString,
  meiliSort,
  pageWindow,
  quoteFilterValue,
  scopeExpression,
  toFacetCounts,
  toMeiliDocuments,
  toSearchGroup,
  toSearchHit,
  type MeiliSearchResponse,
} from './meili.mapping.ts';
import { parseMeiliOptions, type MeiliOptions, type MeiliOptionsInput } from './meili.options.ts';
import { meiliSettings, settingsPatch } from './meili.settings.ts';
import { parseQuery } from './query-parser.ts';
import type { PageEntry, SearchIndex, SearchQuery, SearchResult } from './search-index.ts';
import { assertPages, normaliseQuery, type NormalisedQuery } from './search-query.ts';

/** Words of the snippet window (the embedded engine shows 30). */
const CROP_WORDS = 30;
const HIT_ATTRIBUTES = [
  'documentId',
  'page',
  'title',
  'filename',
  'practice',
  'year',
  'documentType',
  'procedureType',
  'address',
  'comune',
  'text',
];

type SearchParams = Record<string, unknown>;

export class MeiliSearchIndex implements SearchIndex {
  readonly client: MeiliClient;
  readonly uid: string;
  private readonly opts: MeiliOptions;
  private ready: Promise<void> | null = null;
  private closed = false;
  private lastRev = 0;

  constructor(opts: MeiliOptions) {
    this.opts = opts;
    this.uid = opts.index;
    this.client = new MeiliClient({
      url: opts.url,
      apiKey: opts.apiKey,
      timeoutMs: opts.timeoutMs,
      taskTimeoutMs: opts.taskTimeoutMs,
    });
  }

  /** Create the index when missing and bring its settings up to date. Runs once; a failure is retried on next use. */
  open(): Promise<void> {
    this.assertOpen();
    this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async prepare(): Promise<void> {
    try {
      await this.client.request('GET', `/indexes/${this.uid}`);
    } catch (err) {
      if (!(err instanceof MeiliError && err.code === 'index_not_found')) throw err;
      try {
        await this.client.task('POST', '/indexes', { uid: this.uid, primaryKey: 'id' });
      } catch (e) {
        if (!(e instanceof MeiliError && e.code === 'index_already_exists')) throw e; // another process won the race
      }
    }
    const current = await this.client.request<Record<string, unknown>>('GET', `/indexes/${this.uid}/settings`);
    const patch = settingsPatch(current, meiliSettings(this.opts));
    if (patch !== null) await this.client.task('PATCH', `/indexes/${this.uid}/settings`, patch);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Pages are added or replaced first, then the document's pages of older revisions are deleted: searches never see
   * the document missing. A failed add (one task) writes nothing and leaves the previous pages in place.
   */
  async upsertDocument(documentId: string, pages: PageEntry[]): Promise<void> {
    assertPages(documentId, pages);
    await this.open();
    if (pages.length === 0) return this.deleteDocument(documentId);
    const rev = this.nextRev();
    await this.client.task('POST', `/indexes/${this.uid}/documents`, toMeiliDocuments(documentId, pages, rev));
    await this.client.task('POST', `/indexes/${this.uid}/documents/delete`, {
      filter: `documentId = ${quoteFilterValue(documentId)} AND rev < ${rev}`,
    });
  }

  async deleteDocument(documentId: string): Promise<void> {
    await this.open();
    await this.client.task('POST', `/indexes/${this.uid}/documents/delete`, {
      filter: `documentId = ${quoteFilterValue(documentId)}`,
    });
  }

  /** Increasing across calls (and, via the clock, across processes writing one after another). */
  private nextRev(): number {
    this.lastRev = Math.max(this.lastRev + 1, Date.now() * 1000);
    return this.lastRev;
  }

  // ---------------------------------------------------------------- search

  async search(query: SearchQuery): Promise<SearchResult> {
    const t0 = performance.now();
    const nq = normaliseQuery(query);
    await this.open();
    const parsed = parseQuery(nq.q);
    if (parsed.clauses.length === 0 && parsed.hadWords) {
      // Only stop words: the embedded engine finds nothing for them, and neither should this one.
      const empty: SearchResult = {
        total: 0,
        hits: [],
        facets: toFacetCounts(undefined, this.opts.maxFacetValues),
        tookMs: 0,
      };
      if (nq.group) Object.assign(empty, { groups: [], totalGroups: 0 });
      empty.tookMs = performance.now() - t0;
      return empty;
    }
    const result = nq.group ? await this.searchGroups(nq) : await this.searchPages(nq);
    if (result.total >= this.opts.maxTotalHits) result.approximate = true;
    result.tookMs = performance.now() - t0;
    return result;
  }

  /** What every query of one search shares: text, filter, matching strategy, sort. */
  private baseParams(nq: NormalisedQuery, extraFilter: string[] = []): SearchParams {
    const { q, anyWord } = meiliQueryString(nq.q);
    const params: SearchParams = { indexUid: this.uid, q, matchingStrategy: anyWord ? 'last' : 'all' };
    const scope = scopeExpression(nq.fullComuni);
    const filter = filterExpression(nq.filters, scope !== undefined ? [scope, ...extraFilter] : extraFilter);
    if (filter !== undefined) params.filter = filter;
    const sort = meiliSort(nq.sort, q.trim() === '');
    if (sort !== undefined) params.sort = sort;
    return params;
  }

  private hitParams(): SearchParams {
    return {
      attributesToRetrieve: HIT_ATTRIBUTES,
      attributesToCrop: ['text'],
      cropLength: CROP_WORDS,
      cropMarker: '…',
      attributesToHighlight: ['text'],
      highlightPreTag: HIGHLIGHT_PRE,
      highlightPostTag: HIGHLIGHT_POST,
      showRankingScore: true,
    };
  }

  private async multiSearch(queries: SearchParams[]): Promise<MeiliSearchResponse[]> {
    if (queries.length === 0) return [];
    return (await this.client.request<{ results: MeiliSearchResponse[] }>('POST', '/multi-search', { queries }))
      .results;
  }

  private async searchPages(nq: NormalisedQuery): Promise<SearchResult> {
    const win = pageWindow(nq.offset, nq.limit);
    const [res] = await this.multiSearch([
      {
        ...this.baseParams(nq),
        ...this.hitParams(),
        page: win.page,
        hitsPerPage: win.hitsPerPage,
        facets: [...FACET_NAMES],
      },
    ]);
    return {
      total: res!.totalHits ?? res!.estimatedTotalHits ?? 0,
      hits: res!.hits.slice(win.skip, win.skip + nq.limit).map(toSearchHit),
      facets: toFacetCounts(res!.facetDistribution, this.opts.maxFacetValues),
      tookMs: 0,
    };
  }

  private async searchGroups(nq: NormalisedQuery): Promise<SearchResult> {
    const win = pageWindow(nq.offset, nq.limit);
    const [groupsRes, countsRes] = await this.multiSearch([
      {
        ...this.baseParams(nq),
        distinct: 'groupKey',
        attributesToRetrieve: ['documentId', 'practice', 'comune', 'groupKey'],
        page: win.page,
        hitsPerPage: win.hitsPerPage,
      },
      { ...this.baseParams(nq), page: 1, hitsPerPage: 0, facets: [...FACET_NAMES] },
    ]);
    const best = groupsRes!.hits.slice(win.skip, win.skip + nq.limit);
    const members = await this.multiSearch(
      best.map((h) => ({
        ...this.baseParams(nq, [`groupKey = ${quoteFilterValue(h.groupKey ?? '')}`]),
        ...this.hitParams(),
        page: 1,
        hitsPerPage: nq.hitsPerGroup,
      })),
    );
    const groups = best.map((h, i) => toSearchGroup(h, members[i]!));
    return {
      total: countsRes!.totalHits ?? countsRes!.estimatedTotalHits ?? 0,
      hits: groups.flatMap((g) => g.hits),
      groups,
      totalGroups: groupsRes!.totalHits ?? groupsRes!.estimatedTotalHits ?? 0,
      facets: toFacetCounts(countsRes!.facetDistribution, this.opts.maxFacetValues),
      tookMs: 0,
    };
  }

  // ---------------------------------------------------------------- other

  async stats(): Promise<{ documents: number; pages: number }> {
    await this.open();
    const s = await this.client.request<{ numberOfDocuments: number }>('GET', `/indexes/${this.uid}/stats`);
    // One page per document carries docHead; the documents route counts filtered documents exactly.
    const heads = await this.client.request<{ total: number }>('POST', `/indexes/${this.uid}/documents/fetch`, {
      filter: 'docHead = true',
      limit: 1,
      fields: ['id'],
    });
    return { documents: heads.total, pages: s.numberOfDocuments };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Delete the whole index (tests, rebuilds). */
  async dropIndex(): Promise<void> {
    try {
      await this.client.task('DELETE', `/indexes/${this.uid}`);
    } catch (err) {
      if (!(err instanceof MeiliError && err.code === 'index_not_found')) throw err;
    }
    this.ready = null;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('search index is closed');
  }
}

/** The adapter; the index and its settings are prepared on first use (or call open()). */
export function createMeiliSearchIndex(opts: MeiliOptionsInput | MeiliOptions): MeiliSearchIndex {
  return new MeiliSearchIndex(parseMeiliOptions(opts));
}

export async function openMeiliSearchIndex(opts: MeiliOptionsInput | MeiliOptions): Promise<MeiliSearchIndex> {
  const index = createMeiliSearchIndex(opts);
  await index.open();
  return index;
}
