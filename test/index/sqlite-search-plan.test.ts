import { describe, expect, it } from 'vitest';
import type { PageEntry } from '../../src/index/search-index.ts';
import { createSqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { phraseTitleMatcher } from '../../src/index/sqlite.search-plan.ts';

// Query plans of the embedded index (sqlite.search-plan.ts): filter-first must return exactly what the join plan
// returns; a phrase above the candidate cap is read unranked and ordered by the title proxy, flagged approximate.

const PROCS = ['scia', 'cila', 'dia', 'condono'];
const COMUNI = ['A', 'B', 'C'];

function corpus(n: number): { documentId: string; pages: PageEntry[] }[] {
  return Array.from({ length: n }, (_, i) => ({
    documentId: `d${String(i).padStart(4, '0')}`,
    pages: [
      {
        documentId: `d${String(i).padStart(4, '0')}`,
        page: 1,
        title: i % 25 === 0 ? `Permesso di costruire ${i}` : `Pratica ${i}`,
        filename: `d${i}.pdf`,
        year: 1950 + (i % 60),
        procedureType: PROCS[i % PROCS.length]!,
        comune: COMUNI[i % COMUNI.length]!,
        restricted: i % 5 === 0,
        text:
          `Comunicazione di inizio lavori ${i % 3 === 0 ? 'tettoia tettoia tettoia' : 'recinzione'} numero ${i}. ` +
          (i % 2 === 0 ? 'Si richiede il permesso di costruire per le opere descritte.' : 'Opere interne.'),
      },
    ],
  }));
}

describe('filter-first plan', () => {
  it('returns the same total, facets, hits and order as the join plan', async () => {
    const docs = corpus(600);
    const first = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0 });
    const join = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0, filterFirstMaxPages: 0 });
    try {
      await first.upsertDocuments(docs);
      await join.upsertDocuments(docs);
      const cases = [
        { q: 'lavori', filters: { yearFrom: 1970, yearTo: 1980, procedureType: 'scia' } },
        { q: 'tettoia', filters: { procedureType: 'cila' } },
        { q: '"permesso di costruire"', filters: { yearFrom: 2000 } },
        { q: 'tettoia', filters: { procedureType: 'nessuna' } },
      ];
      for (const c of cases) {
        const a = await first.search({ ...c, limit: 50 });
        const b = await join.search({ ...c, limit: 50 });
        const key = (r: typeof a) => r.hits.map((h) => `${h.documentId}/${h.page}:${h.score.toFixed(6)}`);
        expect(a.total, c.q).toBe(b.total);
        expect(key(a), c.q).toEqual(key(b));
        expect(a.facets).toEqual(b.facets);
      }
      const scia = await first.search({
        q: 'lavori',
        filters: { yearFrom: 1970, yearTo: 1980, procedureType: 'scia' },
      });
      expect(scia.total).toBe(
        docs.filter((_, i) => i % 4 === 0 && 1950 + (i % 60) >= 1970 && 1950 + (i % 60) <= 1980).length,
      );
      expect((await first.search({ q: 'tettoia', filters: { procedureType: 'nessuna' } })).total).toBe(0);
      // Only pages that pass the filter, ranked: the triple "tettoia" pages of cila.
      const tett = await first.search({ q: 'tettoia', filters: { procedureType: 'cila' }, limit: 5 });
      expect(tett.hits.every((h) => h.procedureType === 'cila')).toBe(true);
      expect(tett.total).toBe(docs.filter((_, i) => i % 3 === 0 && i % 4 === 1).length);
    } finally {
      await first.close();
      await join.close();
    }
  });
  it('intersects the index ranges of two or more category filters and returns what the join plan returns', async () => {
    const TYPES = ['domanda', 'parere', 'relazione'];
    const CLASSES = ['VI.1', 'VI.2', 'VI.3', 'X.4', 'VI.5'];
    const docs = corpus(600).map((d, i) => ({
      ...d,
      pages: d.pages.map((p) => ({ ...p, documentType: TYPES[i % 3]!, titolarioClass: CLASSES[i % 5]! })),
    }));
    const first = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0 });
    const join = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0, filterFirstMaxPages: 0 });
    try {
      await first.upsertDocuments(docs);
      await join.upsertDocuments(docs);
      const cases = [
        { q: 'lavori', filters: { documentType: 'domanda', titolarioClass: 'VI.2' } },
        { q: 'tettoia', filters: { procedureType: 'cila', documentType: 'parere', yearFrom: 1960, yearTo: 1990 } },
        {
          q: 'lavori',
          filters: { procedureType: 'scia', titolarioClass: 'VI.1', comuni: ['A', 'B'] },
          scope: { full: ['A'] },
        },
        { q: 'lavori', filters: { documentType: 'domanda', titolarioClass: 'nessuna' } },
      ];
      for (const c of cases) {
        const a = await first.search({ ...c, limit: 50 });
        const b = await join.search({ ...c, limit: 50 });
        const key = (r: typeof a) => r.hits.map((h) => `${h.documentId}/${h.page}:${h.score.toFixed(6)}`);
        expect(a.total, JSON.stringify(c)).toBe(b.total);
        expect(key(a), JSON.stringify(c)).toEqual(key(b));
        expect(a.facets).toEqual(b.facets);
      }
      const both = await first.search({
        q: 'lavori',
        filters: { documentType: 'domanda', titolarioClass: 'VI.2' },
        limit: 0,
      });
      expect(both.total).toBe(docs.filter((_, i) => i % 3 === 0 && i % 5 === 1).length);
      const none = await first.search({ q: 'lavori', filters: { documentType: 'domanda', titolarioClass: 'nessuna' } });
      expect(none.total).toBe(0);
    } finally {
      await first.close();
      await join.close();
    }
  });
});

