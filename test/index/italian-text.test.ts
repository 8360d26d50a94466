import { describe, expect, it } from 'vitest';
import { foldAccents, indexStream, termOf, terms, tokenize } from '../../src/index/italian-text.ts';

describe('Italian text normalisation', () => {
  it('lower-cases and folds accents, including decomposed input', () => {
    expect(foldAccents('Città PERCHÉ Più')).toBe('citta perche piu');
    expect(foldAccents('citta\u0300')).toBe('citta');
  });

  it('gives accented, unaccented and typewriter forms the same term', () => {
    expect(terms('città')).toEqual(terms('citta'));
    expect(terms("citta'")).toEqual(terms('città'));
    expect(terms('abitabilità')).toEqual(terms('abitabilita'));
  });

  it('stems singular and plural to the same term', () => {
    expect(termOf('ristrutturazioni')).toBe(termOf('ristrutturazione'));
    expect(termOf('permessi')).toBe(termOf('permesso'));
  });

  it('drops elided articles and prepositions', () => {
    expect(terms("dell'edificio")).toEqual(terms('edificio'));
    expect(terms("l’autorizzazione all'intervento")).toEqual(terms('autorizzazione intervento'));
  });

  it('removes stop words but keeps words that matter in building records', () => {
    expect(terms('il della di e per')).toEqual([]);
    expect(terms('stato legittimo')).toHaveLength(2);
  });

  it('keeps numbers and alphanumeric codes unstemmed', () => {
    expect(terms('PE 123/1987 F12')).toEqual(['pe', '123', '1987', 'f12']);
  });

  it('joins words hyphenated at the end of a line and keeps their source offsets', () => {
    const text = 'la ristruttu-\nrazione';
    const toks = tokenize(text);
    expect(toks.map((t) => t.word)).toEqual(['la', 'ristrutturazione']);
    expect(text.slice(toks[1]!.start, toks[1]!.end)).toBe('ristruttu-\nrazione');
    expect(indexStream(text)).toBe(termOf('ristrutturazione'));
  });
});
