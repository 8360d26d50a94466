// Behaviour every SearchIndex adapter must show, run against each of them (sqlite-search-index.test.ts always,
// meili-search-index.test.ts when MEILI_URL is set). What only the embedded engine does (Italian stemming without
// typos, OR, phrases across stop words) stays in its own test file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageEntry, SearchHit, SearchIndex, SearchResult } from '../../src/index/search-index.ts';
import type { TenantScope } from '../../src/tenancy/tenant-scope.ts';

/** A page's metadata; the Comune defaults to C000 (the single-Comune default union). */
type Meta = Omit<PageEntry, 'documentId' | 'page' | 'text' | 'comune'> & { comune?: string };

export function doc(documentId: string, meta: Meta, texts: string[]): PageEntry[] {
  return texts.map((text, i) => ({ documentId, page: i + 1, text, comune: 'C000', ...meta }));
}

export const FILLER =
  'Il tecnico incaricato dichiara che le opere sono conformi agli strumenti urbanistici vigenti e al regolamento edilizio comunale.';

export const FIXTURE: [string, PageEntry[]][] = [
  [
    'pe-1987-123',
    doc(
      'pe-1987-123',
      {
        title: 'Licenza edilizia PE 123/1987',
        filename: 'PE_123_1987.pdf',
        year: 1987,
        practice: 'PE 123/1987',
        procedureType: 'licenza',
        documentType: 'domanda',
        titolarioClass: '6.3',
        protocol: '4512/1987',
        address: 'Via Roma 12',
        cadastral: 'F12 M345',
      },
      [
        `Domanda di licenza edilizia per la ristrutturazione dell'edificio in Via Roma 12. ${FILLER}`,
        `Il sopralluogo del 12 marzo ha accertato la regolare esecuzione delle opere di consolidamento. ${FILLER}`,
      ],
    ),
  ],
  [
    'pe-1995-77',
    doc(
      'pe-1995-77',
      {
        title: 'Concessione edilizia PE 77/1995',
        filename: 'PE_77_1995.pdf',
        year: 1995,
        practice: 'PE 77/1995',
        procedureType: 'concessione',
        documentType: 'relazione tecnica',
        titolarioClass: '6.3',
        protocol: '991/1995',
      },
      [
        `Relazione tecnica: ampliamento del fabbricato nel centro della città, con nuove ristrutturazioni interne. ${FILLER}`,
      ],
    ),
  ],
  [
    'agi-2004-5',
    doc(
      'agi-2004-5',
      {
        title: 'Certificato di agibilità 5/2004',
        filename: 'AGI_5_2004.pdf',
        year: 2004,
        practice: 'AGI 5/2004',
        procedureType: 'agibilita',
        documentType: 'certificato',
        titolarioClass: '6.4',
        protocol: '120/2004',
      },
      [`Si attesta l'agibilità dell'immobile sito nel centro della citta' ai sensi della normativa vigente. ${FILLER}`],
    ),
  ],
  [
    'cond-1986-9',
    doc(
      'cond-1986-9',
      {
        title: 'Domanda di sanatoria 9/1986',
        filename: 'COND_9_1986.pdf',
        year: 1986,
        practice: 'COND 9/1986',
        procedureType: 'condono',
        documentType: 'domanda',
        titolarioClass: '6.3',
        protocol: '77/1986',
      },
      [`Richiesta ai sensi della legge 47 del 1985 per opere realizzate in difformità. ${FILLER}`],
    ),
  ],
  [
    'pe-2010-3',
    doc(
      'pe-2010-3',
      {
        title: 'Permesso di costruire PE 3/2010',
        filename: 'PE_3_2010.pdf',
        year: 2010,
        practice: 'PE 3/2010',
        procedureType: 'permesso di costruire',
        documentType: 'relazione tecnica',
        titolarioClass: '6.3',
        protocol: '3300/2010',
      },
      [
        `Relazione illustrativa. Si allega la domanda di sanatoria presentata nel 1986 per il solo piano terra. ${FILLER}`,
        `Calcoli strutturali <allegato B> & verifiche "sismiche" del solaio. ${FILLER}`,
      ],
    ),
  ],
];