describe('phrase above the candidate cap', () => {
  it('ranks the newest candidates with the phrase in the title first, then newest first, flagged approximate', async () => {
    const docs = corpus(600);
    const index = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 40 });
    const exact = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0 });
    try {
      await index.upsertDocuments(docs);
      await exact.upsertDocuments(docs);
      const r = await index.search({ q: '"permesso di costruire"', limit: 10 });
      const all = await exact.search({ q: '"permesso di costruire"', limit: 1 });
      expect(r.approximate).toBe(true);
      expect(all.approximate).toBeUndefined();
      expect(all.total).toBe(312); // even pages (text) and the odd multiples of 25 (title)
      expect(r.total).toBeGreaterThan(200);
      expect(r.total).toBeLessThan(400);
      const ids = r.hits.map((h) => Number(h.documentId.slice(1)));
      // The newest 40 matches: 575, 525 and the even pages 598…524; 575, 550 and 525 have the phrase in the title.
      expect(ids.slice(0, 3)).toEqual([575, 550, 525]);
      expect(ids.slice(3)).toEqual([598, 596, 594, 592, 590, 588, 586]);
      expect(r.hits[2]!.score).toBeGreaterThan(r.hits[3]!.score);
      // Below the cap the phrase is ranked by bm25 as before.
      const few = await index.search({ q: '"permesso di costruire"', filters: { yearFrom: 2005 }, limit: 5 });
      expect(few.approximate).toBeUndefined();
      const fewExact = await exact.search({ q: '"permesso di costruire"', filters: { yearFrom: 2005 }, limit: 5 });
      expect(few.hits.map((h) => h.documentId)).toEqual(fewExact.hits.map((h) => h.documentId));
    } finally {
      await index.close();
      await exact.close();
    }
  });

  it('puts titles with accents, dashes or capitals first like plain ones; grouping agrees', async () => {
    // Titles outside plain ASCII reach the JS matcher whatever the SQL pre-filter's LIKEs say.
    const titles: Record<number, string> = {
      590: 'PERMESSI — per COSTRUZIONI',
      580: 'Permèsso di costruìre',
      570: 'Richiesta «permesso di costruire» n° 12',
      560: 'Costruire — senza permesso',
    };
    const docs = corpus(600).map((d, i) => ({
      ...d,
      pages: d.pages.map((p) => ({ ...p, title: titles[i] ?? `Pratica ${i}`, text: `${p.text} permesso di costruire` })),
    }));
    const index = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 40 });
    try {
      await index.upsertDocuments(docs);
      const r = await index.search({ q: '"permesso di costruire"', limit: 5 });
      expect(r.approximate).toBe(true);
      expect(r.hits.map((h) => h.documentId)).toEqual(['d0590', 'd0580', 'd0570', 'd0599', 'd0598']);
      const grouped = await index.search({ q: '"permesso di costruire"', limit: 5, group: 'practice' });
      expect(grouped.hits.map((h) => [h.documentId, h.score])).toEqual(r.hits.map((h) => [h.documentId, h.score]));
      expect([grouped.total, grouped.facets]).toEqual([r.total, r.facets]);
    } finally {
      await index.close();
    }
  });

  it('matches a phrase in a title across stop words and inflections', () => {
    const m = phraseTitleMatcher([['permess', 'costru']])!;
    expect(m('Richiesta di PERMESSO DI COSTRUIRE n. 3')).toBe(true);
    expect(m('Permessi per costruzioni')).toBe(true);
    expect(m('Costruire senza permesso')).toBe(false);
    expect(m('Il permesso fu negato; si decise di non costruire più')).toBe(false);
    expect(phraseTitleMatcher([])).toBeNull();
  });
});

