import { describe, expect, it } from 'vitest';
import { detectBlankPage } from '../../src/scan/blank-page.ts';
import { blankPage, contentPage, pagePng } from './box-scan.ts';

describe('blank page detection', () => {
  it('a blank sheet is blank, in grey at 300 DPI and bilevel at 200 DPI', async () => {
    const grey = await detectBlankPage(await pagePng(await blankPage(1, 300)));
    expect(grey).toMatchObject({ blank: true, inkedTiles: 0 });
    expect(grey.paperLevel).toBeGreaterThan(230);
    expect((await detectBlankPage(await pagePng(await blankPage(2, 200, { bilevel: true })))).blank).toBe(true);
  });

  it('a near-blank sheet with dust specks and punched holes is still blank', async () => {
    for (const [seed, dpi, bilevel] of [
      [3, 300, false],
      [4, 200, true],
    ] as const) {
      const r = await detectBlankPage(await pagePng(await blankPage(seed, dpi, { bilevel, specks: 140 })));
      expect(r.blank, `seed ${seed}: ${JSON.stringify(r)}`).toBe(true);
      expect(r.inkFraction).toBeGreaterThan(0); // the specks were there, and ignored
    }
  });

  it('a page of faint text is not blank, nor is an ordinary bilevel page', async () => {
    const faint = await detectBlankPage(await pagePng(await contentPage(5, 300, { ink: 170 })));
    expect(faint.blank, JSON.stringify(faint)).toBe(false);
    expect(faint.inkedTileFraction).toBeGreaterThan(0.02);
    const bilevel = await detectBlankPage(await pagePng(await contentPage(6, 200, { bilevel: true })));
    expect(bilevel.blank).toBe(false);
  });

  it('the thresholds are configurable', async () => {
    const specks = await pagePng(await blankPage(7, 300, { specks: 140 }));
    // Count every speck as ink: the same sheet is no longer blank.
    const strict = await detectBlankPage(specks, { minTileInkMm2: 0.01, maxInkedTileFraction: 0 });
    expect(strict.blank).toBe(false);
  });
});
