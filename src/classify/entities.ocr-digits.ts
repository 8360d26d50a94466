// Reading numbers in OCR text, shared by every entity extractor: look-alike letters in digit positions
// (O/o → 0, l/I/| → 1), two-digit years, and the "n." markers written before numbers.

/** A digit as OCR may render it. */
export const D = '[0-9OoIl|]';
/** A 4-digit year as OCR may render it (must start like 1… or 2…). */
export const Y4 = `[12lI|]${D}{3}`;
/** A 4-digit year OCR split after its first digit ("1 972"). */
export const Y4_SPLIT = `[12lI|] ${D}{3}`;
/** A speck OCR reads as a character: one punctuation mark, or a vertical stroke read as i, I, l or |. */
export const STRAY = '(?:[^\\s\\p{L}\\p{N}]|[iIl|])';
/** Specks OCR reads as a short token ("*", "i", "im", "‘.") beside printed text: up to 3 characters, no digit. */
export const SPECKS = '[^\\s\\p{N}]{1,3}';
/** Number marker: "n.", "n°", "nº", "nr.", "num.", "numero", "N:" (optional). */
export const NUM = `(?:(?:n(?:r|um(?:ero)?)?|N(?:R|UM(?:ERO)?)?)\\s*[.°º:]?\\s*)?`;
/** Not preceded by a letter or digit. */
export const START = '(?<![\\p{L}\\p{N}])';

const CONFUSABLE: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', '|': '1' };

/** Read an OCR'd number token: "l234" → 1234, "O3" → 3. */
export function ocrDigits(token: string): string {
  return token.replace(/[OoIl|]/g, (c) => CONFUSABLE[c] ?? c);
}

/** At least half of the digit characters must be real digits (rejects words like "lo", "Il"). */
export function mostlyDigits(...tokens: Array<string | undefined>): boolean {
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

export function hasConfusable(...tokens: Array<string | undefined>): boolean {
  return tokens.some((t) => t !== undefined && /[OoIl|]/.test(t));
}

/** A match beginning with a letter look-alike must not be glued to a preceding letter ("del2/03" is not "12/03"). */
export function confusableStartOk(text: string, index: number): boolean {
  const c = text[index] ?? '';
  if (!/[OoIl|]/.test(c)) return true;
  return !/\p{L}/u.test(text[index - 1] ?? '');
}

export const CURRENT_YEAR = new Date().getFullYear();

/** Two-digit years: up to the current year's last two digits → 20xx, otherwise 19xx. */
export function expandYear(digits: string): number {
  const n = Number(digits);
  if (digits.length >= 3) return n;
  return n <= CURRENT_YEAR % 100 ? 2000 + n : 1900 + n;
}

export function foldAccents(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '');
}

export interface Span {
  start: number;
  end: number;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}
