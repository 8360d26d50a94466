// Applicants in OCR text (personal data): the person or company a document is from or about. Each cue that introduces
// a name has a weight, so the document's best pick prefers a declared applicant to a name merely mentioned:
//   3  "Il sottoscritto X" (OCR: "ll sottoscritto", "La sottoscrittà", the article lost: "Til: ‘sottoscritto X"),
//      "Richiedente: X", "Committente: X",
//      "La società X S.r.l.,"
//   1  a recipient or a reference: "Egregio Sig. X", "alla Sig.ra X", "Per ricevuta: X", "da X, tendente a…",
//      "su incarico di X", and "Il sottoscritto Geom. X" (a titled professional signs for the applicant)
//   0.5 a company with its legal form anywhere ("Autofficina Rinaldi S.n.c."), or a public body heading the first
//      page ("PREFETTURA DI MODENA")
// A name is 2–5 capitalised words on one line ("ROSSI MARIO", "Aldo De Santis"), or 1–5 words before a legal form.
import type { EntityMatch } from './classification.ts';
import { titleCaseWord } from './entities.names.ts';
import { START } from './entities.ocr-digits.ts';

export interface ApplicantCandidate {
  match: EntityMatch<string>;
  weight: number;
}

/** Legal forms as OCR may render them ("S.r.l.", "S.R.L.", "Srl", "S.r.1.", "S. p. A."), each with its spelling. */
const LEGAL_FORMS: Array<[RegExp, string]> = [
  [/^S\.?\s?[rR]\.?\s?[lL1I]\.?\s?[sS]\.?(?![\p{L}\p{N}])/u, 'S.r.l.s.'],
  [/^S\.?\s?[rR]\.?\s?[lL1I]\.?(?![\p{L}\p{N}])/u, 'S.r.l.'],
  [/^S\.?\s?[pP]\.?\s?[aA]\.?(?![\p{L}\p{N}])/u, 'S.p.A.'],
  [/^S\.?\s?[nN]\.?\s?[cC]\.?(?![\p{L}\p{N}])/u, 'S.n.c.'],
  [/^S\.?\s?[aA]\.?\s?[sS]\.?(?![\p{L}\p{N}])/u, 'S.a.s.'],
];
/** The legal form that starts at `index`, in its usual spelling. */
function legalFormAt(text: string, index: number): { form: string; length: number } | undefined {
  const rest = text.slice(index, index + 12);
  for (const [re, form] of LEGAL_FORMS) {
    const m = re.exec(rest);
    if (m) return { form, length: m[0].length };
  }
  return undefined;
}

/** Words that end a name (what follows it in a sentence), or that are roles and places, not names. */
const NOT_A_NAME =
  /^(?:nato|nata|nati|residente|codice|cod|con|nella|nel|in|c\.?f\.?|via|piazza|proprietario|proprietaria|legale|tecnico|qualit[àa]|comune|sindaco|dirigente|responsabile|presidente|prefetto|ufficio|settore|spett|oggetto|tel)$/iu;
/** Lower-case words allowed inside a name when a capitalised word follows ("Prefettura di Modena"). */
const INNER_PARTICLE = /^(?:di|de|del|della|dei|degli|delle)$/u;

const HONORIFIC = `(?:sig(?:nor)?(?:\\.?\\s?ra|a)?|dott(?:\\.?\\s?ssa)?|avv)\\.?`;
const PROFESSIONAL = `(?:ing|arch|geom|p\\.?\\s?i(?:nd)?|per\\.?\\s?ind)\\.?`;

interface Cue {
  re: RegExp;
  weight: number;
  /** Weight when the name is preceded by a professional title (Ing., Arch., Geom.). */
  titledWeight?: number;
  /** Text that must follow the name. */
  after?: RegExp;
  /** The name must end in a legal form. */
  company?: boolean;
  /** Only the first line of the first page. */
  firstLine?: boolean;
  particlesLower?: boolean;
}

const cue = (source: string, flags = 'giu') => new RegExp(source, flags);

const CUES: Cue[] = [
  {
    re: cue(
      `${START}(?:(?:(?:(?:[il1|]{2}|la|i|le)\\s+)?sottoscritt[oaieàèéìòù](?:\\s*\\/\\s*[ao])?|richiedente|committente|intestatari[oa])\\s*[:,]?|la\\s+societ[àa]'?)\\s*` +
        `(?:(${PROFESSIONAL})\\s+|${HONORIFIC}\\s+)?`,
    ),
    weight: 3,
    titledWeight: 1,
  },
  {
    re: cue(`${START}(?:egregi[oa]|gentile|gent\\.?\\s?m[oa]|spett\\.?\\s?(?:le|li)\\.?)\\s+(?:${HONORIFIC}\\s+)?`),
    weight: 1,
  },
  { re: cue(`${START}(?:(?:al|alla)\\s+)?(?:sig(?:nor)?(?:\\.?\\s?ra|a)?\\.?|signora)\\s+`), weight: 1 },
  { re: cue(`${START}(?:al|alla)\\s+societ[àa]'?\\s+`), weight: 1 },
  { re: cue(`${START}per\\s+ricevuta\\s*[:.]?\\s*`), weight: 1 },
  { re: cue(`${START}su\\s+incarico\\s+d(?:i|ella|el)\\s+(?:${HONORIFIC}\\s+)?`), weight: 1 },
  { re: cue(`${START}da\\s+`), weight: 1, after: /^\s*,\s*(?:tendente|intes[ao]|volt[ao])/iu },
  { re: cue(`${START}(?=\\p{Lu})`), weight: 0.5, company: true },
  {
    re: cue(
      `${START}(?=(?:prefettura|questura|regione|provincia|tribunale|agenzia|ministero|consorzio|azienda|camera\\s+di\\s+commercio)\\s)`,
    ),
    weight: 0.5,
    firstLine: true,
    particlesLower: true,
  },
];

