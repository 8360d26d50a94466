// The Meilisearch adapter's pure parts: settings, settings diff, filter and query strings, paging window, page
// documents, and the mapping of recorded Meilisearch response shapes (the search API's documented format) to hits,
// snippets, facets and groups. The adapter's HTTP exchange is covered by the contract suite when MEILI_URL is set.
import { describe, expect, it } from 'vitest';
import { ITALIAN_STOP_WORDS } from '../../src/index/italian-text.ts';
import { MeiliClient, MeiliError } from '../../src/index/meili.client.ts';
import {
  addressPrefixes,
  filterExpression,
  meiliPageId,
  meiliQueryString,
  meiliSort,
  pageWindow,
  quoteFilterValue,
  scopeExpression,
  snippetFromFormatted,
  toFacetCounts,
  toMeiliDocuments,
  toSearchGroup,
  toSearchHit,
  type MeiliSearchResponse,
} from '../../src/index/meili.mapping.ts';
import { parseMeiliOptions } from '../../src/index/meili.options.ts';
import { createMeiliSearchIndex } from '../../src/index/meili.search-index.ts';
import { meiliSettings, settingsPatch } from '../../src/index/meili.settings.ts';
import { normaliseQuery } from '../../src/index/search-query.ts';
import type { TenantScope } from '../../src/tenancy/tenant-scope.ts';

const settings = meiliSettings({ maxTotalHits: 10_000, maxFacetValues: 100 });

/** Settings of a new Meilisearch 1.x index, as GET /indexes/:uid/settings returns them. */
const FRESH_INDEX_SETTINGS = {
  displayedAttributes: ['*'],
  searchableAttributes: ['*'],
  filterableAttributes: [],
  sortableAttributes: [],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  stopWords: [],
  nonSeparatorTokens: [],
  separatorTokens: [],
  dictionary: [],
  synonyms: {},
  distinctAttribute: null,
  proximityPrecision: 'byWord',
  typoTolerance: {
    enabled: true,
    minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    disableOnWords: [],
    disableOnAttributes: [],
  },
  faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'alpha' } },
  pagination: { maxTotalHits: 1000 },
  searchCutoffMs: null,
};

