import { describe, expect, it } from 'vitest';
import { cer, levenshtein, normaliseText, wer } from '../../src/ocr/cer.ts';

describe('cer', () => {
  it('is 0 for texts equal modulo whitespace', () => {
    expect(cer('Il  sottoscritto\nMario\tRossi ', ' Il sottoscritto Mario Rossi')).toBe(0);
  });

  it('counts edits over the expected length, on code points', () => {
    expect(cer('abcd', 'abxd')).toBe(0.25);
    expect(cer('città', 'citta')).toBeCloseTo(0.2);
    expect(cer('abc', '')).toBe(1);
    expect(cer('', '')).toBe(0);
    expect(cer('', 'x')).toBe(1);
  });

  it('treats composed and decomposed accents alike (NFC)', () => {
    expect(cer('qualità', 'qualita\u0300')).toBe(0);
  });

  it('can fold typographic punctuation and case', () => {
    expect(cer("dell'immobile", 'dell\u2019immobile')).toBeGreaterThan(0);
    expect(cer("dell'immobile", 'dell\u2019immobile', { foldPunctuation: true })).toBe(0);
    expect(cer('Rossi', 'ROSSI', { ignoreCase: true })).toBe(0);
  });

  it('levenshtein and wer', () => {
    expect(levenshtein(Array.from('kitten'), Array.from('sitting'))).toBe(3);
    expect(levenshtein([], [1, 2])).toBe(2);
    expect(wer('via Garibaldi n. 14', 'via Garibaldi n 14')).toBe(0.25);
    expect(normaliseText('  a \n\n b  ')).toBe('a b');
  });
});