describe('tenant scope plans', () => {
  it('returns the same scoped results with the filter-first and the join plan, and only pages the scope sees', async () => {
    const docs = corpus(600);
    const first = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0 });
    const join = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0, filterFirstMaxPages: 0 });
    const capped = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 40 });
    try {
      for (const index of [first, join, capped]) await index.upsertDocuments(docs);
      const visible = (i: number, full: string[]) => i % 5 !== 0 || full.includes(COMUNI[i % 3]!);
      const cases: { q: string; filters?: Record<string, unknown>; full: string[] }[] = [
        { q: 'lavori', full: [] },
        { q: 'lavori', full: ['A'] },
        { q: 'tettoia', filters: { procedureType: 'cila' }, full: ['B', 'C'] },
        { q: 'lavori', filters: { comuni: ['A', 'B'], yearFrom: 1990 }, full: ['A'] },
        { q: '"permesso di costruire"', full: [] },
        { q: 'lavori -tettoia', full: ['C'] },
        { q: '', filters: { comuni: ['C'] }, full: [] },
        { q: '', full: ['A'] },
      ];
      for (const c of cases) {
        const label = JSON.stringify(c);
        const results = [];
        for (const index of [first, join]) {
          const query = { q: c.q, filters: c.filters, scope: { full: c.full }, limit: 50 };
          const pages = await index.search(query);
          const groups = await index.search({ ...query, group: 'practice' as const, limit: 20 });
          results.push({
            total: pages.total,
            hits: pages.hits.map((h) => `${h.documentId}/${h.page}:${h.score.toFixed(6)}`),
            facets: pages.facets,
            groups: groups.groups!.map((g) => `${g.comune}:${g.practice ?? g.documentId}:${g.total}`),
            totalGroups: groups.totalGroups,
          });
          const ids = pages.hits.map((h) => Number(h.documentId.slice(1)));
          expect(
            ids.every((i) => visible(i, c.full)),
            label,
          ).toBe(true);
        }
        expect(results[1], label).toEqual(results[0]);
        // Above the candidate cap (phrase proxy and plain ranking alike) no hidden page is ranked either.
        const top = await capped.search({ q: c.q, filters: c.filters, scope: { full: c.full }, limit: 50 });
        expect(
          top.hits.every((h) => visible(Number(h.documentId.slice(1)), c.full)),
          label,
        ).toBe(true);
      }
      // Exact counts against the corpus: "lavori" is on every page.
      const staffA = await first.search({ q: 'lavori', scope: { full: ['A'] }, limit: 0 });
      expect(staffA.total).toBe(docs.filter((_, i) => visible(i, ['A'])).length);
      expect(staffA.facets.comune).toEqual({ A: 200, B: 160, C: 160 });
      const pro = await join.search({ q: 'lavori', scope: { full: [] }, limit: 0 });
      expect(pro.total).toBe(480);
      // Without text, total and facets are counted by subtracting the hidden pages: the same numbers.
      const listing = await join.search({ q: '', scope: { full: ['A'] }, limit: 0 });
      expect([listing.total, listing.facets.comune]).toEqual([520, { A: 200, B: 160, C: 160 }]);
      const cila = await first.search({
        q: '',
        filters: { procedureType: 'cila', comuni: ['B'] },
        scope: { full: [] },
      });
      const expected = docs.filter((_, i) => i % 4 === 1 && i % 3 === 1 && visible(i, []));
      expect([cila.total, cila.facets.procedureType, cila.facets.comune]).toEqual([
        expected.length,
        { cila: expected.length },
        { B: expected.length },
      ]);
      // A scope that hides nothing answers exactly as no scope.
      const all = await first.search({ q: 'lavori', limit: 50 });
      const everyComune = await first.search({ q: 'lavori', scope: { full: COMUNI }, limit: 50 });
      expect(everyComune).toEqual({ ...all, tookMs: everyComune.tookMs });
    } finally {
      for (const index of [first, join, capped]) await index.close();
    }
  });

  it('answers the Comuni filter and the count of hidden pages from their indexes', async () => {
    const index = createSqliteSearchIndex({ path: ':memory:' });
    try {
      await index.upsertDocuments(corpus(50));
      const plan = (sql: string) =>
        (index.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(plan(`SELECT 1 FROM search_pages p WHERE p.comune IN ('A', 'B') AND p.year >= 1990`)).toMatch(
        /INDEX search_pages_comune_year/,
      );
      expect(plan(`SELECT 1 FROM search_pages p WHERE p.restricted = 1 AND p.comune NOT IN ('A') LIMIT 1`)).toMatch(
        /INDEX search_pages_restricted/,
      );
      expect(plan(`SELECT 1 FROM search_pages p WHERE p.practice = 'x' AND p.comune = 'A'`)).toMatch(
        /INDEX search_pages_practice_comune/,
      );
    } finally {
      await index.close();
    }
  });
});
