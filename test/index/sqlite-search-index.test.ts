import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageEntry } from '../../src/index/search-index.ts';
import { createSqliteSearchIndex, SqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';

type Meta = Omit<PageEntry, 'documentId' | 'page' | 'text'>;

function doc(documentId: string, meta: Meta, texts: string[]): PageEntry[] {
  return texts.map((text, i) => ({ documentId, page: i + 1, text, ...meta }));
}

const FILLER =
  'Il tecnico incaricato dichiara che le opere sono conformi agli strumenti urbanistici vigenti e al regolamento edilizio comunale.';

const FIXTURE: [string, PageEntry[]][] = [
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
      [`Relazione tecnica: ampliamento del fabbricato nel centro della città, con nuove ristrutturazioni interne. ${FILLER}`],
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

describe('SqliteSearchIndex (real SQLite on a temp file)', () => {
  let dir: string;
  let index: SqliteSearchIndex;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'faldone-search-'));
    index = createSqliteSearchIndex({ path: path.join(dir, 'search.db') });
    for (const [id, pages] of FIXTURE) await index.upsertDocument(id, pages);
  });

  afterEach(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const found = async (q: string) =>
    (await index.search({ q })).hits.map((h) => `${h.documentId}#${h.page}`);

  it('finds a phrase from page 2 on that document and page', async () => {
    const r = await index.search({ q: '"sopralluogo del 12 marzo"' });
    expect(r.total).toBe(1);
    expect(r.hits[0]).toMatchObject({ documentId: 'pe-1987-123', page: 2, practice: 'PE 123/1987', year: 1987 });
  });

  it('finds "ristrutturazione" when searching "ristrutturazioni" and highlights it', async () => {
    const r = await index.search({ q: 'ristrutturazioni' });
    expect(r.hits.map((h) => h.documentId).sort()).toEqual(['pe-1987-123', 'pe-1995-77']);
    const hit = r.hits.find((h) => h.documentId === 'pe-1987-123')!;
    expect(hit.snippet).toContain('<mark>ristrutturazione</mark>');
  });

  it('finds "città" when searching "citta" and the other way round', async () => {
    expect((await found('citta')).sort()).toEqual(['agi-2004-5#1', 'pe-1995-77#1']);
    expect((await found('città')).sort()).toEqual(['agi-2004-5#1', 'pe-1995-77#1']);
    const r = await index.search({ q: 'città' });
    expect(r.hits.find((h) => h.documentId === 'agi-2004-5')!.snippet).toContain('<mark>citta</mark>');
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
  });

  it('never throws on hostile query strings', async () => {
    const hostile = [
      '"', '""', '"""', '(', ')', '((', '*', '**', 'a*', '-', '--', '- -', 'NEAR(', 'NEAR(a b, 2)', 'title:', 'body:x',
      '{title body}: x', 'AND OR', 'OR', 'NOT', 'AND', 'x OR', 'OR x', 'NOT NOT x', '^x', '+x', 'x:y:z', "'; DROP TABLE search_pages; --",
      '\\', '\u0000', '😀 🏠', '汉字', 'ﬁne', 'x\u0301', '\uE000', 'a'.repeat(5000), '"unterminated phrase', 'col:"z" AND (a OR',
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pieces = ['"', '(', ')', '*', '-', ':', '^', '+', ' ', 'NEAR', 'AND', 'OR', 'NOT', 'title', 'sanatoria', 'àé', "'", '{', '}', ',', '😀'];
    for (let i = 0; i < 300; i++) {
      let s = '';
      for (let j = 0; j < 1 + Math.floor(rnd() * 8); j++) s += pieces[Math.floor(rnd() * pieces.length)];
      hostile.push(s);
    }
    for (const q of hostile) {
      await expect(index.search({ q }), q).resolves.toHaveProperty('total');
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
    expect((await index.search({ q: 'domanda', filters: { practice: 'PE 3/2010', titolarioClass: '6.3' } })).total).toBe(1);
  });

  it('returns filtered pages in document/page order for an empty query', async () => {
    const r = await index.search({ q: '  ', filters: { titolarioClass: '6.3' } });
    expect(r.total).toBe(6);
    expect(r.hits.map((h) => `${h.documentId}#${h.page}`)).toEqual([
      'cond-1986-9#1', 'pe-1987-123#1', 'pe-1987-123#2', 'pe-1995-77#1', 'pe-2010-3#1', 'pe-2010-3#2',
    ]);
    expect(r.hits[0]!.snippet).not.toContain('<mark>');
    const page2 = await index.search({ q: '', filters: { titolarioClass: '6.3' }, limit: 2, offset: 2 });
    expect(page2.hits.map((h) => `${h.documentId}#${h.page}`)).toEqual(['pe-1987-123#2', 'pe-1995-77#1']);
  });

  it('counts facets over all matching pages', async () => {
    const r = await index.search({ q: 'tecnico', limit: 1 });
    expect(r.total).toBe(7);
    expect(r.hits).toHaveLength(1);
    expect(r.facets.year).toEqual({ '1986': 1, '1987': 2, '1995': 1, '2004': 1, '2010': 2 });
    expect(r.facets.procedureType).toEqual({
      licenza: 2, 'permesso di costruire': 2, concessione: 1, agibilita: 1, condono: 1,
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
  });

  it('rolls back an upsert that fails half-way', async () => {
    const [id, pages] = FIXTURE[0]!;
    const bad = [...pages, { ...pages[0]!, page: 0 }];
    await expect(index.upsertDocument(id, bad)).rejects.toThrow();
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

  it('supports prefix, exclusion and OR', async () => {
    expect((await found('ristruttura*')).sort()).toEqual(['pe-1987-123#1', 'pe-1995-77#1']);
    expect(await found('ristrutturazioni -licenza')).toEqual(['pe-1995-77#1']);
    expect((await found('condono OR agibilità')).length).toBe(2);
  });

  it('clamps limit and offset, and returns only counts for limit 0', async () => {
    const r = await index.search({ q: 'tecnico', limit: 0 });
    expect(r.total).toBe(7);
    expect(r.hits).toEqual([]);
    expect(r.facets.year).toBeDefined();
    expect((await index.search({ q: 'tecnico', limit: -5, offset: -3 })).hits).toEqual([]);
    expect((await index.search({ q: 'tecnico', offset: 5 })).hits).toHaveLength(2);
  });

  it('forgets the words of deleted documents when the vocabulary is rebuilt, and keeps typo tolerance', async () => {
    await index.deleteDocument('pe-1987-123');
    index.rebuildVocabulary();
    const words = index.db.prepare(`SELECT count(*) AS n FROM search_words WHERE word = 'consolidamento'`).get() as { n: number };
    expect(words.n).toBe(0);
    expect(await found('agibiltà')).toContain('agi-2004-5#1');
  });

  it('works in memory', async () => {
    const mem = createSqliteSearchIndex({ path: ':memory:' });
    await mem.upsertDocument('x', doc('x', { title: 'Prova', filename: 'x.pdf' }, ['Progetto di recinzione']));
    expect((await mem.search({ q: 'recinzioni' })).total).toBe(1);
    await mem.close();
    await mem.close();
    await expect(mem.search({ q: 'x' })).rejects.toThrow(/closed/);
  });

  it('keeps its data when reopened', async () => {
    await index.close();
    index = createSqliteSearchIndex({ path: path.join(dir, 'search.db') });
    expect(await index.stats()).toEqual({ documents: 5, pages: 7 });
    expect(await found('sopralluogo')).toEqual(['pe-1987-123#2']);
  });
});
