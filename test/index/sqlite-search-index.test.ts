import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSearchIndex, SqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import type { TenantScope } from '../../src/tenancy/tenant-scope.ts';
import { doc, FIXTURE, searchIndexContract } from './search-index.contract.ts';

searchIndexContract('embedded SQLite FTS5 (temp file)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faldone-search-'));
  const index = createSqliteSearchIndex({ path: path.join(dir, 'search.db') });
  return {
    index,
    cleanup: async () => {
      await index.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

searchIndexContract('embedded SQLite FTS5 (in memory, no candidate cap)', async () => {
  const index = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0 });
  return { index, cleanup: () => index.close() };
});

// What only the embedded engine does (Italian stemming, OR, phrases across stop words, vocabulary maintenance).

describe('SqliteSearchIndex beyond the contract (real SQLite on a temp file)', () => {
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

  it('highlights the folded form of an accented query word', async () => {
    const r = await index.search({ q: 'città' });
    expect(r.hits.find((h) => h.documentId === 'agi-2004-5')!.snippet).toContain('<mark>citta</mark>');
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

  it('supports OR', async () => {
    expect((await found('condono OR agibilità')).length).toBe(2);
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

describe('SqliteSearchIndex tenancy columns', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'faldone-search-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings a version-2 index (no comune, restricted) to version 3: existing pages become shared pages of C000', async () => {
    const file = path.join(dir, 'search.db');
    const v2 = createSqliteSearchIndex({ path: file });
    for (const [id, pages] of FIXTURE) await v2.upsertDocument(id, pages);
    v2.db.exec(`DROP INDEX search_pages_practice_comune; DROP INDEX search_pages_comune_year;
                DROP INDEX search_pages_restricted;
                ALTER TABLE search_pages DROP COLUMN comune; ALTER TABLE search_pages DROP COLUMN restricted;
                CREATE INDEX search_pages_practice ON search_pages (practice);
                UPDATE search_meta SET value = '2' WHERE key = 'schema_version';`);
    await v2.close();
    expect(() => createSqliteSearchIndex({ path: file, readonly: true })).toThrow(/schema 2, expected 4/);

    const migrated = createSqliteSearchIndex({ path: file });
    try {
      const version = migrated.db.prepare(`SELECT value FROM search_meta WHERE key = 'schema_version'`).pluck().get();
      expect(version).toBe('4');
      const indexes = migrated.db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'search_pages'`)
        .pluck()
        .all();
      expect(indexes).toEqual(
        expect.arrayContaining(['search_pages_practice_comune', 'search_pages_comune_year', 'search_pages_restricted']),
      );
      expect(indexes).not.toContain('search_pages_practice');
      const r = await migrated.search({ q: 'tecnico', scope: { full: [] } });
      expect(r.total).toBe(7);
      expect(r.facets.comune).toEqual({ C000: 7 });
      expect(r.hits.every((h) => h.comune === 'C000')).toBe(true);
      await migrated.upsertDocument('r', doc('r', { title: 'R', filename: 'r.pdf', comune: 'E730', restricted: true }, ['tecnico']));
      expect((await migrated.search({ q: 'tecnico', scope: { full: [] } })).total).toBe(7);
      expect((await migrated.search({ q: 'tecnico', scope: { full: ['E730'] } })).total).toBe(8);
    } finally {
      await migrated.close();
    }
    const ro = createSqliteSearchIndex({ path: file, readonly: true });
    expect((await ro.search({ q: 'tecnico', scope: { full: [] } })).total).toBe(7);
    await ro.close();
  });

  it('brings a version-3 index (no search_facets) to version 4: text queries count the same facets and hits', async () => {
    const file = path.join(dir, 'search.db');
    const v3 = createSqliteSearchIndex({ path: file });
    for (const [id, pages] of FIXTURE) await v3.upsertDocument(id, pages);
    const before = await v3.search({ q: 'tecnico', limit: 50 });
    v3.db.exec(`DROP TABLE search_facets; UPDATE search_meta SET value = '3' WHERE key = 'schema_version';`);
    await v3.close();
    expect(() => createSqliteSearchIndex({ path: file, readonly: true })).toThrow(/schema 3, expected 4/);

    const migrated = createSqliteSearchIndex({ path: file });
    try {
      expect(migrated.db.prepare(`SELECT value FROM search_meta WHERE key = 'schema_version'`).pluck().get()).toBe('4');
      expect(migrated.db.prepare('SELECT count(*) FROM search_facets').pluck().get()).toBe(7);
      const after = await migrated.search({ q: 'tecnico', limit: 50 });
      expect(after.total).toBe(before.total);
      expect(after.facets).toEqual(before.facets);
      expect(after.hits.map((h) => `${h.documentId}#${h.page}`)).toEqual(before.hits.map((h) => `${h.documentId}#${h.page}`));
      // Re-indexing and deleting keep search_facets in step with search_pages.
      await migrated.upsertDocument(FIXTURE[0]![0], FIXTURE[0]![1]);
      await migrated.deleteDocument(FIXTURE[1]![0]);
      const pages = migrated.db.prepare('SELECT count(*) FROM search_pages').pluck().get();
      expect(migrated.db.prepare('SELECT count(*) FROM search_facets').pluck().get()).toBe(pages);
      expect(
        migrated.db
          .prepare('SELECT count(*) FROM search_facets f JOIN search_pages p ON p.id = f.id AND p.document_id = f.document_id')
          .pluck()
          .get(),
      ).toBe(pages);
    } finally {
      await migrated.close();
    }
  });

  it('fails closed on a malformed scope and stores an empty Comune as C000', async () => {
    const index = createSqliteSearchIndex({ path: ':memory:' });
    try {
      await index.upsertDocument('s', doc('s', { title: 'S', filename: 's.pdf', comune: 'E730', restricted: true }, ['tettoia']));
      await index.upsertDocument('e', doc('e', { title: 'E', filename: 'e.pdf', comune: '' }, ['tettoia']));
      for (const scope of [{}, { full: null }, { full: 'E730' }, null] as unknown as TenantScope[]) {
        const r = await index.search({ q: 'tettoia', scope });
        expect(r.hits.map((h) => h.documentId), JSON.stringify(scope)).toEqual(['e']);
      }
      expect((await index.search({ q: 'tettoia' })).facets.comune).toEqual({ C000: 1, E730: 1 });
    } finally {
      await index.close();
    }
  });
});
