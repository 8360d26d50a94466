// Entity extraction from OCR text: practice references, protocol numbers, dates, addresses, cadastral references,
// codici fiscali, partite IVA and applicant names. Every match keeps its page, offset and raw text.
//
// OCR tolerance: in numeric positions the look-alikes O/o → 0 and l/I/| → 1 are read as digits (a match must still
// be mostly real digits), spacing around punctuation is free, and "n.", "n°", "nr.", "num." are all accepted.
import type { Address, Cadastral } from '../domain/ground-truth.ts';
import type { ProcedureType } from '../domain/vocabulary.ts';
import type {
  BestEntity,
  EntityMatch,
  ExtractedEntities,
  PracticeRefValue,
  ProtocolValue,
} from './classification.ts';

// ── shared pieces ────────────────────────────────────────────────────────────────────────────────────────────

/** A digit as OCR may render it. */
const D = '[0-9OoIl|]';
/** A 4-digit year as OCR may render it (must start like 1… or 2…). */
const Y4 = `[12lI|]${D}{3}`;
/** Number marker: "n.", "n°", "nº", "nr.", "num.", "numero", "N:" (optional). */
const NUM = `(?:(?:n(?:r|um(?:ero)?)?|N(?:R|UM(?:ERO)?)?)\\s*[.°º:]?\\s*)?`;
/** Not preceded by a letter or digit. */
const START = '(?<![\\p{L}\\p{N}])';

const MONTHS: Record<string, number> = {
  gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6,
  luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
  gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, sett: 9, ott: 10, nov: 11, dic: 12,
};
const MONTH_RE = '(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|sett|gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)';

const NUMERIC_DATE = `${D}{1,2}\\s?([\\/\\-.])\\s?${D}{1,2}\\s?\\1\\s?(?:${Y4}|${D}{2})(?![0-9])`;
const TEXT_DATE = `${D}{1,2}\\s*(?:°|º|o(?=\\s))?\\s*${MONTH_RE}\\.?(?![\\p{L}])\\s*,?\\s*${Y4}(?![0-9])`;

const CONFUSABLE: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', '|': '1' };

/** Read an OCR'd number token: "l234" → 1234, "O3" → 3. */
export function ocrDigits(token: string): string {
  return token.replace(/[OoIl|]/g, (c) => CONFUSABLE[c] ?? c);
}

/** At least half of the digit characters must be real digits (rejects words like "lo", "Il"). */
function mostlyDigits(...tokens: Array<string | undefined>): boolean {
  let real = 0;
  let total = 0;
  for (const t of tokens) {
    if (!t) continue;
    for (const c of t) {
      if (/[0-9]/.test(c)) real++;
      if (/[0-9OoIl|]/.test(c)) total++;
    }
  }
  return total > 0 && real * 2 >= total;
}

function hasConfusable(...tokens: Array<string | undefined>): boolean {
  return tokens.some((t) => t !== undefined && /[OoIl|]/.test(t));
}

/** A match beginning with a letter look-alike must not be glued to a preceding letter ("del2/03" is not "12/03"). */
function confusableStartOk(text: string, index: number): boolean {
  const c = text[index] ?? '';
  if (!/[OoIl|]/.test(c)) return true;
  return !/\p{L}/u.test(text[index - 1] ?? '');
}

const CURRENT_YEAR = new Date().getFullYear();

