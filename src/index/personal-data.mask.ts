// Where applicants' personal data sits in free text, and masking it with "[omesso]": codici fiscali (also OCR-damaged
// or written with spaces after a "C.F." label), partite IVA after their label, and birth data ("nato a Padova il
// 12/03/1950", "data di nascita: …"). Used by field-access.ts on snippets, titles and any other string it returns.
// Names are not masked: they are part of the building record that a delegated professional consults.
import { escapeHtml } from './snippet.ts';

export const OMITTED = '[omesso]';

// Codice fiscale shape with OCR look-alikes allowed (0/1 in letter positions, O/I in digit positions; omocodia
// letters in digit positions), any case; at least two real digits so that 16-letter words never match.
const L = '[A-Z01]';
const D = '[0-9LMNPQRSTUVOI]';
const CF_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])${L}{6}${D}{2}[ABCDEHLMPRST]${D}{2}${L}${D}{3}${L}(?![\\p{L}\\p{N}])`,
  'dgiu',
);
const DIGITS_RE = /\d/g;

// "C.F.", "cod. fisc.", "codice fiscale", "P.IVA", "partita IVA", "VAT" followed by a code: 11 digits (partita IVA,
// or the codice fiscale of a firm: a sole trader's is personal, and the two cannot be told apart), 16 characters
// even when OCR broke the shape, or a codice fiscale typed in its 3-3-5-5 groups.
const ID_LABEL_RE =
  /(?<![\p{L}\p{N}])(?:c\.\s?f\.?|cod(?:ice)?\.?\s*fisc(?:ale)?\.?|p\.?\s?iva|partita\s+i\.?v\.?a\.?|vat(?:\s+(?:no|number))?)(?:\s*(?:e|\/)\s*(?:c\.\s?f\.?|p\.?\s?iva))?[\s.:n°º/-]*((?:IT\s?)?\d{11}|[A-Z0-9]{16}|[A-Z0-9]{3}\s[A-Z0-9]{3}\s[A-Z0-9]{5}\s[A-Z0-9]{5})(?![\p{L}\p{N}])/dgiu;
const IT_VAT_RE = /(?<![\p{L}\p{N}])IT\s?\d{11}(?![\p{L}\p{N}])/gu;

const MONTHS = 'gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre';
const DATE = `(?:\\d{1,2}\\s*[./-]\\s*\\d{1,2}\\s*[./-]\\s*\\d{2,4}|\\d{1,2}\\s*[°º]?\\s+(?:${MONTHS})\\s+\\d{2,4})`;
const PLACE = `\\p{Lu}[\\p{L}'’ .-]{0,40}?(?:\\s*\\(\\s*[A-Za-z]{2}\\s*\\))?`;
/** A place that ends where the clause does (comma, semicolon, line end, "residente", "C.F."). */
const PLACE_TO_END = `\\p{Lu}[^,;\\n()]{0,40}?(?:\\s*\\(\\s*[A-Za-z]{2}\\s*\\))?(?=\\s*[,;\\n]|\\s+(?:residente|c\\.\\s?f\\.?|codice)(?![\\p{L}])|\\s*$)`;
/** "nato a Padova (PD) il 12/03/1950" → place and date. */
const BORN_AT_RE = new RegExp(
  `(?<![\\p{L}])nat[oaie]\\s+a\\s+(${PLACE})\\s*,?\\s+(?:il|in\\s+data)\\s+(${DATE})`,
  'dgiu',
);
/** "nata il 3 aprile 1948 a Este" → date (and place when it follows). */
const BORN_ON_RE = new RegExp(`(?<![\\p{L}])nat[oaie]\\s+il\\s+(${DATE})(?:\\s*,?\\s+a\\s+(${PLACE_TO_END}))?`, 'dgiu');
/** "data di nascita: 12/03/1950", "luogo di nascita: Padova". */
const BIRTH_DATE_LABEL_RE = new RegExp(`data\\s+di\\s+nascita\\s*[:.]?\\s*(${DATE})`, 'dgiu');
const BIRTH_PLACE_LABEL_RE = new RegExp(`luogo\\s+di\\s+nascita\\s*[:.]?\\s*(${PLACE_TO_END})`, 'dgiu');

type Span = [number, number];

function groupSpans(re: RegExp, text: string, out: Span[], accept: (v: string) => boolean = () => true): void {
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    const indices = m.indices!; // every regex given here has the d flag
    for (let g = 1; g < m.length; g++) {
      const v = m[g];
      if (v === undefined || v === '' || !accept(v)) continue;
      out.push([indices[g]![0], indices[g]![1]]);
    }
  }
}

