// Query planning helpers of the embedded search index (sqlite.search-index.ts, searchText): when to rank only the
// pages a selective filter leaves (filter-first), and how to order the candidates of a phrase query without bm25.
//
// Why phrases need their own plan: FTS5's bm25 needs each phrase's document frequency, which it computes by running
// the phrase over the WHOLE index (xQueryPhrase) on the first ranked row; for a phrase of common words that means
// walking both words' full posting lists and comparing positions, the larger part of the query (measured at 50k pages:
// newest 5,001 matches 6 ms unranked, 20 ms ranked, full phrase count 13 ms). A rowid constraint does not help (the
// count ignores it) and `rowid IN (…)` with rank is far worse: FTS5 drops bm25's cached frequencies at every
// per-rowid lookup, so each looked-up row recounts the phrase (200 rows: 1.3 s). So above the candidate cap a phrase
// query reads the newest candidates unranked and orders them by a proxy: the phrase in the title (bm25 weighs the
// title 5× the body) first, then newest first. The result is flagged approximate, as for common words.
//
// Measured and not adopted: the filter values as FTS5 tokens in a column of weight 0 (`word AND filt : (y1987 OR …)`,
// so that FTS5 intersects posting lists instead of probing a set). At 1M pages, common word + 11-year range +
// procedure: p50 55 → 47 ms (−14 %). But FTS5's bm25 takes the whole row's token count as the document length, so
// the extra tokens change every score (up to 0.6 %) and the order of some top-20s, with or without filters; and bm25
// still counts each filter token's document frequency (a doclist walk per year of the range) and scores it on every
// candidate. A second FTS5 table for the tokens keeps the scores but cannot intersect with the first.
import { foldAccents } from './italian-text.ts';

/** Filter-first plan threshold: a structured filter leaving at most this many pages is applied before the text. */
export const FILTER_FIRST_MAX_PAGES = 20_000;

/**
 * Whether every filter condition can be answered from an index (bounded count). A condition that needs a full scan
 * (the LIKE of a parcel number without its sheet) would make the estimate cost more than it saves.
 */
export function filtersIndexable(conds: string[]): boolean {
  return conds.length > 0 && conds.every((c) => !/\bLIKE\b|\bNOT IN\b/.test(c));
}

const W = '[\\p{L}\\p{N}]';
const NW = '[^\\p{L}\\p{N}]';

/**
 * A matcher for "this folded title contains one of these phrases": each phrase is its index terms (stems, which
 * prefix the folded words), consecutive or separated by at most two short words (the stop words the analyzer drops).
 * A proxy only, for ordering approximate results; null when there is no phrase.
 */
export function phraseTitleMatcher(phrases: string[][]): ((title: string) => boolean) | null {
  const alts = phrases
    .filter((terms) => terms.length > 0)
    .map((terms) => terms.map((t) => t.replace(/[^\p{L}\p{N}]/gu, '')).join(`${W}*(?:${NW}+${W}{1,3}){0,2}${NW}+`));
  if (alts.length === 0) return null;
  const re = new RegExp(`(?:^|${NW})(?:${alts.join('|')})`, 'u');
  return (title) => re.test(foldAccents(title).toLowerCase());
}

/**
 * Proxy rank (lower is better, like bm25) of a phrase candidate: title matches first, then newest first. `id` is
 * the page id, `maxId` the largest id among the candidates. An ungrouped search computes the same expression in SQL
 * (sqlite.search-index.ts, searchText): keep the two alike.
 */
export function proxyRank(inTitle: boolean, id: number, maxId: number): number {
  return -(inTitle ? 10 : 1) - id / (maxId + 1);
}

/**
 * A necessary condition, in SQL over `p.title`, for phraseTitleMatcher to match: cheap LIKEs that spare most titles
 * the JS matcher (and the crossing into JS). For a title of ASCII and of punctuation that folding leaves alone,
 * foldAccents is ASCII lower-casing, so each term of a matching phrase is a substring LIKE finds (it ignores ASCII
 * case); any other title (accented letters fold to ASCII ones) always goes to the matcher.
 */
export function titlePrefilter(phrases: string[][]): { sql: string; params: string[] } {
  const alts = phrases
    .map((terms) => terms.map((t) => t.replace(/[^\p{L}\p{N}]/gu, '')))
    .filter((terms) => terms.length > 0);
  const params: string[] = [];
  const likes = alts.map((terms) => {
    params.push(...terms.map((t) => `%${t}%`));
    return `(${terms.map(() => 'p.title LIKE ?').join(' AND ')})`;
  });
  return { sql: [`p.title GLOB '*${NOT_PLAIN}*'`, ...likes].join(' OR '), params };
}

/** GLOB class of the characters outside printable ASCII and a few punctuation marks that folding leaves alone. */
const NOT_PLAIN = "[^ -~—–‘’“”«»…°]";