/** A second document in practice PE 123/1987, and a two-page document in no practice (for grouping). */
export const GROUPING_EXTRA: [string, PageEntry[]][] = [
  [
    'pe-1987-123-tav',
    doc(
      'pe-1987-123-tav',
      {
        title: 'Tavola grafica PE 123/1987',
        filename: 'PE_123_1987_tav.pdf',
        year: 1987,
        practice: 'PE 123/1987',
        documentType: 'elaborato grafico',
      },
      [`Tavola grafica: piante e prospetti dello stato di progetto. ${FILLER}`],
    ),
  ],
  [
    'nota-2001',
    doc('nota-2001', { title: 'Nota senza pratica', filename: 'nota.pdf', year: 2001, documentType: 'nota' }, [
      `Nota di trasmissione degli atti al tecnico comunale. ${FILLER}`,
      `Seconda pagina della nota. ${FILLER}`,
    ]),
  ],
];

/**
 * Two Comuni of a union: practice PE 1/2000 exists in both (keys are unique per Comune), and Comune B holds a
 * restricted document (e.g. a complaint) that only B's staff may see. "zanzibar" (shared, A) and "zanzibor"
 * (restricted, B) are one typo apart.
 */
export const TENANCY: [string, PageEntry[]][] = [
  [
    'a-shared',
    doc(
      'a-shared',
      {
        title: 'Permesso PE 1/2000',
        filename: 'a.pdf',
        year: 2000,
        practice: 'PE 1/2000',
        documentType: 'domanda',
        comune: 'A',
      },
      ['Costruzione di un pergolato in legno nel cortile, via zanzibar.'],
    ),
  ],
  [
    'b-shared',
    doc(
      'b-shared',
      {
        title: 'Permesso PE 1/2000',
        filename: 'b.pdf',
        year: 2000,
        practice: 'PE 1/2000',
        documentType: 'domanda',
        comune: 'B',
      },
      ['Pergolato addossato alla facciata principale.'],
    ),
  ],
  [
    'b-secret',
    doc(
      'b-secret',
      {
        title: 'Esposto riservato',
        filename: 'esposto.pdf',
        year: 2001,
        practice: 'PE 9/2001',
        documentType: 'esposto',
        comune: 'B',
        restricted: true,
      },
      ['Querela del vicino per il pergolato abusivo di via zanzibor.', 'Seconda pagina della querela.'],
    ),
  ],
];

export interface ContractWorld {
  index: SearchIndex;
  cleanup(): Promise<void>;
}

const ref = (h: SearchHit): string => `${h.documentId}#${h.page}`;

function expectYearOrder(years: (number | undefined)[], dir: 1 | -1): void {
  const known = years.filter((y): y is number => y !== undefined);
  expect(years.slice(0, known.length)).toEqual(known); // pages without a year come last
  for (let i = 1; i < known.length; i++) expect(dir * (known[i]! - known[i - 1]!)).toBeGreaterThanOrEqual(0);
}