/** Two-digit years: up to the current year's last two digits → 20xx, otherwise 19xx. */
export function expandYear(digits: string): number {
  const n = Number(digits);
  if (digits.length >= 3) return n;
  return n <= CURRENT_YEAR % 100 ? 2000 + n : 1900 + n;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1850 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1]!;
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function foldAccents(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** Parse one date written in Italian ("12/03/1987", "12-03-87", "1° aprile 2001", "3 marzo 2019") → ISO, or undefined. */
export function parseItalianDate(raw: string): { iso: string; corrected: boolean } | undefined {
  const numeric = new RegExp(`^(${D}{1,2})\\s?[\\/\\-.]\\s?(${D}{1,2})\\s?[\\/\\-.]\\s?(${Y4}|${D}{2})$`, 'u').exec(raw.trim());
  if (numeric) {
    const [, d, m, y] = numeric;
    if (!mostlyDigits(d, m, y)) return undefined;
    const year = expandYear(ocrDigits(y!));
    const month = Number(ocrDigits(m!));
    const day = Number(ocrDigits(d!));
    if (!isValidDate(year, month, day)) return undefined;
    return { iso: iso(year, month, day), corrected: hasConfusable(d, m, y) };
  }
  const text = new RegExp(`^(${D}{1,2})\\s*(?:°|º|o)?\\s*(${MONTH_RE})\\.?\\s*,?\\s*(${Y4})$`, 'iu').exec(
    foldAccents(raw.trim()),
  );
  if (text) {
    const [, d, mName, y] = text;
    if (!mostlyDigits(d, y)) return undefined;
    const month = MONTHS[mName!.toLowerCase()];
    const year = Number(ocrDigits(y!));
    const day = Number(ocrDigits(d!));
    if (month === undefined || !isValidDate(year, month, day)) return undefined;
    return { iso: iso(year, month, day), corrected: hasConfusable(d, y) };
  }
  return undefined;
}

interface Span {
  start: number;
  end: number;
}
function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

// ── practice references ──────────────────────────────────────────────────────────────────────────────────────

interface PrefixSpec {
  source: string;
  caseSensitive?: boolean;
  prefix: string;
  procedureType?: ProcedureType;
}

/** Spellings of practice prefixes; bare abbreviations are upper case only ("PE", "CE", not "pe", "ce"). */
const PRACTICE_PREFIXES: PrefixSpec[] = [
  { source: 'pratic[ah]\\s*edilizi[ae]', prefix: 'PE' },
  { source: 'pratica', prefix: 'PE' }, // "Pratica n. 123/1987" in a building archive is a pratica edilizia
  { source: 'P\\.?\\s?E\\.?', caseSensitive: true, prefix: 'PE' },
  { source: 'permesso\\s*(?:di\\s*)?costruire', prefix: 'PDC', procedureType: 'permesso_di_costruire' },
  { source: 'P\\.?\\s?[dD]\\.?\\s?C\\.?', caseSensitive: true, prefix: 'PDC', procedureType: 'permesso_di_costruire' },
  { source: 'S\\.?\\s?C\\.?\\s?I\\.?\\s?A\\.?(?:\\s*edilizia)?', prefix: 'SCIA', procedureType: 'scia' },
  { source: 'segnalazione\\s*certificata\\s*(?:di\\s*)?inizio\\s*attivit[àa]\'?', prefix: 'SCIA', procedureType: 'scia' },
  { source: 'C\\.?\\s?I\\.?\\s?L\\.?\\s?A\\.?', prefix: 'CILA', procedureType: 'cila' },
  { source: 'D\\.?\\s?I\\.?\\s?A\\.?', caseSensitive: true, prefix: 'DIA', procedureType: 'dia' },
  { source: 'denuncia\\s*(?:di\\s*)?inizio\\s*(?:di\\s*)?attivit[àa]\'?', prefix: 'DIA', procedureType: 'dia' },
  { source: 'concessione\\s*edilizia\\s*in\\s*sanatoria', prefix: 'CE', procedureType: 'condono' },
  { source: 'concessione\\s*(?:edilizia|ad\\s*edificare)', prefix: 'CE', procedureType: 'concessione_edilizia' },
  { source: 'C\\.?\\s?E\\.?', caseSensitive: true, prefix: 'CE', procedureType: 'concessione_edilizia' },
  { source: 'licenza\\s*(?:edilizia|edile|di\\s*costruzione)', prefix: 'LE', procedureType: 'licenza_edilizia' },
  { source: 'L\\.?\\s?E\\.?', caseSensitive: true, prefix: 'LE', procedureType: 'licenza_edilizia' },
  { source: '(?:domanda\\s*di\\s*|pratica\\s*di\\s*)?condono(?:\\s*edilizio)?', prefix: 'COND', procedureType: 'condono' },
  { source: 'COND\\.?', caseSensitive: true, prefix: 'COND', procedureType: 'condono' },
  { source: '(?:certificato\\s*di\\s*)?(?:agibilit|abitabilit)[àa]\'?', prefix: 'AGI', procedureType: 'agibilita' },
  { source: 'AGI\\.?', caseSensitive: true, prefix: 'AGI', procedureType: 'agibilita' },
  { source: 'autorizzazione\\s*paesaggistica', prefix: 'AP', procedureType: 'autorizzazione_paesaggistica' },
  { source: 'A\\.?\\s?P\\.?', caseSensitive: true, prefix: 'AP', procedureType: 'autorizzazione_paesaggistica' },
];

const PRACTICE_TAIL = `\\s*(?:[,:]\\s*)?${NUM}(${D}{1,6})\\s*\\/\\s*(${Y4}|${D}{2})(?![0-9])`;

const PRACTICE_RES = PRACTICE_PREFIXES.map((spec) => ({
  spec,
  re: new RegExp(`${START}(?:${spec.source})${PRACTICE_TAIL}`, spec.caseSensitive ? 'gu' : 'giu'),
}));

function extractPracticeRefs(text: string, page: number): EntityMatch<PracticeRefValue>[] {
  const found: Array<EntityMatch<PracticeRefValue> & Span> = [];
  for (const { spec, re } of PRACTICE_RES) {
    for (const m of text.matchAll(re)) {
      const [raw, num, yr] = m;
      if (!mostlyDigits(num, yr)) continue;
      const number = Number(ocrDigits(num!));
      const year = expandYear(ocrDigits(yr!));
      if (number < 1 || year < 1900 || year > CURRENT_YEAR + 1) continue;
      const value: PracticeRefValue = { prefix: spec.prefix, number, year };
      if (spec.procedureType) value.procedureType = spec.procedureType;
      found.push({
        value,
        page,
        offset: m.index,
        raw,
        personal: false,
        corrected: hasConfusable(num, yr),
        start: m.index,
        end: m.index + raw.length,
      });
    }
  }
  // Several spellings can match the same place ("Concessione edilizia in sanatoria" / "Concessione edilizia"):
  // keep the longest match at each place.
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: typeof found = [];
  for (const f of found) if (!kept.some((k) => overlaps(k, f))) kept.push(f);
  return kept.map(({ start: _s, end: _e, ...rest }) => rest);
}

// ── protocol numbers ─────────────────────────────────────────────────────────────────────────────────────────

const PROTOCOL_RE = new RegExp(
  `${START}(?:n\\.?\\s*(?:di\\s*)?pr[o0]t(?:ocollo)?\\.?|pr[o0]t(?:ocollo)?\\.?(?:\\s*gen(?:erale|\\.)?)?(?:\\s*in\\s*(?:arrivo|entrata))?)` +
    `\\s*(?:[,:]\\s*)?${NUM}(${D}{1,8})(?![0-9])` +
    `(?:\\s*\\/\\s*(${Y4})(?![0-9]))?` +
    `(?:[\\s,;:\\-–—]*(?:del|dd\\.?|data|in\\s*data)?[\\s.:]*(${NUMERIC_DATE.replace('\\1', '\\4')}|${TEXT_DATE}))?`,
  'giu',
);

function extractProtocols(text: string, page: number): EntityMatch<ProtocolValue>[] {
  const out: EntityMatch<ProtocolValue>[] = [];
  for (const m of text.matchAll(PROTOCOL_RE)) {
    const [raw, num, yr, dateRaw] = m;
    if (!mostlyDigits(num)) continue;
    const number = Number(ocrDigits(num!));
    if (number < 1) continue;
    const value: ProtocolValue = { number };
    let corrected = hasConfusable(num);
    if (yr !== undefined && mostlyDigits(yr)) {
      const year = Number(ocrDigits(yr));
      if (year >= 1850 && year <= CURRENT_YEAR + 1) value.year = year;
      corrected ||= hasConfusable(yr);
    }
    let rawText = raw;
    if (dateRaw !== undefined) {
      const date = parseItalianDate(dateRaw);
      if (date) {
        value.date = date.iso;
        value.year ??= Number(date.iso.slice(0, 4));
        corrected ||= date.corrected;
      } else {
        // An invalid date is not part of the protocol reference.
        rawText = raw.slice(0, raw.length - dateRaw.length).replace(/[\s,;:\-–—]*(?:del|dd\.?|data|in\s*data)?[\s.:]*$/iu, '');
      }
    }
    out.push({ value, page, offset: m.index, raw: rawText, personal: false, corrected });
  }
  return out;
}

// ── dates ────────────────────────────────────────────────────────────────────────────────────────────────────

const DATE_RES = [
  new RegExp(`(?<![0-9])${NUMERIC_DATE}`, 'gu'),
  new RegExp(`(?<![0-9])${TEXT_DATE}`, 'giu'),
];

function extractDates(text: string, page: number): EntityMatch<string>[] {
  const out: EntityMatch<string>[] = [];
  for (const re of DATE_RES) {
    for (const m of text.matchAll(re)) {
      if (!confusableStartOk(text, m.index)) continue;
      const parsed = parseItalianDate(m[0]);
      if (!parsed) continue;
      out.push({ value: parsed.iso, page, offset: m.index, raw: m[0], personal: false, corrected: parsed.corrected });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

// ── addresses ────────────────────────────────────────────────────────────────────────────────────────────────

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

const LOWER_PARTICLES = new Set([
  'di', 'de', 'del', 'dei', 'degli', 'della', 'delle', 'dello', 'da', 'dal', 'dalla', 'e', 'ed', 'al', 'alla', 'alle', 'agli', 'ai', 'allo', 'sul', 'sulla', 'in',
]);

const ROMAN_NUMERAL = /^(?=[mdclxvi])m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$/i;

/**
 * Capitalise one word of a street or person name. `particlesLower`: "dei", "della"… stay lower case (street names);
 * `elisionLower`: "d'Assisi" keeps a lower-case elided particle (not the first word of a name: "D'Annunzio").
 */
function titleCaseWord(w: string, particlesLower: boolean, elisionLower: boolean): string {
  const lower = w.toLowerCase();
  if (particlesLower && LOWER_PARTICLES.has(lower)) return lower;
  if (w.length <= 6 && ROMAN_NUMERAL.test(w) && !/^(?:di|mi|vi|li|ci|dici|mille)$/i.test(w)) return w.toUpperCase();
  const elided = elisionLower && /^(?:d|dell|dall|all|sull|nell)['’]/i.test(lower);
  return lower.replace(/(^|['’])(\p{L})/gu, (_m, sep: string, ch: string) =>
    sep === '' && elided ? ch : sep + ch.toUpperCase(),
  );
}

/** "VIA XX SETTEMBRE" → "Via XX Settembre", "p.zza dei mille" → "Piazza dei Mille". */
export function normaliseStreet(type: string, name: string): string {
  const canonical =
    STREET_TYPES.find(([re]) => new RegExp(`^(?:${re})$`, 'iu').test(type.trim()))?.[1] ?? titleCaseWord(type, false, false);
  const words = name.trim().split(/\s+/u);
  return [canonical, ...words.map((w, i) => titleCaseWord(w, true, i > 0))].join(' ');
}

function normaliseCivic(civic: string): string {
  const c = civic.replace(/\s+/g, '');
  if (/^s\.?n\.?c\.?$/i.test(c)) return 'snc';
  return c.replace(/(bis|ter)$/i, (s) => s.toLowerCase()).replace(/[a-z]$/, (s) => s.toUpperCase()).replace(/\/([a-z]+)$/, (_m, s: string) => `/${s.toUpperCase()}`);
}

function extractAddresses(text: string, page: number): EntityMatch<Address>[] {
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

// ── cadastral references ─────────────────────────────────────────────────────────────────────────────────────

const FOGLIO = `(?:fo[gq][l1iI|]{1,2}[o0]|fgl?\\.?|fog\\.|F\\.)`;
const MAPPALE = `(?:mappal[ei]|mapp?\\.?(?:li)?|particell[ae]|part\\.?(?:lla)?|p\\.?\\s?ll?a\\.?|p\\.?\\s?lle\\.?)`;
const SUB = `(?:subaltern[oi]|sub\\.?)`;
const CAD_NUM = `\\s*(?:n\\.?|n°|nr\\.?)?\\s*[:.]?\\s*`;
/** A cadastral number ends at a non-letter, or runs straight into "sub" ("345sub. 6"); "34S" is not 34. */
const CAD_END = '(?![0-9])(?=$|[^\\p{L}]|sub)';
const CADASTRAL_RE = new RegExp(
  `${START}${FOGLIO}${CAD_NUM}(${D}{1,4})${CAD_END}[\\s,;.\\-–]*(?:e\\s+|del\\s+)?${MAPPALE}${CAD_NUM}(${D}{1,5})${CAD_END}` +
    `(?:[\\s,;.\\-–]*(?:e\\s+)?${SUB}${CAD_NUM}(${D}{1,4})${CAD_END})?`,
  'giu',
);

function extractCadastral(text: string, page: number): EntityMatch<Cadastral>[] {
  const out: EntityMatch<Cadastral>[] = [];
  for (const m of text.matchAll(CADASTRAL_RE)) {
    const [raw, f, map, sub] = m;
    if (!mostlyDigits(f, map, sub)) continue;
    const foglio = Number(ocrDigits(f!));
    const mappale = Number(ocrDigits(map!));
    if (foglio < 1 || mappale < 1) continue;
    const value: Cadastral = { foglio, mappale };
    if (sub !== undefined && mostlyDigits(sub) && Number(ocrDigits(sub)) > 0) value.subalterno = Number(ocrDigits(sub));
    const corrected = hasConfusable(f, map, sub) || !/^(?:foglio|fgl?\.?|fog\.|F\.)/i.test(raw);
    out.push({ value, page, offset: m.index, raw, personal: false, corrected });
  }
  return out;
}

// ── codice fiscale ───────────────────────────────────────────────────────────────────────────────────────────

const CF_ODD: Record<string, number> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};
const CF_SHAPE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;
const CF_DIGIT_POSITIONS = new Set([6, 7, 9, 10, 12, 13, 14]);

/** The check character of the first 15 characters of a codice fiscale. */
export function codiceFiscaleCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15[i]!;
    // 1-based odd positions use the odd table; even positions use the plain value (0-9, A=0 … Z=25).
    sum += i % 2 === 0 ? CF_ODD[c]! : /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26));
}

export function isValidCodiceFiscale(cf: string): boolean {
  const s = cf.toUpperCase();
  if (!CF_SHAPE.test(s)) return false;
  return codiceFiscaleCheckChar(s.slice(0, 15)) === s[15];
}

/** Fix O/0 and I/1 confusion by position (letters in letter positions, digits in digit positions). */
function repairCodiceFiscale(cf: string): string {
  return [...cf.toUpperCase()]
    .map((c, i) => {
      if (CF_DIGIT_POSITIONS.has(i)) return c === 'O' ? '0' : c === 'I' ? '1' : c;
      return c === '0' ? 'O' : c === '1' ? 'I' : c;
    })
    .join('');
}

const CF_RE = /(?<![\p{L}\p{N}])[A-Za-z0-9]{16}(?![\p{L}\p{N}])/gu;

function extractTaxCodes(text: string, page: number): EntityMatch<string>[] {
  const out: EntityMatch<string>[] = [];
  for (const m of text.matchAll(CF_RE)) {
    const raw = m[0];
    if (raw !== raw.toUpperCase() && raw !== raw.toLowerCase()) continue; // mixed case: a word, not a code
    const upper = raw.toUpperCase();
    if (isValidCodiceFiscale(upper)) {
      out.push({ value: upper, page, offset: m.index, raw, personal: true, corrected: false });
      continue;
    }
    const repaired = repairCodiceFiscale(upper);
    if (repaired !== upper && isValidCodiceFiscale(repaired)) {
      out.push({ value: repaired, page, offset: m.index, raw, personal: true, corrected: true });
    }
  }
  return out;
}

// ── partita IVA ──────────────────────────────────────────────────────────────────────────────────────────────

/** Check digit of a partita IVA (Luhn variant): 11 digits, not all zeros. */
export function isValidPartitaIva(piva: string): boolean {
  if (!/^[0-9]{11}$/.test(piva) || /^0+$/.test(piva)) return false;
  let sum = 0;
  for (let i = 0; i < 11; i++) {
    let d = Number(piva[i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A bare 11-digit number is a partita IVA only when labelled ("P.IVA", "partita IVA", "C.F.", "VAT") or "IT"-prefixed. */
const VAT_LABEL = /(?:p\.?\s?iva|partita\s*i\.?v\.?a\.?|p\.\s?i\.|c\.?\s?f\.|cod(?:ice)?\.?\s*fisc(?:ale)?\.?|vat(?:\s*(?:no|number))?|i\.v\.a\.)[\s.:\/n°ºr]*$/iu;
const VAT_RE = /(?<![\p{L}\p{N}])(IT\s?)?([0-9Oo]{11})(?![\p{L}\p{N}])/gu;

function extractVatNumbers(text: string, page: number): EntityMatch<string>[] {
  const out: EntityMatch<string>[] = [];
  for (const m of text.matchAll(VAT_RE)) {
    const [raw, itPrefix, digits] = m;
    if (!mostlyDigits(digits)) continue;
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    // Allow "C.F./P.IVA" or "P.IVA e C.F." chains: the label just has to end right before the number.
    if (itPrefix === undefined && !VAT_LABEL.test(before)) continue;
    const value = ocrDigits(digits!);
    if (!isValidPartitaIva(value)) continue;
    out.push({ value, page, offset: m.index, raw, personal: true, corrected: value !== digits });
  }
  return out;
}

// ── applicant ────────────────────────────────────────────────────────────────────────────────────────────────

const APPLICANT_RE = new RegExp(
  `${START}(?:(?:il|la|i|le)\\s+sottoscritt[oaie](?:\\s*\\/\\s*[ao])?|richiedente|committente|intestatari[oa])\\s*[:,]?\\s*` +
    `(?:(?:sig(?:nor)?\\.?(?:ra)?|sig\\.ra|dott\\.?(?:ssa)?|ing|arch|geom|avv)\\.?\\s+)?` +
    `((?:[\\p{L}'’]+[ \\t]*){1,4})`,
  'giu',
);
const NOT_A_NAME = /^(?:nato|nata|nati|residente|codice|cod|con|nella|nel|in|c\.?f\.?|via|piazza|proprietario|proprietaria|legale|tecnico|in qualit[àa])$/iu;

function extractApplicants(text: string, page: number): EntityMatch<string>[] {
  const out: EntityMatch<string>[] = [];
  for (const m of text.matchAll(APPLICANT_RE)) {
    const group = m[1]!;
    const groupStart = m.index + m[0].length - group.length;
    const words: Array<{ w: string; end: number }> = [];
    for (const wm of group.matchAll(/[\p{L}'’]+/gu)) {
      if (NOT_A_NAME.test(wm[0]) || !/^\p{Lu}/u.test(wm[0])) break;
      words.push({ w: wm[0], end: wm.index + wm[0].length });
    }
    if (words.length < 2) continue;
    const value = words.map(({ w }) => titleCaseWord(w, false, false)).join(' ');
    const raw = text.slice(m.index, groupStart + words[words.length - 1]!.end);
    out.push({ value, page, offset: m.index, raw, personal: true, corrected: false });
  }
  return out;
}

// ── formatting (keys shared with the search index) ───────────────────────────────────────────────────────────

/** "PE 123/1987" */
export function formatPracticeRef(r: { prefix: string; number: number; year: number }): string {
  return `${r.prefix} ${r.number}/${r.year}`;
}
/** "1234/2020" (number/year), or the bare number when the year is unknown. */
export function formatProtocol(p: ProtocolValue): string {
  return p.year !== undefined ? `${p.number}/${p.year}` : String(p.number);
}
/** "Via Roma 12" */
export function formatAddress(a: Address): string {
  return `${a.street} ${a.civic}`;
}
/** "F12 M345 S6" */
export function formatCadastral(c: Cadastral): string {
  return `F${c.foglio} M${c.mappale}${c.subalterno !== undefined ? ` S${c.subalterno}` : ''}`;
}

// ── best pick and entry point ────────────────────────────────────────────────────────────────────────────────

/**
 * The value that occurs most often (values grouped by `key`); ties go to the richer value, then to the first
 * occurrence. Within the chosen group the richest occurrence (then the first) represents it.
 */
function pickBest<V>(
  matches: EntityMatch<V>[],
  key: (v: V) => string,
  richness: (v: V) => number = () => 0,
): BestEntity<V> | undefined {
  const before = (a: EntityMatch<V>, b: EntityMatch<V>) => a.page < b.page || (a.page === b.page && a.offset < b.offset);
  const groups = new Map<string, EntityMatch<V>[]>();
  for (const m of matches) {
    const k = key(m.value);
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  let best: { rep: EntityMatch<V>; first: EntityMatch<V>; count: number; rich: number } | undefined;
  for (const group of groups.values()) {
    const first = group.reduce((a, b) => (before(b, a) ? b : a));
    const rep = group.reduce((a, b) => (richness(b.value) > richness(a.value) ? b : a));
    const cand = { rep, first, count: group.length, rich: richness(rep.value) };
    if (
      !best ||
      cand.count > best.count ||
      (cand.count === best.count && cand.rich > best.rich) ||
      (cand.count === best.count && cand.rich === best.rich && before(cand.first, best.first))
    ) {
      best = cand;
    }
  }
  return best && { ...best.rep, occurrences: best.count };
}

/** Extract every entity from the OCR text of a document's pages (index 0 = page 1). */
export function extractEntities(pages: string[]): ExtractedEntities {
  const practiceRefs: EntityMatch<PracticeRefValue>[] = [];
  const protocols: EntityMatch<ProtocolValue>[] = [];
  const dates: EntityMatch<string>[] = [];
  const addresses: EntityMatch<Address>[] = [];
  const cadastral: EntityMatch<Cadastral>[] = [];
  const taxCodes: EntityMatch<string>[] = [];
  const vatNumbers: EntityMatch<string>[] = [];
  const applicants: EntityMatch<string>[] = [];

  pages.forEach((text, i) => {
    const page = i + 1;
    practiceRefs.push(...extractPracticeRefs(text, page));
    protocols.push(...extractProtocols(text, page));
    dates.push(...extractDates(text, page));
    addresses.push(...extractAddresses(text, page));
    cadastral.push(...extractCadastral(text, page));
    taxCodes.push(...extractTaxCodes(text, page));
    vatNumbers.push(...extractVatNumbers(text, page));
    applicants.push(...extractApplicants(text, page));
  });

  return {
    practiceRefs,
    protocols,
    dates,
    addresses,
    cadastral,
    taxCodes,
    vatNumbers,
    applicants,
    best: {
      practiceRef: pickBest(practiceRefs, (v) => `${v.number}/${v.year}`, (v) => (v.procedureType ? 1 : 0) + (v.prefix !== 'PE' ? 1 : 0)),
      protocol: pickBest(protocols, (v) => String(v.number), (v) => (v.date ? 2 : 0) + (v.year ? 1 : 0)),
      date: pickBest(dates, (v) => v),
      address: pickBest(addresses, (v) => `${v.street.toLowerCase()}|${v.civic.toLowerCase()}`),
      cadastral: pickBest(cadastral, (v) => `${v.foglio}/${v.mappale}`, (v) => (v.subalterno !== undefined ? 1 : 0)),
      taxCode: pickBest(taxCodes, (v) => v),
      vatNumber: pickBest(vatNumbers, (v) => v),
      applicant: pickBest(applicants, (v) => v.toLowerCase()),
    },
  };
}
