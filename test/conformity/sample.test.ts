// The verification sample: reproducible for a seed, without repetition, within the population, sized as asked.
import { describe, expect, it } from 'vitest';
import { drawSample, sampleSize } from '../../src/conformity/sample.ts';

const docs = [
  { documentId: 'a', pages: 3 },
  { documentId: 'b', pages: 120 },
  { documentId: 'c', pages: 1 },
  { documentId: 'd', pages: 40 },
];

describe('drawSample', () => {
  it('draws the same pages for the same seed and other pages for another seed', () => {
    const one = drawSample(docs, 20, 'verifica-2026-03');
    expect(drawSample(docs, 20, 'verifica-2026-03')).toEqual(one);
    expect(drawSample(docs, 20, 'altro-seme')).not.toEqual(one);
  });

  it('draws distinct existing pages in population order', () => {
    const s = drawSample(docs, 60, 'x');
    expect(s).toHaveLength(60);
    expect(new Set(s.map((p) => `${p.documentId}:${p.page}`)).size).toBe(60);
    const limits = new Map(docs.map((d) => [d.documentId, d.pages]));
    for (const p of s)
      (expect(p.page).toBeGreaterThanOrEqual(1), expect(p.page).toBeLessThanOrEqual(limits.get(p.documentId)!));
    const order = s.map((p) => docs.findIndex((d) => d.documentId === p.documentId) * 1000 + p.page);
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('takes every page when the sample is the population, and spreads over documents', () => {
    expect(drawSample(docs, 500, 's')).toHaveLength(164);
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++)
      for (const p of drawSample(docs, 5, `s${i}`)) counts.set(p.documentId, (counts.get(p.documentId) ?? 0) + 1);
    // 1000 draws over 164 pages: document b holds 120/164 of them.
    expect(counts.get('b')! / 1000).toBeGreaterThan(0.65);
    expect(counts.get('b')! / 1000).toBeLessThan(0.8);
    expect(counts.get('c')).toBeGreaterThan(0);
  });
});

describe('sampleSize', () => {
  it('uses the size, or the percentage rounded up, at least one page and at most the population', () => {
    expect(sampleSize(164, { size: 10 })).toBe(10);
    expect(sampleSize(164, { percent: 5 })).toBe(9);
    expect(sampleSize(3, { percent: 1 })).toBe(1);
    expect(sampleSize(3, { size: 50 })).toBe(3);
    expect(sampleSize(0, { size: 5 })).toBe(0);
  });
});