export function searchIndexContract(name: string, open: () => Promise<ContractWorld>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let world: ContractWorld;
    let index: SearchIndex;

    beforeEach(async () => {
      world = await open();
      index = world.index;
      for (const [id, pages] of FIXTURE) await index.upsertDocument(id, pages);
    });

    afterEach(async () => {
      await world.cleanup();
    });

    const found = async (q: string) => (await index.search({ q })).hits.map(ref);

    it('finds a word from page 2 on that document and page', async () => {
      const r = await index.search({ q: 'sopralluogo' });
      expect(r.total).toBe(1);
      expect(r.hits[0]).toMatchObject({ documentId: 'pe-1987-123', page: 2, practice: 'PE 123/1987', year: 1987 });
    });

    it('returns the document type, procedure and address with each hit', async () => {
      const r = await index.search({ q: 'sopralluogo' });
      expect(r.hits[0]).toMatchObject({ documentType: 'domanda', procedureType: 'licenza', address: 'Via Roma 12' });
      const noAddress = await index.search({ q: 'agibilità' });
      expect(noAddress.hits[0]!.documentType).toBe('certificato');
      expect(noAddress.hits[0]!.address).toBeUndefined();
    });

    it('finds "città" when searching "citta" and the other way round', async () => {
      expect((await found('citta')).sort()).toEqual(['agi-2004-5#1', 'pe-1995-77#1']);
      expect((await found('città')).sort()).toEqual(['agi-2004-5#1', 'pe-1995-77#1']);
    });

    it('finds a page despite one typo in a word of five or more letters', async () => {
      expect(await found('agibilita')).toContain('agi-2004-5#1');
      expect(await found('agibiltà')).toContain('agi-2004-5#1');
      expect(await found('sopraluogo')).toEqual(['pe-1987-123#2']);
      expect(await found('consolidamnto')).toEqual(['pe-1987-123#2']);
    });

    it('does not treat a short word as a typo of another', async () => {
      expect(await found('sito')).toEqual(['agi-2004-5#1']);
      expect(await found('sitt')).toEqual([]);
    });

    it('returns no hits and no error for a query made only of stop words', async () => {
      const r = await index.search({ q: 'il della di e per' });
      expect(r.total).toBe(0);
      expect(r.hits).toEqual([]);
      const g = await index.search({ q: 'il della', group: 'practice' });
      expect(g.groups).toEqual([]);
      expect(g.totalGroups).toBe(0);
    });

    it('never throws on hostile query strings', async () => {
      // prettier-ignore
      const hostile = [
        '"', '""', '"""', '(', ')', '*', '**', 'a*', '-', '--', '- -', 'NEAR(a b, 2)', 'title:', 'AND OR', 'OR', 'NOT',
        'x OR', 'OR x', 'NOT NOT x', '^x', '+x', "'; DROP TABLE search_pages; --", '\\', '\u0000', '😀 🏠', '汉字',
        'x\u0301', '\uE000', '\uE001', 'a'.repeat(5000), '"unterminated phrase', 'col:"z" AND (a OR', 'year = 1987 OR',
      ];
      for (const q of hostile) {
        await expect(index.search({ q }), q).resolves.toHaveProperty('total');
        await expect(index.search({ q, group: 'practice', sort: 'year_desc' }), q).resolves.toHaveProperty('groups');
      }
    });

    it('narrows results with filters', async () => {
      expect((await index.search({ q: 'domanda' })).total).toBe(3);
      const r = await index.search({ q: 'domanda', filters: { yearFrom: 1987 } });
      expect(r.hits.map((h) => h.documentId).sort()).toEqual(['pe-1987-123', 'pe-2010-3']);
      expect((await index.search({ q: 'domanda', filters: { yearFrom: 1980, yearTo: 1990 } })).total).toBe(2);
      expect((await index.search({ q: 'domanda', filters: { procedureType: 'condono' } })).total).toBe(1);
      expect((await index.search({ q: 'domanda', filters: { documentType: 'relazione tecnica' } })).total).toBe(1);
      expect((await index.search({ q: 'domanda', filters: { protocol: '4512/1987' } })).total).toBe(1);
      expect((await index.search({ q: 'domanda', filters: { protocol: '4512' } })).total).toBe(0);
      expect(
        (await index.search({ q: 'domanda', filters: { practice: 'PE 3/2010', titolarioClass: '6.3' } })).total,
      ).toBe(1);
      expect((await index.search({ q: 'domanda', filters: { practice: 'PE "3"/2010 \\' } })).total).toBe(0);
    });

    it('filters by street (any civic), exact address, and cadastral unit or whole parcel', async () => {
      const one = (id: string, meta: Partial<PageEntry>): PageEntry[] => [
        {
          documentId: id,
          page: 1,
          title: id,
          filename: `${id}.pdf`,
          text: 'recinzione del lotto',
          comune: 'C000',
          ...meta,
        },
      ];
      await index.upsertDocument('a', one('a', { address: 'Via Roma 12', cadastral: 'F12 M345 S6' }));
      await index.upsertDocument('b', one('b', { address: 'Via Roma 120', cadastral: 'F12 M345' }));
      await index.upsertDocument('c', one('c', { address: 'Via Romagna 12', cadastral: 'F12 M3456 S6' }));
      await index.upsertDocument('d', one('d', { address: 'Località Cà Bianca 4', cadastral: 'F12 M345 S7' }));
      const ids = async (filters: Record<string, unknown>) =>
        (await index.search({ q: 'recinzione', filters, limit: 50 })).hits.map((h) => h.documentId).sort();
      expect(await ids({ address: 'via roma' })).toEqual(['a', 'b']);
      expect(await ids({ address: 'VIA ROMA 12' })).toEqual(['a']);
      expect(await ids({ address: 'localita ca bianca 4' })).toEqual(['d']);
      expect(await ids({ foglio: 12, mappale: 345 })).toEqual(['a', 'b', 'd']);
      expect(await ids({ foglio: 12, mappale: 345, subalterno: 6 })).toEqual(['a', 'b']);
      expect(await ids({ mappale: 3456 })).toEqual(['c']);
      expect(await ids({ foglio: 12 })).toEqual(['a', 'b', 'c', 'd']);
    });

    it('returns filtered pages in document/page order for an empty query', async () => {
      const r = await index.search({ q: '  ', filters: { titolarioClass: '6.3' } });
      expect(r.total).toBe(6);
      expect(r.hits.map(ref)).toEqual([
        'cond-1986-9#1',
        'pe-1987-123#1',
        'pe-1987-123#2',
        'pe-1995-77#1',
        'pe-2010-3#1',
        'pe-2010-3#2',
      ]);
      expect(r.hits[0]!.snippet).not.toContain('<mark>');
      const page2 = await index.search({ q: '', filters: { titolarioClass: '6.3' }, limit: 2, offset: 2 });
      expect(page2.hits.map(ref)).toEqual(['pe-1987-123#2', 'pe-1995-77#1']);
      const unaligned = await index.search({ q: '', filters: { titolarioClass: '6.3' }, limit: 2, offset: 3 });
      expect(unaligned.hits.map(ref)).toEqual(['pe-1995-77#1', 'pe-2010-3#1']);
    });

    it('counts facets over all matching pages', async () => {
      const r = await index.search({ q: 'tecnico', limit: 1 });
      expect(r.total).toBe(7);
      expect(r.hits).toHaveLength(1);
      expect(r.facets.year).toEqual({ '1986': 1, '1987': 2, '1995': 1, '2004': 1, '2010': 2 });
      expect(r.facets.procedureType).toEqual({
        licenza: 2,
        'permesso di costruire': 2,
        concessione: 1,
        agibilita: 1,
        condono: 1,
      });
      expect(r.facets.documentType).toEqual({ domanda: 3, 'relazione tecnica': 3, certificato: 1 });
      expect(r.facets.titolarioClass).toEqual({ '6.3': 6, '6.4': 1 });
      const filtered = await index.search({ q: 'sanatoria', filters: { yearFrom: 2000 } });
      expect(filtered.total).toBe(1);
      expect(filtered.facets.procedureType).toEqual({ 'permesso di costruire': 1 });
    });

    it('leaves a single copy when a document is upserted twice, and drops removed pages', async () => {
      const [id, pages] = FIXTURE[0]!;
      await index.upsertDocument(id, pages);
      await index.upsertDocument(id, pages);
      expect(await index.stats()).toEqual({ documents: 5, pages: 7 });
      expect((await index.search({ q: 'consolidamento' })).total).toBe(1);
      await index.upsertDocument(id, pages.slice(0, 1));
      expect(await index.stats()).toEqual({ documents: 5, pages: 6 });
      expect((await index.search({ q: 'consolidamento' })).total).toBe(0);
      await index.upsertDocument(id, []);
      expect(await index.stats()).toEqual({ documents: 4, pages: 5 });
    });

    it('rejects an invalid upsert and keeps the previous pages', async () => {
      const [id, pages] = FIXTURE[0]!;
      await expect(index.upsertDocument(id, [...pages, { ...pages[0]!, page: 0 }])).rejects.toThrow();
      await expect(index.upsertDocument(id, [...pages, { ...pages[0]! }])).rejects.toThrow(/twice/);
      await expect(index.upsertDocument(id, [{ ...pages[0]!, documentId: 'other' }])).rejects.toThrow(/belongs/);
      expect(await found('consolidamento')).toEqual(['pe-1987-123#2']);
    });

    it('removes every page of a deleted document', async () => {
      await index.deleteDocument('pe-1987-123');
      expect(await index.stats()).toEqual({ documents: 4, pages: 5 });
      expect((await index.search({ q: 'sopralluogo' })).total).toBe(0);
      expect((await index.search({ q: '', filters: { practice: 'PE 123/1987' } })).total).toBe(0);
      await index.deleteDocument('does-not-exist');
    });

    it('marks the match in the snippet and escapes HTML in the text', async () => {
      const r = await index.search({ q: 'solaio' });
      expect(r.hits).toHaveLength(1);
      const s = r.hits[0]!.snippet;
      expect(s).toContain('<mark>solaio</mark>');
      expect(s).toContain('&lt;allegato B&gt; &amp; verifiche &quot;sismiche&quot;');
      expect(s.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
    });

    it('ranks a title match above a body-only match', async () => {
      const r = await index.search({ q: 'sanatoria' });
      expect(r.hits.map((h) => h.documentId)).toEqual(['cond-1986-9', 'pe-2010-3']);
      expect(r.hits[0]!.score).toBeGreaterThan(r.hits[1]!.score);
    });

    it('searches the address, cadastral reference and protocol as text', async () => {
      expect(await found('"via roma 12"')).toEqual(expect.arrayContaining(['pe-1987-123#1', 'pe-1987-123#2']));
      expect((await found('M345')).length).toBe(2);
    });

    it('supports prefix and exclusion', async () => {
      expect((await found('ristruttura*')).sort()).toEqual(['pe-1987-123#1', 'pe-1995-77#1']);
      expect(await found('ristrutturazioni -licenza')).toEqual(['pe-1995-77#1']);
    });

    it('clamps limit and offset, and returns only counts for limit 0', async () => {
      const r = await index.search({ q: 'tecnico', limit: 0 });
      expect(r.total).toBe(7);
      expect(r.hits).toEqual([]);
      expect(r.facets.year).toBeDefined();
      expect((await index.search({ q: 'tecnico', limit: -5, offset: -3 })).hits).toEqual([]);
      expect((await index.search({ q: 'tecnico', offset: 5 })).hits).toHaveLength(2);
    });

    it('sorts by year either way, pages without a year last', async () => {
      await index.upsertDocument('senza-anno', doc('senza-anno', { title: 'Senza anno', filename: 's.pdf' }, [FILLER]));
      for (const q of ['tecnico', '']) {
        const desc = await index.search({ q, sort: 'year_desc', limit: 50 });
        expect(desc.hits).toHaveLength(8);
        expectYearOrder(
          desc.hits.map((h) => h.year),
          -1,
        );
        expect(desc.hits[0]!.year).toBe(2010);
        const asc = await index.search({ q, sort: 'year_asc', limit: 50 });
        expectYearOrder(
          asc.hits.map((h) => h.year),
          1,
        );
        expect(asc.hits[0]!.year).toBe(1986);
        expect(asc.hits[7]!.documentId).toBe('senza-anno');
      }
    });

    describe('grouping by practice', () => {
      beforeEach(async () => {
        for (const [id, pages] of GROUPING_EXTRA) await index.upsertDocument(id, pages);
      });

      it('groups pages by practice, one group per document without a practice, best group first', async () => {
        const r = await index.search({ q: 'tecnico', group: 'practice', limit: 50 });
        expect(r.total).toBe(10);
        expect(r.totalGroups).toBe(6);
        const groups = r.groups!;
        expect(groups).toHaveLength(6);
        const pe123 = groups.find((g) => g.practice === 'PE 123/1987')!;
        expect(pe123.total).toBe(3);
        expect(pe123.hits.map(ref).sort()).toEqual(['pe-1987-123#1', 'pe-1987-123#2', 'pe-1987-123-tav#1']);
        const loose = groups.filter((g) => g.practice === null);
        expect(loose).toEqual([expect.objectContaining({ documentId: 'nota-2001', total: 2 })]);
        for (const g of groups) {
          for (const h of g.hits) expect(h.practice ?? null).toBe(g.practice);
          for (let i = 1; i < g.hits.length; i++) expect(g.hits[i]!.score).toBeLessThanOrEqual(g.hits[i - 1]!.score);
        }
        for (let i = 1; i < groups.length; i++) {
          expect(groups[i]!.hits[0]!.score).toBeLessThanOrEqual(groups[i - 1]!.hits[0]!.score);
        }
        expect(r.hits.map(ref)).toEqual(groups.flatMap((g) => g.hits.map(ref)));
        expect(r.facets.year).toEqual({ '1986': 1, '1987': 3, '1995': 1, '2001': 2, '2004': 1, '2010': 2 });
      });

      it('pages over groups, not pages, and returns the best pages of each group', async () => {
        const all = (await index.search({ q: 'tecnico', group: 'practice', limit: 50 })).groups!;
        const keys = (gs: typeof all) => gs.map((g) => g.practice ?? g.documentId ?? '');
        const seen: string[] = [];
        for (let offset = 0; offset < 6; offset += 2) {
          const page = await index.search({ q: 'tecnico', group: 'practice', limit: 2, offset, hitsPerGroup: 1 });
          expect(page.totalGroups).toBe(6);
          expect(page.groups).toHaveLength(2);
          for (const g of page.groups!) expect(g.hits).toHaveLength(1);
          seen.push(...keys(page.groups!));
        }
        expect(seen).toEqual(keys(all));
        const past = await index.search({ q: 'tecnico', group: 'practice', limit: 2, offset: 6 });
        expect(past.groups).toEqual([]);
        expect(past.totalGroups).toBe(6);
        const counts = await index.search({ q: 'tecnico', group: 'practice', limit: 0 });
        expect([counts.groups, counts.totalGroups, counts.total]).toEqual([[], 6, 10]);
        const listing = await index.search({ q: '', group: 'practice', limit: 0 });
        expect([listing.groups, listing.totalGroups, listing.total]).toEqual([[], 6, 10]);
      });

      it('groups a filtered listing without text, and orders groups by year when asked', async () => {
        const r = await index.search({ q: '', group: 'practice', filters: { yearTo: 1990 }, limit: 10 });
        expect(r.totalGroups).toBe(2);
        expect(r.groups!.map((g) => [g.practice, g.total])).toEqual([
          ['COND 9/1986', 1],
          ['PE 123/1987', 3],
        ]);
        const byYear = await index.search({ q: 'tecnico', group: 'practice', sort: 'year_desc', limit: 10 });
        expectYearOrder(
          byYear.groups!.map((g) => g.hits[0]!.year),
          -1,
        );
        expect(byYear.groups![0]!.practice).toBe('PE 3/2010');
        const oldest = await index.search({ q: '', group: 'practice', sort: 'year_asc', limit: 1 });
        expect(oldest.groups!.map((g) => g.practice)).toEqual(['COND 9/1986']);
      });
    });

    describe('tenancy (Comuni of a union)', () => {
      beforeEach(async () => {
        for (const [id, pages] of TENANCY) await index.upsertDocument(id, pages);
      });

      const docs = (r: SearchResult) => [...new Set(r.hits.map((h) => h.documentId))].sort();
      const OUTSIDE: TenantScope[] = [{ full: ['A'] }, { full: [] }, { full: ['A', 'C000'] }];
      const INSIDE: (TenantScope | undefined)[] = [{ full: ['B'] }, { full: ['A', 'B'] }, { full: '*' }, undefined];

      it("hides Comune B's restricted pages from a scope that does not act on B, by text and by filter", async () => {
        for (const scope of OUTSIDE) {
          const s = JSON.stringify(scope);
          expect((await index.search({ q: 'querela', scope })).total, s).toBe(0);
          expect((await index.search({ q: '"vicino per il pergolato"', scope })).total, s).toBe(0);
          expect(
            (await index.search({ q: 'querela OR pergolato', scope })).hits.map((h) => h.documentId),
            s,
          ).not.toContain('b-secret');
          const text = await index.search({ q: 'pergolato', scope, limit: 50 });
          expect(docs(text), s).toEqual(['a-shared', 'b-shared']);
          expect(text.total, s).toBe(2);
          expect(text.facets.documentType, s).toEqual({ domanda: 2 });
          expect(text.facets.year, s).toEqual({ '2000': 2 });
          expect(text.facets.comune, s).toEqual({ A: 1, B: 1 });
          for (const q of ['', 'pergolato']) {
            const only = await index.search({ q, scope, filters: { documentType: 'esposto' } });
            expect([only.total, only.hits, only.facets.comune], `${s} ${q}`).toEqual([0, [], {}]);
            const b = await index.search({ q, scope, filters: { comuni: ['B'] } });
            expect(docs(b), `${s} ${q}`).toEqual(['b-shared']);
            expect(b.facets.comune, `${s} ${q}`).toEqual({ B: 1 });
            const groups = await index.search({ q, scope, filters: { comuni: ['A', 'B'] }, group: 'practice' });
            expect(groups.totalGroups, `${s} ${q}`).toBe(2);
            expect(
              groups.groups!.map((g) => g.practice),
              `${s} ${q}`,
            ).toEqual(['PE 1/2000', 'PE 1/2000']);
          }
          const listing = await index.search({ q: '', scope, limit: 50 });
          expect(listing.total, s).toBe(9); // the 7 pages of the base fixture (C000) and the 2 shared pages
          expect(listing.facets.comune, s).toEqual({ C000: 7, A: 1, B: 1 });
          expect(docs(listing), s).not.toContain('b-secret');
        }
      });

      it('shows them to the staff of B, to union-level staff and to internal (unscoped) searches', async () => {
        for (const scope of INSIDE) {
          const s = JSON.stringify(scope);
          const r = await index.search({ q: 'querela', scope });
          expect(r.total, s).toBe(2);
          expect(r.hits[0], s).toMatchObject({ documentId: 'b-secret', comune: 'B' });
          const listing = await index.search({ q: '', scope, filters: { documentType: 'esposto' } });
          expect([listing.total, listing.facets.comune], s).toEqual([2, { B: 2 }]);
          const text = await index.search({ q: 'pergolato', scope });
          expect(text.facets.comune, s).toEqual({ A: 1, B: 2 });
          expect(text.facets.documentType, s).toEqual({ domanda: 2, esposto: 1 });
        }
      });

      it('filters by any of several Comuni, and counts pages per Comune in the facets', async () => {
        const scope: TenantScope = { full: '*' };
        expect(docs(await index.search({ q: 'pergolato', scope, filters: { comuni: ['A'] } }))).toEqual(['a-shared']);
        expect(docs(await index.search({ q: 'pergolato', scope, filters: { comuni: ['B', 'X'] } }))).toEqual([
          'b-secret',
          'b-shared',
        ]);
        expect((await index.search({ q: 'pergolato', scope, filters: { comuni: [] } })).total).toBe(3);
        expect((await index.search({ q: 'pergolato', scope, filters: { comuni: ['X'] } })).total).toBe(0);
        const all = await index.search({ q: '', scope, limit: 0 });
        expect(all.total).toBe(11);
        expect(all.facets.comune).toEqual({ C000: 7, B: 3, A: 1 });
        const c000 = await index.search({ q: 'tecnico', filters: { comuni: ['C000'] } });
        expect(c000.facets.comune).toEqual({ C000: 7 });
        expect(c000.hits.every((h) => h.comune === 'C000')).toBe(true);
      });

      it('makes two groups of one practice key held by two Comuni, each with its own pages', async () => {
        for (const q of ['pergolato', '']) {
          const r = await index.search({ q, scope: { full: '*' }, group: 'practice', filters: { comuni: ['A', 'B'] } });
          expect(r.totalGroups, q).toBe(3);
          const keys = r.groups!.map((g) => `${g.comune}:${g.practice}:${g.total}`).sort();
          expect(keys, q).toEqual(['A:PE 1/2000:1', 'B:PE 1/2000:1', `B:PE 9/2001:${q === '' ? 2 : 1}`]);
          for (const g of r.groups!) for (const h of g.hits) expect(h.comune, q).toBe(g.comune);
          const pe1 = r.groups!.filter((g) => g.practice === 'PE 1/2000');
          expect(pe1.map((g) => g.hits.map((h) => h.documentId)).sort(), q).toEqual([['a-shared'], ['b-shared']]);
        }
        await index.upsertDocument(
          'loose-b',
          doc('loose-b', { title: 'Nota', filename: 'n.pdf', comune: 'B' }, ['Pergolato.']),
        );
        for (const q of ['pergolato', '']) {
          const r = await index.search({ q, group: 'practice', scope: { full: [] }, filters: { comuni: ['B'] } });
          const loose = r.groups!.filter((g) => g.practice === null);
          expect(loose, q).toEqual([expect.objectContaining({ comune: 'B', documentId: 'loose-b', total: 1 })]);
        }
      });

      it('corrects a typo towards the pages the scope sees, whatever the hidden pages hold', async () => {
        // "zanzibor" is only on B's restricted page: for A's staff it is a typo of "zanzibar".
        const r = await index.search({ q: 'zanzibor', scope: { full: ['A'] } });
        expect(docs(r)).toEqual(['a-shared']);
        const b = await index.search({ q: 'zanzibor', scope: { full: ['B'] } });
        expect(docs(b)).toContain('b-secret');
      });
    });
  });
}
