import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from '../../src/samples/random.ts';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('seeded random numbers', () => {
  it('the same seed gives the same sequence', () => {
    expect(draw(new Rng(42), 50)).toEqual(draw(new Rng(42), 50));
  });

  it('different seeds give different sequences', () => {
    expect(draw(new Rng(42), 10)).not.toEqual(draw(new Rng(43), 10));
  });

  it('a forked stream does not depend on what the parent drew before or after', () => {
    const a = new Rng(7);
    const forkA = draw(a.fork('doc', 1), 5);
    const b = new Rng(7);
    draw(b, 100);
    expect(draw(b.fork('doc', 1), 5)).toEqual(forkA);
    expect(draw(new Rng(7).fork('doc', 2), 5)).not.toEqual(forkA);
  });

  it('int, float, pick and weighted stay within their bounds', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 2000; i++) {
      const n = rng.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
      const f = rng.float(-1.5, 1.5);
      expect(f).toBeGreaterThanOrEqual(-1.5);
      expect(f).toBeLessThan(1.5);
      expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
      expect(rng.weighted([['x', 1], ['y', 0]] as const)).toBe('x');
    }
  });

  it('hashSeed tells apart its parts and their types', () => {
    expect(hashSeed(1, 'a')).toBe(hashSeed(1, 'a'));
    expect(hashSeed(1, 'a')).not.toBe(hashSeed('1', 'a'));
    expect(hashSeed(1, 'ab')).not.toBe(hashSeed(1, 'a', 'b'));
  });
});