/** Reads a name starting at `index`: its words, their end, and the legal form that closes it. */
function readName(text: string, index: number): { words: string[]; end: number; form?: string } {
  const words: string[] = [];
  const ends: number[] = [];
  const wordRe = /[ \t]*([\p{L}'’]+)/uy;
  for (let pos = index; ;) {
    const spaces = /^[ \t]*/.exec(text.slice(pos, pos + 40))![0].length;
    const form = words.length > 0 ? legalFormAt(text, pos + spaces) : undefined;
    if (form) return { words, end: pos + spaces + form.length, form: form.form };
    if (words.length >= 5) break;
    wordRe.lastIndex = pos;
    const m = wordRe.exec(text);
    if (!m) break;
    const w = m[1]!;
    if (NOT_A_NAME.test(w)) break;
    if (!/^\p{Lu}/u.test(w)) {
      // "Prefettura di Modena": a particle between capitalised words
      const next = /^[ \t]+(\p{Lu})/u.exec(text.slice(pos + m[0].length));
      if (!(INNER_PARTICLE.test(w) && words.length > 0 && next)) break;
    }
    words.push(w);
    pos += m[0].length;
    ends.push(pos);
  }
  // a trailing particle is not part of the name
  while (words.length > 0 && INNER_PARTICLE.test(words[words.length - 1]!)) {
    words.pop();
    ends.pop();
  }
  return { words, end: ends[ends.length - 1] ?? index };
}

function firstLineStart(text: string): number {
  const m = /^[^\p{L}\n]*(?=\p{L}{3})/mu.exec(text);
  return m ? m.index + m[0].length : -1;
}

/** Where a legal form starts ("S.r.l." …; every spelling begins with a capital S), in text order. */
function legalFormStarts(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('S'); i >= 0; i = text.indexOf('S', i + 1)) if (legalFormAt(text, i)) out.push(i);
  return out;
}

/** Characters a company name and the blanks before its legal form are made of (see readName). */
const NAME_CHAR = /^[\p{L}'’ \t]$/u;

/** Start of the run of name characters that ends at `end` (not before `floor`); astral letters count whole. */
function nameRunStart(text: string, end: number, floor: number): number {
  let start = end;
  while (start > floor) {
    const code = text.charCodeAt(start - 1);
    const pair = code >= 0xdc00 && code <= 0xdfff && start - 2 >= floor ? text.slice(start - 2, start) : '';
    if (pair && NAME_CHAR.test(pair)) start -= 2;
    else if (NAME_CHAR.test(text[start - 1]!)) start -= 1;
    else break;
  }
  return start;
}

/**
 * The matches of the company cue that can end in a legal form. The cue matches at every word, and reading a name
 * from each was most of the extractor's time: a company name is a run of words and blanks right before a legal form,
 * so find the legal forms first and look for the cue only in the run before each. Yields what `matchAll` would, in
 * the same order, minus the matches no legal form follows.
 */
function* companyCueMatches(text: string, re: RegExp): Generator<RegExpExecArray> {
  const scan = new RegExp(re.source, re.flags);
  let from = 0;
  for (const form of legalFormStarts(text)) {
    scan.lastIndex = nameRunStart(text, form, from);
    for (let m = scan.exec(text); m !== null && m.index < form; m = scan.exec(text)) {
      yield m;
      // an empty match does not move lastIndex: step over one code point, as matchAll does
      if (m[0] === '') scan.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
    }
    from = form;
  }
}

/** The match of `re` starting at `index` (none when index < 0): what matchAll would find there, without a scan. */
function matchAt(text: string, re: RegExp, index: number): RegExpExecArray[] {
  if (index < 0) return [];
  const sticky = new RegExp(re.source, `${re.flags.replace('g', '')}y`);
  sticky.lastIndex = index;
  const m = sticky.exec(text);
  return m ? [m] : [];
}

export function extractApplicants(text: string, page: number): ApplicantCandidate[] {
  const byStart = new Map<number, ApplicantCandidate>();
  const firstLine = page === 1 ? firstLineStart(text) : -1;
  for (const c of CUES) {
    const matches = c.company
      ? companyCueMatches(text, c.re)
      : c.firstLine
        ? matchAt(text, c.re, firstLine)
        : text.matchAll(c.re);
    for (const m of matches) {
      const nameStart = m.index + m[0].length;
      // a company name starts at the first capitalised word of a run ("Impresa Edile Conti S.r.l.", not "Edile…")
      if (c.company && /\p{Lu}[\p{L}'’.]*[ \t]+$/u.test(text.slice(Math.max(0, m.index - 30), m.index))) continue;
      const name = readName(text, nameStart);
      if (c.company && !name.form) continue;
      if (name.words.length < (name.form ? 1 : 2)) continue;
      if (c.after && !c.after.test(text.slice(name.end))) continue;
      const value = [
        ...name.words.map((w, i) => titleCaseWord(w, c.particlesLower === true && i > 0, false)),
        ...(name.form ? [name.form] : []),
      ].join(' ');
      const weight = m[1] !== undefined && c.titledWeight !== undefined ? c.titledWeight : c.weight;
      const previous = byStart.get(nameStart);
      if (previous && previous.weight >= weight) continue;
      byStart.set(nameStart, {
        match: { value, page, offset: m.index, raw: text.slice(m.index, name.end), personal: true, corrected: false },
        weight,
      });
    }
  }
  return [...byStart.values()].sort((a, b) => a.match.offset - b.match.offset);
}
