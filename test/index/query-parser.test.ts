import { describe, expect, it } from 'vitest';
import { termOf } from '../../src/index/italian-text.ts';
import { compileQuery, editDistance, edits1, parseQuery, type Vocabulary } from '../../src/index/query-parser.ts';

function vocabOf(words: string[]): Vocabulary {
  const map = new Map(words.map((w) => [w, termOf(w)!]));
  const termSet = new Set(map.values());
  const entries = () => [...map].map(([word, term]) => ({ word, term }));
  return {
    hasTerm: (t) => termSet.has(t),
    existingTerms: (c) => c.filter((t) => termSet.has(t)),
    knownWords: (c) => entries().filter((e) => c.includes(e.word)),
    wordsWithPrefix: (p, min, max, limit) =>
      entries().filter((e) => e.word.startsWith(p) && e.word.length >= min && e.word.length <= max).slice(0, limit),
  };
}

describe('query parser', () => {
  it('AND-s plain words as quoted stems', () => {
    const c = compileQuery(parseQuery('Permessi di costruire'), vocabOf(['permesso', 'costruire']));
    expect(c.match).toBe(`("${termOf('permessi')}") AND ("${termOf('costruire')}")`);
  });

  it('turns quoted text into a phrase of stems without stop words', () => {
    const c = compileQuery(parseQuery('"permesso di costruire"'), vocabOf([]));
    expect(c.match).toBe(`"${termOf('permesso')} ${termOf('costruire')}"`);
  });

  it('turns a trailing star into a prefix query that also covers the stem of the prefix', () => {
    const c = compileQuery(parseQuery('ristrutturazio*'), vocabOf(['ristrutturazione']));
    expect(c.match).toContain('"ristrutturazio"*');
    expect(c.match).toContain(`"${termOf('ristrutturazione')}"`);
  });

  it('expands a misspelt word to vocabulary terms within one edit', () => {
    const c = compileQuery(parseQuery('permeso'), vocabOf(['permesso', 'premessa']));
    expect(c.expansions['permeso']).toEqual([termOf('permesso')]);
    expect(c.highlight.terms.has(termOf('permesso')!)).toBe(true);
  });

  it('measures typos on the word, so a typo in the suffix still finds the stem', () => {
    const c = compileQuery(parseQuery('consolidamnto'), vocabOf(['consolidamento']));
    expect(c.expansions['consolidamnto']).toEqual([termOf('consolidamento')]);
  });

  it('also accepts one edit between stems, for a typo in another inflection', () => {
    const c = compileQuery(parseQuery('permesi'), vocabOf(['permesso']));
    expect(c.expansions['permesi']).toEqual([termOf('permesso')]);
  });

  it('allows two edits from nine letters', () => {
    const c = compileQuery(parseQuery('ristruturazine'), vocabOf(['ristrutturazione']));
    expect(c.expansions['ristruturazine']).toEqual([termOf('ristrutturazione')]);
  });

  it('does not expand short words, quoted words or words with digits', () => {
    const v = vocabOf(['casa', 'permesso', '1987']);
    expect(compileQuery(parseQuery('cosa'), v).expansions).toEqual({});
    expect(compileQuery(parseQuery('"permeso"'), v).expansions).toEqual({});
    expect(compileQuery(parseQuery('1986'), v).expansions).toEqual({});
  });

  it('supports exclusion and OR groups', () => {
    const v = vocabOf(['sanatoria', 'condono', 'permesso']);
    expect(compileQuery(parseQuery('permesso -condono'), v).match).toBe(`("permess") NOT ("cond")`);
    expect(compileQuery(parseQuery('sanatoria OR condono'), v).match).toBe(`("sanator" OR "cond")`);
    const onlyExcluded = compileQuery(parseQuery('NOT condono'), v);
    expect(onlyExcluded.match).toBeNull();
    expect(onlyExcluded.exclude).toBe('"cond"');
  });

  it('reports a query made only of stop words', () => {
    expect(parseQuery('il di della')).toEqual({ clauses: [], hadWords: true });
    expect(parseQuery('" ( * - )')).toEqual({ clauses: [], hadWords: false });
  });

  it('never emits user syntax: every term is inside double quotes', () => {
    const c = compileQuery(parseQuery('title:foo NEAR(a b) x^y col:"z" {a b}'), vocabOf([]));
    const outsideQuotes = c.match!.replace(/"(?:[^"]|"")*"/g, '');
    expect(outsideQuotes).toMatch(/^[\s()*]*(?:(?:AND|OR|NOT)[\s()*]*)*$/);
  });

  it('computes bounded edit distances with transpositions', () => {
    expect(editDistance('permesso', 'permseso', 1)).toBe(1);
    expect(editDistance('abcdef', 'abcxyz', 2)).toBe(3);
    expect(edits1('ab')).toContain('ba');
  });
});
