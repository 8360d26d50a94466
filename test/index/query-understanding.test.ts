import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeFilters, understandQuery } from '../../src/index/query-understanding.ts';
import type { PageEntry } from '../../src/index/search-index.ts';
import { addressKey, createSqliteSearchIndex, type SqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { actAs } from '../helpers/act-as.ts';

describe('understandQuery', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['PE 123/1987', { practice: 'PE 123/1987' }, ''],
    ['SCIA 45/2019', { practice: 'SCIA 45/2019' }, ''],
    ['pratica edilizia n. 123/87', { practice: 'PE 123/1987' }, ''],
    ['pe 123/1987 tettoia', { practice: 'PE 123/1987' }, 'tettoia'],
    ['prot. 1234/2020', { protocol: '1234/2020' }, ''],
    ['protocollo 1234 del 12/03/2020', { protocol: '1234/2020' }, ''],
    ['fg 12 mapp 345 sub 6', { foglio: 12, mappale: 345, subalterno: 6 }, ''],
    ['foglio 12 particella 345', { foglio: 12, mappale: 345 }, ''],
    ['via Roma 12', { address: 'Via Roma 12' }, ''],
    ['piazza Garibaldi 3/A', { address: 'Piazza Garibaldi 3/A' }, ''],
    ['ristrutturazione via roma 12 sanatoria', { address: 'Via Roma 12' }, 'ristrutturazione sanatoria'],
  ];
  for (const [q, filters, text] of cases) {
    it(`understands ${JSON.stringify(q)}`, () => {
      const u = understandQuery(q);
      expect(u.filters).toEqual(filters);
      expect(u.text).toBe(text);
      expect(u.recognised).toHaveLength(1);
    });
  }

  it('keeps several references and the free text in order', () => {
    const u = understandQuery('SCIA 45/2019 fg 3 mapp 77 tettoia via Verdi 5');
    expect(u.filters).toEqual({ practice: 'SCIA 45/2019', foglio: 3, mappale: 77, address: 'Via Verdi 5' });
    expect(u.text).toBe('tettoia');
    expect(u.recognised.map((r) => r.kind)).toEqual(['practice', 'cadastral', 'address']);
    expect(u.recognised[1]).toEqual({ kind: 'cadastral', raw: 'fg 3 mapp 77', value: 'F3 M77' });
  });

  it('leaves plain text, bare numbers and protocols without a year alone', () => {
    for (const q of ['ristrutturazione tetto', 'prot. 55 rossi', 'le ristrutturazioni 12/2020', '', '   ', '"permesso di costruire"']) {
      const u = understandQuery(q);
      expect(u.filters).toEqual({});
      expect(u.text).toBe(q.trim());
    }
  });

  it('lets explicit filters win over understood ones', () => {
    expect(mergeFilters({ practice: 'PE 1/2000', foglio: 3 }, { practice: 'CE 2/2001', yearFrom: undefined })).toEqual({
      practice: 'CE 2/2001',
      foglio: 3,
    });
  });

  it('folds addresses for comparison', () => {
    expect(addressKey('Piazza Garibaldi 3/A')).toBe(addressKey('piazza  garibaldi 3 / a'));
    expect(addressKey('Località Cà Bianca 4')).toBe('localita ca bianca 4');
  });
});

describe('understood queries against the index', () => {
  let index: SqliteSearchIndex;
  const page = (documentId: string, meta: Partial<PageEntry>, text: string): PageEntry[] => [
    { documentId, page: 1, title: documentId, filename: `${documentId}.pdf`, text, comune: 'C000', ...meta },
  ];
  const search = async (q: string) => {
    const u = understandQuery(q);
    const r = await index.search({ q: u.text, filters: u.filters, limit: 50 });
    return r.hits.map((h) => h.documentId).sort();
  };

  beforeAll(async () => {
    index = createSqliteSearchIndex({ path: ':memory:' });
    const body = 'Domanda di permesso per la ristrutturazione del fabbricato, pratica 123/1987 e pratica 12/1987.';
    await index.upsertDocument('a', page('a', { practice: 'PE 123/1987', protocol: '1234/2020', address: 'Via Roma 12', cadastral: 'F12 M345 S6' }, body));
    await index.upsertDocument('b', page('b', { practice: 'PE 12/1987', address: 'Via Roma 120', cadastral: 'F12 M345' }, body));
    await index.upsertDocument('c', page('c', { practice: 'PE 1123/1987', address: 'Via Romagna 12', cadastral: 'F12 M3456 S6' }, body));
    await index.upsertDocument('d', page('d', { practice: 'SCIA 123/1987', address: 'Località Cà Bianca 4', cadastral: 'F12 M345 S7' }, body));
    await index.upsertDocument('e', page('e', { practice: 'PE 123/1988', protocol: '1234/2021', address: 'Piazza Garibaldi 3/A' }, body));
  });
  afterAll(async () => index.close());

  it('a practice-number query returns only that practice', async () => {
    expect(await search('PE 123/1987')).toEqual(['a']);
    expect(await search('pratica edilizia n. 123/87')).toEqual(['a']);
    expect(await search('SCIA 123/1987')).toEqual(['d']);
    expect(await search('PE 123/1987 ristrutturazione')).toEqual(['a']);
    expect(await search('PE 123/1987 condono')).toEqual([]);
  });

  it('filters by protocol, cadastral reference and address', async () => {
    expect(await search('prot. 1234/2020')).toEqual(['a']);
    expect(await search('protocollo 1234 del 12/03/2021')).toEqual(['e']);
    expect(await search('fg 12 mapp 345')).toEqual(['a', 'b', 'd']);
    expect(await search('fg 12 mapp 345 sub 6')).toEqual(['a', 'b']); // the unit, and the parcel as a whole
    expect(await search('foglio 12 particella 3456')).toEqual(['c']);
    expect(await search('via roma 12')).toEqual(['a']);
    expect(await search('VIA ROMA 120')).toEqual(['b']);
    expect(await search('localita ca bianca 4')).toEqual(['d']);
    expect(await search('piazza garibaldi 3/a')).toEqual(['e']);
    expect((await index.search({ q: '', filters: { address: 'via roma' } })).hits.map((h) => h.documentId).sort()).toEqual(['a', 'b']);
    expect((await index.search({ q: '', filters: { foglio: 12 } })).total).toBe(4);
    expect((await index.search({ q: '', filters: { mappale: 345 } })).total).toBe(3);
  });
});

