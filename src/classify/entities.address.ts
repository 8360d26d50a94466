// Street addresses in OCR text ("Via Roma n. 12", "p.zza dei Mille 3", "Località Boschetto snc"), normalised to
// "Via Roma" + civic "12".
import type { Address } from '../domain/ground-truth.ts';
import type { EntityMatch } from './classification.ts';
import { MONTH_RE } from './entities.dates.ts';
import { LOWER_PARTICLES, titleCaseWord } from './entities.names.ts';
import { START } from './entities.ocr-digits.ts';

const STREET_TYPES: Array<[string, string]> = [
  ['viale|v\\.\\s?le', 'Viale'],
  ['via', 'Via'],
  ['piazzale|p\\.\\s?le', 'Piazzale'],
  ['piazza|p\\.\\s?zza|p\\.\\s?za|p\\.za', 'Piazza'],
  ['piazzetta', 'Piazzetta'],
  ['corso|c\\.\\s?so', 'Corso'],
  ['vicolo|v\\.\\s?lo', 'Vicolo'],
  ['vico', 'Vico'],
  ['largo|l\\.\\s?go', 'Largo'],
  ['strada|str\\.', 'Strada'],
  ["localit[àa]'?|loc\\.", 'Località'],
  ['contrada|c\\.\\s?da', 'Contrada'],
  ['frazione|fraz\\.', 'Frazione'],
  ['borgo', 'Borgo'],
  ['lungomare', 'Lungomare'],
  ['salita', 'Salita'],
  ['traversa', 'Traversa'],
  ['galleria', 'Galleria'],
];
const STREET_TYPE_RE = STREET_TYPES.map(([re]) => re).join('|');
/** Words that end a street name: another street, a preposition leading elsewhere, a cadastral term. */
const STREET_STOP = `(?:(?:${STREET_TYPE_RE}|in|nel|nella|nei|presso|sito|sita|siti|site|foglio|mappale|cap|comune)(?![\\p{L}'’])|(?:e|ed|o)(?=\\s))`;
const NAME_WORD = `(?!${STREET_STOP})(?:[\\p{L}][\\p{L}'’]*\\.?|\\d{1,2}\\s+${MONTH_RE})`;
const CIVIC = `(\\d{1,4}(?:\\s?\\/\\s?[A-Za-z0-9]{1,3}|\\s?(?:bis|ter)(?![\\p{L}])|[A-Za-z](?![\\p{L}\\p{N}]))?|s\\.?\\s?n\\.?\\s?c\\.?)`;
const ADDRESS_RE = new RegExp(
  `${START}(${STREET_TYPE_RE})\\s+(${NAME_WORD}(?:[ \\t]+${NAME_WORD}){0,5}?)\\s*(?:,\\s*|\\s+)(?:(?:n(?:r|um(?:ero)?)?|civ(?:ico)?)\\s*[.°º:]?\\s*)?${CIVIC}(?![\\p{L}\\p{N}])`,
  'giu',
);

/** "VIA XX SETTEMBRE" → "Via XX Settembre", "p.zza dei mille" → "Piazza dei Mille". */
export function normaliseStreet(type: string, name: string): string {
  const canonical =
    STREET_TYPES.find(([re]) => new RegExp(`^(?:${re})$`, 'iu').test(type.trim()))?.[1] ??
    titleCaseWord(type, false, false);
  const words = name.trim().split(/\s+/u);
  return [canonical, ...words.map((w, i) => titleCaseWord(w, true, i > 0))].join(' ');
}

function normaliseCivic(civic: string): string {
  const c = civic.replace(/\s+/g, '');
  if (/^s\.?n\.?c\.?$/i.test(c)) return 'snc';
  return c
    .replace(/(bis|ter)$/i, (s) => s.toLowerCase())
    .replace(/[a-z]$/, (s) => s.toUpperCase())
    .replace(/\/([a-z]+)$/, (_m, s: string) => `/${s.toUpperCase()}`);
}

export function extractAddresses(text: string, page: number): EntityMatch<Address>[] {
  const out: EntityMatch<Address>[] = [];
  for (const m of text.matchAll(ADDRESS_RE)) {
    const [raw, type, name, civic] = m;
    // The name must look like a proper name: its first word, after any particle ("dei Mille"), starts with a
    // capital or a digit. This keeps "via PEC 3 volte" out but also lower-case OCR of a street.
    const nameWords = name!.trim().split(/\s+/u);
    const head = nameWords.find((w) => !LOWER_PARTICLES.has(w.toLowerCase())) ?? '';
    if (!/^[\p{Lu}\d]/u.test(head)) continue;
    out.push({
      value: { street: normaliseStreet(type!, name!), civic: normaliseCivic(civic!) },
      page,
      offset: m.index,
      raw,
      personal: false,
      corrected: false,
    });
  }
  return out;
}