/** Character ranges of personal data in a plain text, sorted and merged. */
export function personalDataSpans(text: string): Span[] {
  const spans: Span[] = [];
  CF_RE.lastIndex = 0;
  for (const m of text.matchAll(CF_RE)) {
    if ((m[0].match(DIGITS_RE) ?? []).length >= 2) spans.push([m.index!, m.index! + m[0].length]);
  }
  for (const m of text.matchAll(IT_VAT_RE)) spans.push([m.index!, m.index! + m[0].length]);
  // A labelled code holds digits (a CF has seven, a partita IVA eleven): "C.F. del richiedente" is not one.
  groupSpans(ID_LABEL_RE, text, spans, (v) => (v.match(DIGITS_RE) ?? []).length >= 2);
  for (const re of [BORN_AT_RE, BORN_ON_RE, BIRTH_DATE_LABEL_RE, BIRTH_PLACE_LABEL_RE]) groupSpans(re, text, spans);
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** Plain text with personal data replaced by "[omesso]". */
export function maskPersonalData(text: string): string {
  const spans = personalDataSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [s, e] of spans) {
    out += text.slice(at, s) + OMITTED;
    at = e;
  }
  return out + text.slice(at);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The same for a snippet (HTML-escaped text with <mark> tags, snippet.ts): masking works on the decoded text, so a
 * code split by escaping or highlighted as a match is still found; a <mark> pair touching masked text is dropped,
 * every other tag is kept, and the result is escaped again.
 */
export function maskPersonalDataHtml(html: string): string {
  const chars: string[] = [];
  const tags: { pos: number; open: boolean }[] = [];
  for (let i = 0; i < html.length;) {
    if (html.startsWith('<mark>', i)) {
      tags.push({ pos: chars.length, open: true });
      i += 6;
    } else if (html.startsWith('</mark>', i)) {
      tags.push({ pos: chars.length, open: false });
      i += 7;
    } else {
      const ent = html[i] === '&' ? /^&(?:amp|lt|gt|quot|#39);/.exec(html.slice(i, i + 6)) : null;
      chars.push(ent ? ENTITIES[ent[0]]! : html[i]!);
      i += ent ? ent[0].length : 1;
    }
  }
  const plain = chars.join('');
  const spans = personalDataSpans(plain);
  if (spans.length === 0) return html;
  // Pair the tags; a pair overlapping a masked span goes.
  const dropped = new Set<number>();
  let openAt = -1;
  tags.forEach((t, i) => {
    if (t.open) openAt = i;
    else if (openAt >= 0) {
      const o = tags[openAt]!.pos;
      if (spans.some(([s, e]) => o < e && s < t.pos)) dropped.add(openAt).add(i);
      openAt = -1;
    }
  });
  let out = '';
  let ti = 0;
  let si = 0;
  const emitTags = (pos: number): void => {
    for (; ti < tags.length && tags[ti]!.pos <= pos; ti++) {
      if (tags[ti]!.pos === pos && !dropped.has(ti)) out += tags[ti]!.open ? '<mark>' : '</mark>';
    }
  };
  for (let pos = 0; pos < plain.length;) {
    emitTags(pos);
    const span = spans[si];
    if (span !== undefined && span[0] === pos) {
      out += OMITTED;
      pos = span[1];
      si++;
      continue;
    }
    out += escapeHtml(plain[pos]!);
    pos++;
  }
  emitTags(plain.length);
  return out;
}