describe('schema migration', () => {
  it('brings a version-1 index (no address_key) to the current version and fills the address keys', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'faldone-migrate-'));
    try {
      const file = path.join(dir, 'search.sqlite');
      const v2 = createSqliteSearchIndex({ path: file });
      await v2.upsertDocument('a', [{ documentId: 'a', page: 1, title: 'a', filename: 'a.pdf', text: 'tettoia', address: 'Località Cà Bianca 4', comune: 'C000' }]);
      v2.db.exec(`DROP INDEX search_pages_address_key; ALTER TABLE search_pages DROP COLUMN address_key;
                  UPDATE search_meta SET value = '1' WHERE key = 'schema_version';`);
      await v2.close();
      const migrated = createSqliteSearchIndex({ path: file });
      expect((await migrated.search({ q: '', filters: { address: 'localita ca bianca 4' } })).total).toBe(1);
      expect(migrated.db.prepare(`SELECT value FROM search_meta WHERE key = 'schema_version'`).pluck().get()).toBe('4');
      await migrated.close();
      const ro = createSqliteSearchIndex({ path: file, readonly: true });
      expect((await ro.search({ q: 'tettoia' })).total).toBe(1);
      await expect(ro.upsertDocument('b', [])).rejects.toThrow();
      await ro.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /search applies query understanding', () => {
  it('returns the understood filters and searches the remaining text', async () => {
    const { default: Fastify } = await import('fastify');
    const { searchRoutes } = await import('../../src/api/routes/search.routes.ts');
    const index = createSqliteSearchIndex({ path: ':memory:' });
    const entry = (id: string, practice: string, text: string): PageEntry[] => [
      { documentId: id, page: 1, title: id, filename: `${id}.pdf`, practice, text, comune: 'C000' },
    ];
    await index.upsertDocument('a', entry('a', 'PE 123/1987', 'ristrutturazione della tettoia'));
    await index.upsertDocument('b', entry('b', 'PE 124/1987', 'ristrutturazione della tettoia'));
    const { SqlitePaperStore } = await import('../../src/paper/sqlite.paper-store.ts');
    const { loadConfig } = await import('../../src/core/config.ts');
    const paper = new SqlitePaperStore(':memory:');
    const config = loadConfig({ env: {} });
    const app = Fastify();
    // A professional: the route passes their scope to the index (they see the shared pages of every Comune).
    actAs(app, { role: 'professional' });
    await app.register(searchRoutes({ search: index, paper, config } as unknown as Parameters<typeof searchRoutes>[0]));
    try {
      const res = await app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent('pratica 123/87 tettoie')}` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.understood).toEqual({
        text: 'tettoie',
        filters: { practice: 'PE 123/1987' },
        recognised: [{ kind: 'practice', raw: 'pratica 123/87', value: 'PE 123/1987' }],
      });
      expect(body.hits.map((h: { documentId: string }) => h.documentId)).toEqual(['a']);
      const explicit = await app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent('PE 123/1987')}&practice=${encodeURIComponent('PE 124/1987')}` });
      expect(explicit.json().hits.map((h: { documentId: string }) => h.documentId)).toEqual(['b']);
      const literal = await app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent('PE 123/1987')}&understand=0` });
      expect(literal.json().understood.filters).toEqual({});
      expect(literal.json().total).toBe(1); // "123 1987" as text in the meta column
      // The route passes the user's scope: a restricted page stays out of a professional's results.
      await index.upsertDocument('c', [{ ...entry('c', 'PE 123/1987', 'tettoia riservata')[0]!, restricted: true }]);
      const scoped = await app.inject({ method: 'GET', url: `/search?q=tettoia&understand=0` });
      expect(scoped.json().hits.map((h: { documentId: string }) => h.documentId).sort()).toEqual(['a', 'b']);
      expect(scoped.json().hits[0]).toMatchObject({ comune: 'C000' });
    } finally {
      await app.close();
      await index.close();
      await paper.close();
    }
  });
});
