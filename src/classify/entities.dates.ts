// Dates written in Italian ("12/03/1987", "12-03-87", "1° aprile 2001", "3 marzo 2019") in OCR text, as ISO dates.
import type { EntityMatch } from './classification.ts';
import {
  confusableStartOk,
  D,
  expandYear,
  foldAccents,
  hasConfusable,
  mostlyDigits,
  ocrDigits,
  Y4,
  Y4_SPLIT,
} from './entities.ocr-digits.ts';

// prettier-ignore
const MONTHS: Record<string, number> = {
  gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6,
  luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
  gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, sett: 9, ott: 10, nov: 11, dic: 12,
};
export const MONTH_RE =
  '(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|sett|gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)';

/** dd/mm/yyyy with one separator used twice (capture group 1 is the separator: renumber it when embedding). */
export const NUMERIC_DATE = `${D}{1,2}\\s?([\\/\\-.])\\s?${D}{1,2}\\s?\\1\\s?(?:${Y4}|${Y4_SPLIT}|${D}{2})(?![0-9])`;
export const TEXT_DATE = `${D}{1,2}\\s*(?:°|º|o(?=\\s))?\\s*${MONTH_RE}\\.?(?![\\p{L}])\\s*,?\\s*(?:${Y4}|${Y4_SPLIT})(?![0-9])`;

export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1850 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const days = [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return day <= days[month - 1]!;
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "06" → ["06", "00"]: the readings of a field when any 6, 8 or 9 in it may be a 0. */
function zeroReadings(field: string): string[] {
  let out = [''];
  for (const c of field) out = out.flatMap((p) => (/[689]/.test(c) ? [p + c, `${p}0`] : [p + c]));
  return out;
}

/**
 * Typewriter faces with a dotted or slashed zero make OCR read 0 as 6, 8 or 9 ("24/16/1917" for 24/10/1917). When a
 * day or month is out of range (day > 31, month > 12), reading that field's 6, 8 and 9 as 0 repairs the date if
 * exactly one reading is a real date. A day/month pair that is merely impossible together (29/02/2001) is left alone.
 */
function dottedZeroRepair(year: number, day: string, month: string): string | undefined {
  const dayOut = Number(day) > 31;
  const monthOut = Number(month) > 12;
  if (!dayOut && !monthOut) return undefined;
  const found = new Set<string>();
  for (const dd of dayOut ? zeroReadings(day) : [day]) {
    for (const mm of monthOut ? zeroReadings(month) : [month]) {
      if (isValidDate(year, Number(mm), Number(dd))) found.add(iso(year, Number(mm), Number(dd)));
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Parse one date written in Italian ("12/03/1987", "12-03-87", "1° aprile 2001", "3 marzo 2019") → ISO, or undefined. */
export function parseItalianDate(raw: string): { iso: string; corrected: boolean } | undefined {
  const numeric = new RegExp(
    `^(${D}{1,2})\\s?[\\/\\-.]\\s?(${D}{1,2})\\s?[\\/\\-.]\\s?(${Y4}|${Y4_SPLIT}|${D}{2})$`,
    'u',
  ).exec(raw.trim());
  if (numeric) {
    const [, d, m, y] = numeric;
    if (!mostlyDigits(d, m, y)) return undefined;
    const year = expandYear(ocrDigits(y!.replace(' ', '')));
    const month = Number(ocrDigits(m!));
    const day = Number(ocrDigits(d!));
    if (isValidDate(year, month, day)) return { iso: iso(year, month, day), corrected: hasConfusable(d, m, y) };
    const repaired = dottedZeroRepair(year, ocrDigits(d!), ocrDigits(m!));
    return repaired === undefined ? undefined : { iso: repaired, corrected: true };
  }
  const text = new RegExp(`^(${D}{1,2})\\s*(?:°|º|o)?\\s*(${MONTH_RE})\\.?\\s*,?\\s*(${Y4}|${Y4_SPLIT})$`, 'iu').exec(
    foldAccents(raw.trim()),
  );
  if (text) {
    const [, d, mName, y] = text;
    if (!mostlyDigits(d, y)) return undefined;
    const month = MONTHS[mName!.toLowerCase()];
    const year = Number(ocrDigits(y!.replace(' ', '')));
    const day = Number(ocrDigits(d!));
    if (month === undefined || !isValidDate(year, month, day)) return undefined;
    return { iso: iso(year, month, day), corrected: hasConfusable(d, y) };
  }
  return undefined;
}

const DATE_RES = [new RegExp(`(?<![0-9])${NUMERIC_DATE}`, 'gu'), new RegExp(`(?<![0-9])${TEXT_DATE}`, 'giu')];

export function extractDates(text: string, page: number): EntityMatch<string>[] {
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