describe('Meilisearch index settings', () => {
  it('ranks title over subject over body text, with the Italian stop words and typo bounds of the embedded engine', () => {
    expect(settings.searchableAttributes.slice(0, 3)).toEqual(['title', 'subject', 'text']);
    expect(settings.stopWords).toEqual([...ITALIAN_STOP_WORDS].sort());
    expect(settings.stopWords).toContain('della');
    expect(settings.typoTolerance.minWordSizeForTypos).toEqual({ oneTypo: 5, twoTypos: 9 });
    expect(settings.pagination.maxTotalHits).toBe(10_000);
    expect(settings.rankingRules[0]).toBe('sort');
  });

  it('makes filterable every attribute a filter, a delete or grouping uses, and sortable every sort key', () => {
    const filter = filterExpression(
      {
        yearFrom: 1,
        yearTo: 2,
        practice: 'p',
        procedureType: 'x',
        documentType: 'd',
        titolarioClass: 't',
        protocol: '1/2',
        address: 'via roma',
        foglio: 1,
        mappale: 2,
        subalterno: 3,
        comuni: ['A'],
      },
      ['groupKey = "p:x"', 'documentId = "a" AND rev < 5', 'docHead = true', scopeExpression(['A'])!],
    )!;
    const attributes = new Set(
      [...filter.matchAll(/([A-Za-z]+) (?:=|!=|>=|<=|<|NOT EXISTS|IN \[)/g)].map((m) => m[1]!),
    );
    expect([...attributes]).toEqual(expect.arrayContaining(['comune', 'restricted']));
    for (const a of attributes) expect(settings.filterableAttributes).toContain(a);
    for (const s of [...meiliSort('year_desc', true)!, ...meiliSort('year_asc', false)!]) {
      expect(settings.sortableAttributes).toContain(s.split(':')[0]);
    }
  });

  it('patches a fresh index with what differs only, and nothing once applied (whatever order Meilisearch returns)', () => {
    const patch = settingsPatch(FRESH_INDEX_SETTINGS, settings)!;
    expect(Object.keys(patch).sort()).toEqual(
      [
        'faceting',
        'filterableAttributes',
        'pagination',
        'rankingRules',
        'searchableAttributes',
        'sortableAttributes',
        'stopWords',
      ].sort(),
    );
    const applied = {
      ...FRESH_INDEX_SETTINGS,
      ...patch,
      stopWords: [...settings.stopWords].reverse(),
      filterableAttributes: [...settings.filterableAttributes].sort(),
    };
    expect(settingsPatch(applied, settings)).toBeNull();
    expect(settingsPatch({ ...applied, searchableAttributes: ['subject', 'title', 'text', 'meta'] }, settings)).toEqual(
      {
        searchableAttributes: settings.searchableAttributes,
      },
    );
    // An index prepared before the union gains the tenancy attributes (Meilisearch re-indexes them).
    const beforeUnion = applied.filterableAttributes.filter((a) => a !== 'comune' && a !== 'restricted');
    expect(settingsPatch({ ...applied, filterableAttributes: beforeUnion }, settings)).toEqual({
      filterableAttributes: settings.filterableAttributes,
    });
    expect(settingsPatch({ ...applied, pagination: { maxTotalHits: 1000 } }, settings)).toEqual({
      pagination: { maxTotalHits: 10_000 },
    });
  });
});

describe('Meilisearch filters', () => {
  it('quotes values and escapes quotes, backslashes and control characters', () => {
    expect(quoteFilterValue('PE 123/1987')).toBe('"PE 123/1987"');
    expect(quoteFilterValue('PE "3"/2010 \\')).toBe('"PE \\"3\\"/2010 \\\\"');
    expect(quoteFilterValue('a\nb\u0000"')).toBe('"ab\\""');
    expect(filterExpression({ practice: '" OR documentId EXISTS OR practice = "' })).toBe(
      'practice = "\\" OR documentId EXISTS OR practice = \\""',
    );
  });

  it('writes years, exact fields, street prefixes and cadastral units like the embedded engine filters them', () => {
    expect(filterExpression({})).toBeUndefined();
    expect(filterExpression({ yearFrom: 1980.7, yearTo: Number.NaN, protocol: '4512/1987' })).toBe(
      'year >= 1980 AND protocol = "4512/1987"',
    );
    expect(filterExpression({ address: 'Località Cà Bianca, 4' })).toBe('addressPrefixes = "localita ca bianca 4"');
    expect(filterExpression({ address: ' ,, ' })).toBeUndefined();
    expect(filterExpression({ foglio: 12, mappale: 345, subalterno: 6 })).toBe(
      'foglio = 12 AND mappale = 345 AND (subalterno = 6 OR subalterno NOT EXISTS)',
    );
    expect(filterExpression({ foglio: 12, subalterno: 6 })).toBe('foglio = 12');
    expect(filterExpression({ foglio: 0, mappale: 2.5 })).toBeUndefined();
    expect(filterExpression({ documentType: 'domanda' }, ['groupKey = "d:x"'])).toBe(
      'documentType = "domanda" AND groupKey = "d:x"',
    );
  });

  it('filters by any of the Comuni asked, quoted', () => {
    expect(filterExpression({ comuni: ['E730', 'A547'] })).toBe('comune IN ["A547", "E730"]');
    expect(filterExpression({ comuni: ['E730', 'E730', ' ', ''] })).toBe('comune IN ["E730"]');
    expect(filterExpression({ comuni: [] })).toBeUndefined();
    expect(filterExpression({ comuni: ['x" OR restricted = true OR comune = "y'] })).toBe(
      'comune IN ["x\\" OR restricted = true OR comune = \\"y"]',
    );
    expect(filterExpression({ yearFrom: 2000, comuni: ['E730'] }, ['groupKey = "d:x"'])).toBe(
      'year >= 2000 AND comune IN ["E730"] AND groupKey = "d:x"',
    );
  });

  it('writes the tenant scope: shared pages of every Comune, restricted pages of the full Comuni only', () => {
    expect(scopeExpression(null)).toBeUndefined();
    expect(scopeExpression([])).toBe('restricted != true');
    expect(scopeExpression(['A547', 'E730'])).toBe('(restricted != true OR comune IN ["A547", "E730"])');
    expect(scopeExpression(['"'])).toBe('(restricted != true OR comune IN ["\\""])');
  });

  it('passes the scope of the query to every search it sends', () => {
    const nq = (scope: unknown) => normaliseQuery({ q: 'x', scope: scope as TenantScope }).fullComuni;
    expect(nq(undefined)).toBeNull();
    expect(nq({ full: '*' })).toBeNull();
    expect(nq({ full: ['E730', 'A547', 'E730'] })).toEqual(['A547', 'E730']);
    // A malformed scope sees no restricted page.
    for (const bad of [null, {}, { full: 'E730' }, { full: [1, 2] }]) expect(nq(bad), JSON.stringify(bad)).toEqual([]);
  });

  it('stores every word-boundary prefix of the address', () => {
    expect(addressPrefixes('Via Roma 12/A')).toEqual(['via', 'via roma', 'via roma 12/a']);
    expect(addressPrefixes('')).toBeUndefined();
  });
});

describe('Meilisearch query string', () => {
  it('keeps phrases and exclusions, turns NOT into -, drops * and AND, and flags OR', () => {
    expect(meiliQueryString('ristruttura*')).toEqual({ q: 'ristruttura', anyWord: false });
    expect(meiliQueryString('ristrutturazioni -licenza NOT condono')).toEqual({
      q: 'ristrutturazioni -licenza -condono',
      anyWord: false,
    });
    expect(meiliQueryString('«via  roma» AND -"piano terra"')).toEqual({
      q: '"via roma" -"piano terra"',
      anyWord: false,
    });
    expect(meiliQueryString('condono OR agibilità')).toEqual({ q: 'condono agibilità', anyWord: true });
    expect(meiliQueryString('"unterminated phrase').q).toBe('"unterminated phrase"');
    expect(meiliQueryString('  ').q).toBe('');
  });

  it('never leaves an unbalanced quote, whatever is typed', () => {
    const pieces = ['"', '“', '»', '-', '*', ' ', 'OR', 'NOT', 'a', 'è', '\\', '(', '😀'];
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      let s = '';
      for (let j = 0; j < 1 + Math.floor(rnd() * 10); j++) s += pieces[Math.floor(rnd() * pieces.length)];
      const { q } = meiliQueryString(s);
      expect((q.match(/"/g) ?? []).length % 2, s).toBe(0);
      expect(q, s).not.toMatch(/""/);
    }
  });

  it('sorts by year when asked and by document/page without text', () => {
    expect(meiliSort('relevance', false)).toBeUndefined();
    expect(meiliSort('relevance', true)).toEqual(['documentId:asc', 'page:asc']);
    expect(meiliSort('year_desc', false)).toEqual(['year:desc']);
    expect(meiliSort('year_asc', true)).toEqual(['year:asc', 'documentId:asc', 'page:asc']);
  });
});

describe('Meilisearch paging window', () => {
  it('uses the UI page when aligned and the smallest covering page otherwise', () => {
    expect(pageWindow(40, 20)).toEqual({ page: 3, hitsPerPage: 20, skip: 0 });
    expect(pageWindow(5, 20)).toEqual({ page: 1, hitsPerPage: 25, skip: 5 });
    expect(pageWindow(7, 0)).toEqual({ page: 1, hitsPerPage: 0, skip: 0 });
    for (let offset = 0; offset < 300; offset += 7) {
      for (const limit of [1, 2, 3, 10, 20, 100]) {
        const w = pageWindow(offset, limit);
        const start = (w.page - 1) * w.hitsPerPage;
        expect(start + w.skip).toBe(offset);
        expect(offset + limit).toBeLessThanOrEqual(start + w.hitsPerPage);
        expect(w.hitsPerPage).toBeLessThanOrEqual(offset + limit);
      }
    }
  });
});

describe('Meilisearch page documents', () => {
  it('gives each page a valid, distinct id', () => {
    const ids = ['pe-1987-123', 'a_b', 'a/b', 'a_2fb', 'città', 'x'.repeat(600), 'y'.repeat(600)].map((d) =>
      meiliPageId(d, 3),
    );
    expect(ids[0]).toBe('pe-1987-123-p3');
    expect(ids[1]).toBe('a_5fb-p3');
    expect(ids[2]).toBe('a_2fb-p3');
    expect(ids[4]).toBe('citt_c3_a0-p3');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,511}$/);
  });

  it('copies the metadata onto every page, with grouping key, filter fields and one head page', () => {
    const docs = toMeiliDocuments(
      'pe-1',
      [
        {
          documentId: 'pe-1',
          page: 2,
          text: 'seconda \uE000pagina\uE001',
          title: 'T',
          filename: 'a.pdf',
          practice: 'PE 1/1990',
          address: 'Via Roma 12',
          cadastral: 'F12 M345 S6',
          year: 1990,
          comune: 'E730',
          restricted: true,
        },
        {
          documentId: 'pe-1',
          page: 1,
          text: 'prima',
          title: 'T',
          filename: 'a.pdf',
          practice: 'PE 1/1990',
          address: 'Via Roma 12',
          cadastral: 'F12 M345 S6',
          year: 1990,
          comune: 'E730',
          restricted: true,
        },
      ],
      42,
    );
    expect(docs[0]).toMatchObject({
      id: 'pe-1-p2',
      documentId: 'pe-1',
      page: 2,
      groupKey: 'p:E730:PE 1/1990',
      comune: 'E730',
      restricted: true,
      foglio: 12,
      mappale: 345,
      subalterno: 6,
      addressPrefixes: ['via', 'via roma', 'via roma 12'],
      rev: 42,
      docHead: false,
      text: 'seconda pagina',
      year: 1990,
    });
    expect(docs[0]!.meta).toContain('F12 M345 S6');
    expect(docs[1]!.docHead).toBe(true);
    const loose = toMeiliDocuments(
      'n',
      [{ documentId: 'n', page: 1, text: '', title: 'N', filename: 'n.pdf', practice: '', comune: '' }],
      1,
    )[0]!;
    expect(loose.groupKey).toBe('d:n');
    expect(loose).toMatchObject({ comune: 'C000', restricted: false });
    expect(loose).not.toHaveProperty('practice');
    expect(loose).not.toHaveProperty('foglio');
  });
});

/** A page-mode search response as Meilisearch returns it (values in `_formatted` are strings). */
const RECORDED: MeiliSearchResponse = {
  hits: [
    {
      documentId: 'pe-2010-3',
      page: 2,
      title: 'Permesso di costruire PE 3/2010',
      filename: 'PE_3_2010.pdf',
      practice: 'PE 3/2010',
      year: 2010,
      documentType: 'relazione tecnica',
      procedureType: 'permesso di costruire',
      comune: 'E730',
      text: 'Calcoli strutturali <allegato B> & verifiche "sismiche" del solaio. Il tecnico incaricato …',
      _formatted: {
        text: 'Calcoli strutturali <allegato B> & verifiche "sismiche" del \uE000solaio\uE001.\n Il tecnico…',
      },
      _rankingScore: 0.9848484848484849,
    },
    {
      documentId: 'nota-2001',
      page: 1,
      title: 'Nota senza pratica',
      filename: 'nota.pdf',
      year: 2001,
      groupKey: 'd:nota-2001',
      _formatted: { text: '…nota di trasmissione al \uE000\uE001tecnico' },
      _rankingScore: 0.5,
    },
  ],
  hitsPerPage: 20,
  page: 1,
  totalPages: 1,
  totalHits: 2,
  facetDistribution: {
    year: { '2001': 1, '2010': 4 },
    documentType: { 'relazione tecnica': 1, domanda: 3 },
    titolarioClass: {},
  },
  processingTimeMs: 1,
} as MeiliSearchResponse;

describe('Meilisearch responses', () => {
  it('maps a hit: fields, score, and a snippet escaped with <mark> on the highlighted words only', () => {
    const hit = toSearchHit(RECORDED.hits[0]!);
    expect(hit).toMatchObject({
      documentId: 'pe-2010-3',
      page: 2,
      practice: 'PE 3/2010',
      year: 2010,
      documentType: 'relazione tecnica',
      procedureType: 'permesso di costruire',
      comune: 'E730',
      score: 0.9848484848484849,
    });
    // A page written before the union has no comune: the default Comune.
    expect(toSearchHit(RECORDED.hits[1]!).comune).toBe('C000');
    expect(hit.address).toBeUndefined();
    expect(hit.snippet).toBe(
      'Calcoli strutturali &lt;allegato B&gt; &amp; verifiche &quot;sismiche&quot; del <mark>solaio</mark>. Il tecnico…',
    );
    expect(toSearchHit(RECORDED.hits[1]!).snippet).toBe('…nota di trasmissione al tecnico');
    expect(snippetFromFormatted('<script>\uE000x\uE001')).toBe('&lt;script&gt;<mark>x</mark>');
  });

  it('maps facets: every facet present, most frequent first, capped', () => {
    const f = toFacetCounts(RECORDED.facetDistribution, 1);
    expect(Object.keys(f).sort()).toEqual(['comune', 'documentType', 'procedureType', 'titolarioClass', 'year']);
    expect(f.comune).toEqual({});
    expect(toFacetCounts({ comune: { E730: 3, A547: 5 } }, 100).comune).toEqual({ A547: 5, E730: 3 });
    expect(f.year).toEqual({ '2010': 4 });
    expect(f.procedureType).toEqual({});
    // (Integer-like keys keep ascending order in any JS object; the cap keeps the most frequent.)
    expect(Object.keys(toFacetCounts(RECORDED.facetDistribution, 100).documentType!)).toEqual([
      'domanda',
      'relazione tecnica',
    ]);
    expect(toFacetCounts(RECORDED.facetDistribution, 1).documentType).toEqual({ domanda: 3 });
  });

  it('maps a group from its best hit and its own search', () => {
    const practiceGroup = toSearchGroup(RECORDED.hits[0]!, { ...RECORDED, hits: [RECORDED.hits[0]!], totalHits: 7 });
    expect(practiceGroup).toMatchObject({ practice: 'PE 3/2010', comune: 'E730', total: 7 });
    expect(practiceGroup).not.toHaveProperty('documentId');
    expect(practiceGroup.hits[0]!.snippet).toContain('<mark>solaio</mark>');
    const loose = toSearchGroup(RECORDED.hits[1]!, { hits: [RECORDED.hits[1]!], estimatedTotalHits: 1 });
    expect(loose).toMatchObject({ practice: null, comune: 'C000', documentId: 'nota-2001', total: 1 });
  });
});

describe('Meilisearch options and connection', () => {
  it('validates the options and fills defaults', () => {
    expect(parseMeiliOptions({ url: 'http://meili:7700' })).toMatchObject({
      index: 'faldone_pages',
      maxTotalHits: 10_000,
    });
    expect(() => parseMeiliOptions({ url: 'not a url' })).toThrow(/search\.meili\.url/);
    expect(() => parseMeiliOptions({ url: 'http://m', index: 'a b' })).toThrow(/search\.meili\.index/);
  });

  it('fails with a MeiliError when nothing listens, and tries again on the next call', async () => {
    const index = createMeiliSearchIndex({ url: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(index.search({ q: 'x' })).rejects.toBeInstanceOf(MeiliError);
    await expect(index.stats()).rejects.toThrow(/Meilisearch GET \/indexes\/faldone_pages/);
    await index.close();
    await expect(index.search({ q: 'x' })).rejects.toThrow(/closed/);
    await expect(new MeiliClient({ url: 'http://127.0.0.1:9/' }).request('GET', '/health')).rejects.toMatchObject({
      status: 0,
    });
  });
});
