// Search-result snippets from the ORIGINAL page text: a window of words around the best cluster of matches,
// matched words wrapped in <mark>…</mark>, everything else HTML-escaped. Words are compared on their normalised
// form and stem (italian-text.ts), so "ristrutturazioni" in the query highlights "ristrutturazione" in the text.

import { analyze, type AnalyzedToken } from './italian-text.ts';
import type { Highlight } from './query-parser.ts';

export interface SnippetOptions {
  /** Words in the window (default 30). */
  windowWords?: number;
  /** Words shown before the first match of the window (default 8). */
  wordsBefore?: number;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const HYPHEN_BREAK_RE = /-[ \t]*\r?\n[ \t]*/g;
const collapse = (s: string): string => s.replace(/\s+/g, ' ');

export function tokenMatches(token: AnalyzedToken, hl: Highlight): boolean {
  if (token.term !== null && hl.terms.has(token.term)) return true;
  for (const p of hl.prefixes) {
    if (token.word.startsWith(p) || (token.term !== null && token.term.startsWith(p))) return true;
  }
  return false;
}

/** Build the snippet; with no highlight (or no match in the text) it is the start of the page. */
export function makeSnippet(text: string, hl: Highlight | null, opts: SnippetOptions = {}): string {
  const windowWords = Math.max(1, opts.windowWords ?? 30);
  const wordsBefore = Math.min(windowWords - 1, Math.max(0, opts.wordsBefore ?? 8));
  const tokens = analyze(text);
  if (tokens.length === 0) return escapeHtml(collapse(text).trim().slice(0, 200));

  const matched = hl === null ? [] : tokens.map((t) => tokenMatches(t, hl));
  const matchPositions: number[] = [];
  for (let i = 0; i < matched.length && matchPositions.length < 200; i++) if (matched[i]) matchPositions.push(i);

  // Choose the window with the most distinct matched terms, then the most matches, then the earliest.
  let start = 0;
  if (matchPositions.length > 0) {
    let best = { distinct: -1, count: -1, start: 0 };
    for (const m of matchPositions) {
      const s = Math.max(0, m - wordsBefore);
      const e = Math.min(tokens.length, s + windowWords);
      const keys = new Set<string>();
      let count = 0;
      for (let i = s; i < e; i++) {
        if (!matched[i]) continue;
        count++;
        keys.add(tokens[i]!.term ?? tokens[i]!.word);
      }
      if (keys.size > best.distinct || (keys.size === best.distinct && count > best.count)) {
        best = { distinct: keys.size, count, start: s };
      }
    }
    start = best.start;
  }
  const end = Math.min(tokens.length, start + windowWords);

  let out = start > 0 ? '… ' : '';
  let cursor = tokens[start]!.start;
  for (let i = start; i < end; i++) {
    const t = tokens[i]!;
    out += escapeHtml(collapse(text.slice(cursor, t.start)));
    const raw = escapeHtml(text.slice(t.start, t.end).replace(HYPHEN_BREAK_RE, ''));
    out += matched[i] ? `<mark>${raw}</mark>` : raw;
    cursor = t.end;
  }
  // Keep punctuation glued to the last word ("edificio." / "art. 31)").
  const trailing = /^[^\s\p{L}\p{N}]{1,3}/u.exec(text.slice(cursor));
  if (trailing) out += escapeHtml(trailing[0]);
  if (end < tokens.length) out += ' …';
  return out;
}
