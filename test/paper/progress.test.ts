// Digitisation progress on seeded data in the real SQLite paper store: counts per state, pages digitised, pace over
// the window, backlog and forecast, per Comune and overall.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlitePaperStore } from '../../src/paper/sqlite.paper-store.ts';
import { buildProgress, digitisationProgress, windowStart } from '../../src/paper/progress.ts';
import type { UnionSettings } from '../../src/tenancy/comuni.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { record } from './paper-store.contract.ts';

const UNION: UnionSettings = {
  name: 'Unione',
  comuni: [
    { code: 'E730', name: 'Lugo', requireAccessRequest: true },
    { code: 'A547', name: 'Bagnacavallo', requireAccessRequest: false },
  ],
  defaultComune: 'E730',
  accessDays: 90,
  areaDays: 365,
};
const NOW = new Date('2024-03-30T10:00:00.000Z');

let paper: SqlitePaperStore;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const tmp = await makeTmpDir('faldone-progress-');
  paper = new SqlitePaperStore(path.join(tmp.dir, 'faldone.db'));
  cleanup = async () => {
    await paper.close();
    await tmp.cleanup();
  };
  await paper.upsertInventory([
    ...[1, 2, 3, 4, 5, 6].map((n) => record('E730', 'PE', n, 1980)),
    record('A547', 'CE', 1, 1970),
    record('A547', 'CE', 2, 1971),
  ]);
  // Lugo: two practices archived in the window, one before it; one scanned, one requested, one on paper only.
  await paper.setInventoryState('E730', 'PE 1/1980', 'archived', { pages: 10, at: '2024-03-05T09:00:00.000Z' });
  await paper.setInventoryState('E730', 'PE 2/1980', 'archived', { pages: 20, at: '2024-03-20T15:00:00.000Z' });
  await paper.setInventoryState('E730', 'PE 3/1980', 'archived', { pages: 5, at: '2024-01-10T09:00:00.000Z' });
  await paper.setInventoryState('E730', 'PE 4/1980', 'scanned', { at: '2024-03-29T09:00:00.000Z' });
  await paper.setInventoryState('E730', 'PE 5/1980', 'requested', { at: '2024-03-28T09:00:00.000Z' });
  // Bagnacavallo: nothing digitised yet.
  await paper.setInventoryState('A547', 'CE 1/1970', 'requested', { at: '2024-03-28T09:00:00.000Z' });
});
afterAll(async () => {
  await cleanup?.();
});

describe('digitisation progress', () => {
  it('counts practices by state and pages digitised per Comune', async () => {
    const p = await digitisationProgress(paper, UNION, { now: NOW });
    expect(p.windowDays).toBe(30);
    expect(p.generatedAt).toBe(NOW.toISOString());
    expect(p.comuni.map((r) => [r.comune, r.comuneName])).toEqual([
      ['E730', 'Lugo'],
      ['A547', 'Bagnacavallo'],
    ]);
    const [lugo, bagnacavallo] = p.comuni;
    expect(lugo).toMatchObject({
      practices: 6,
      byState: { paper: 1, requested: 1, scanned: 1, archived: 3 },
      digitised: 3,
      pagesDigitised: 35,
      backlog: 3,
    });
    expect(bagnacavallo).toMatchObject({
      practices: 2,
      byState: { paper: 1, requested: 1, scanned: 0, archived: 0 },
      digitised: 0,
      pagesDigitised: 0,
      backlog: 2,
    });
  });

  it('measures the pace over the window and forecasts when the backlog is done', async () => {
    const p = await digitisationProgress(paper, UNION, { now: NOW });
    const [lugo, bagnacavallo] = p.comuni;
    // 30 pages and 2 practices in the last 30 days (the January one is outside the window).
    expect(lugo).toMatchObject({ pagesPerDay: 1, practicesPerDay: 0.07, forecastDays: 45, forecastDate: '2024-05-14' });
    // Nothing digitised lately: no forecast rather than "never".
    expect(bagnacavallo).toMatchObject({ pagesPerDay: 0, practicesPerDay: 0, forecastDays: null, forecastDate: null });
    expect(p.overall).toMatchObject({
      comune: '*',
      comuneName: 'Totale',
      practices: 8,
      digitised: 3,
      pagesDigitised: 35,
      backlog: 5,
      pagesPerDay: 1,
      forecastDays: 75,
      forecastDate: '2024-06-13',
    });
  });

  it('lists every day of the window with the pages and practices archived that day', async () => {
    const p = await digitisationProgress(paper, UNION, { now: NOW, windowDays: 30 });
    expect(p.daily).toHaveLength(30);
    expect(p.daily[0]!.day).toBe('2024-03-01');
    expect(p.daily.at(-1)!.day).toBe('2024-03-30');
    expect(p.daily.filter((d) => d.pages > 0)).toEqual([
      { day: '2024-03-05', pages: 10, practices: 1 },
      { day: '2024-03-20', pages: 20, practices: 1 },
    ]);
    // A shorter window leaves the early-March practice out of the pace.
    const week = await digitisationProgress(paper, UNION, { now: NOW, windowDays: 7 });
    expect(week.daily.reduce((n, d) => n + d.pages, 0)).toBe(0);
    expect(week.comuni[0]).toMatchObject({ pagesPerDay: 0, forecastDays: null });
  });

  it('reports on the asked Comuni only, the total included', async () => {
    const p = await digitisationProgress(paper, UNION, { now: NOW, comuni: ['A547'] });
    expect(p.comuni.map((r) => r.comune)).toEqual(['A547']);
    expect(p.overall).toMatchObject({ practices: 2, digitised: 0, backlog: 2, forecastDays: null });
    expect(p.daily.every((d) => d.pages === 0)).toBe(true);
  });

  it('forecasts zero days when nothing is left, and keeps records of a Comune outside the configured union', () => {
    const p = buildProgress({
      counts: [
        {
          comune: 'E730',
          practices: 2,
          byState: { paper: 0, requested: 0, scanned: 0, archived: 2 },
          pagesArchived: 9,
        },
        {
          comune: 'C000',
          practices: 1,
          byState: { paper: 1, requested: 0, scanned: 0, archived: 0 },
          pagesArchived: 0,
        },
      ],
      perDay: [{ comune: 'E730', day: '2024-03-30', pages: 9, practices: 2 }],
      union: UNION,
      now: NOW,
      windowDays: 3,
    });
    expect(p.comuni.map((r) => r.comune)).toEqual(['E730', 'A547', 'C000']);
    expect(p.comuni[0]).toMatchObject({ backlog: 0, forecastDays: 0, forecastDate: '2024-03-30', pagesPerDay: 3 });
    expect(p.comuni[2]).toMatchObject({ comuneName: 'C000', backlog: 1 });
    expect(p.overall).toMatchObject({ practices: 3, backlog: 1, forecastDays: 2, forecastDate: '2024-04-01' });
  });

  it('starts the window at midnight UTC of its first day', () => {
    expect(windowStart(NOW, 30)).toBe('2024-03-01T00:00:00.000Z');
    expect(windowStart(NOW, 1)).toBe('2024-03-30T00:00:00.000Z');
  });
});
