import { describe, expect, it } from 'vitest';
import type { PageEntry } from '../../src/index/search-index.ts';
import { createSqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { phraseTitleMatcher } from '../../src/index/sqlite.search-plan.ts';

// Query plans of the embedded index (sqlite.search-plan.ts): filter-first must return exactly what the join plan
// returns; a phrase above the candidate cap is read unranked and ordered by the title proxy, flagged approximate.

const PROCS = ['scia', 'cila', 'dia', 'condono'];

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

  it('matches a phrase in a title across stop words and inflections', () => {
    const m = phraseTitleMatcher([['permess', 'costru']])!;
    expect(m('Richiesta di PERMESSO DI COSTRUIRE n. 3')).toBe(true);
    expect(m('Permessi per costruzioni')).toBe(true);
    expect(m('Costruire senza permesso')).toBe(false);
    expect(m('Il permesso fu negato; si decise di non costruire più')).toBe(false);
    expect(phraseTitleMatcher([])).toBeNull();
  });
});
