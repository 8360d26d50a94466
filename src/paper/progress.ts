// Digitisation progress per Comune and for the whole union: how many practices and pages are digitised, at what pace
// over a recent window, what is left (backlog) and when it would be done at that pace (forecast).
import { comuneName, type UnionSettings } from '../tenancy/comuni.ts';
import { PAPER_STATES, type DigitisationCounts, type PaperState, type PaperStore } from './paper-store.ts';

export interface ProgressRow {
  comune: string; // '*' for the overall row
  comuneName: string;
  practices: number;
  byState: Record<PaperState, number>;
  /** Practices archived (= byState.archived). */
  digitised: number;
  pagesDigitised: number;
  /** Mean over the window. */
  pagesPerDay: number;
  practicesPerDay: number;
  /** Practices not archived yet. */
  backlog: number;
  /** Days to clear the backlog at practicesPerDay (whole days, rounded up); null when nothing was digitised lately. */
  forecastDays: number | null;
  /** UTC date (yyyy-mm-dd) the backlog would be cleared; null with forecastDays. */
  forecastDate: string | null;
}

export interface ProgressDay {
  day: string; // yyyy-mm-dd (UTC)
  pages: number;
  practices: number;
}

export interface Progress {
  generatedAt: string;
  windowDays: number;
  comuni: ProgressRow[];
  overall: ProgressRow;
  /** Every day of the window, oldest first, summed over the Comuni of the answer. */
  daily: ProgressDay[];
}

export const DEFAULT_WINDOW_DAYS = 30;
export const OVERALL_CODE = '*';
export const OVERALL_NAME = 'Totale';

const DAY_MS = 86_400_000;
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The window's first day: today and the windowDays - 1 days before it (UTC). */
export function windowStart(now: Date, windowDays: number): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (windowDays - 1) * DAY_MS).toISOString();
}

export interface ProgressInput {
  counts: readonly DigitisationCounts[];
  perDay: ReadonlyArray<{ comune: string; day: string; pages: number; practices: number }>;
  union: UnionSettings;
  now: Date;
  windowDays?: number;
  /** The Comuni to report on (default: every Comune of the union and any other the counts name). */
  comuni?: readonly string[];
}

/** The progress report from the store's counts and daily pages (pure). */
export function buildProgress(input: ProgressInput): Progress {
  const windowDays = input.windowDays ?? DEFAULT_WINDOW_DAYS;
  const { now, union } = input;
  const since = windowStart(now, windowDays);
  const days = Array.from({ length: windowDays }, (_, i) => utcDay(Date.parse(since) + i * DAY_MS));
  const inWindow = new Set(days);

  const wanted = input.comuni ? new Set(input.comuni) : undefined;
  const codes = [...union.comuni.map((c) => c.code), ...input.counts.map((c) => c.comune)].filter(
    (code, i, all) => all.indexOf(code) === i && (!wanted || wanted.has(code)),
  );
  const perDay = input.perDay.filter((d) => codes.includes(d.comune) && inWindow.has(d.day));

  const row = (code: string, name: string, counts: readonly DigitisationCounts[], daysOf: typeof perDay) => {
    const byState = Object.fromEntries(PAPER_STATES.map((s) => [s, 0])) as Record<PaperState, number>;
    let practices = 0;
    let pagesDigitised = 0;
    for (const c of counts) {
      practices += c.practices;
      pagesDigitised += c.pagesArchived;
      for (const s of PAPER_STATES) byState[s] += c.byState[s] ?? 0;
    }
    const pages = daysOf.reduce((n, d) => n + d.pages, 0);
    const done = daysOf.reduce((n, d) => n + d.practices, 0);
    return progressRow(code, name, { practices, byState, pagesDigitised, pages, done, windowDays, now });
  };

  const counts = input.counts.filter((c) => codes.includes(c.comune));
  const comuni = codes.map((code) =>
    row(
      code,
      comuneName(union, code),
      counts.filter((c) => c.comune === code),
      perDay.filter((d) => d.comune === code),
    ),
  );
  const overall = row(OVERALL_CODE, OVERALL_NAME, counts, perDay);
  const daily = days.map((day) => {
    const of = perDay.filter((d) => d.day === day);
    return { day, pages: of.reduce((n, d) => n + d.pages, 0), practices: of.reduce((n, d) => n + d.practices, 0) };
  });
  return { generatedAt: now.toISOString(), windowDays, comuni, overall, daily };
}

function progressRow(
  comune: string,
  name: string,
  t: {
    practices: number;
    byState: Record<PaperState, number>;
    pagesDigitised: number;
    pages: number; // in the window
    done: number; // practices archived in the window
    windowDays: number;
    now: Date;
  },
): ProgressRow {
  const digitised = t.byState.archived;
  const backlog = Math.max(0, t.practices - digitised);
  const practicesPerDay = t.done / t.windowDays;
  // backlog / practicesPerDay, in integers so that 45.000000001 days never round up to 46.
  const forecastDays = backlog === 0 ? 0 : t.done > 0 ? Math.ceil((backlog * t.windowDays) / t.done) : null;
  return {
    comune,
    comuneName: name,
    practices: t.practices,
    byState: t.byState,
    digitised,
    pagesDigitised: t.pagesDigitised,
    pagesPerDay: round2(t.pages / t.windowDays),
    practicesPerDay: round2(practicesPerDay),
    backlog,
    forecastDays,
    forecastDate: forecastDays === null ? null : utcDay(t.now.getTime() + forecastDays * DAY_MS),
  };
}

/** The progress report from the store, for `comuni` (default: all) over the last `windowDays` days. */
export async function digitisationProgress(
  paper: Pick<PaperStore, 'digitisationCounts' | 'pagesPerDay'>,
  union: UnionSettings,
  opts: { comuni?: readonly string[]; now?: Date; windowDays?: number } = {},
): Promise<Progress> {
  const now = opts.now ?? new Date();
  const windowDays = opts.windowDays ?? DEFAULT_WINDOW_DAYS;
  const filter = opts.comuni ? { comuni: opts.comuni } : {};
  const [counts, perDay] = await Promise.all([
    paper.digitisationCounts(filter),
    paper.pagesPerDay({ since: windowStart(now, windowDays), ...filter }),
  ]);
  return buildProgress({ counts, perDay, union, now, windowDays, ...filter });
}
