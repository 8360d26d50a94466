// Codici fiscali and partite IVA in OCR text, accepted only with a valid check character (personal data).
import type { EntityMatch } from './classification.ts';
import { mostlyDigits, ocrDigits } from './entities.ocr-digits.ts';

// prettier-ignore
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

export function extractTaxCodes(text: string, page: number): EntityMatch<string>[] {
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
const VAT_LABEL =
  /(?:p\.?\s?iva|partita\s*i\.?v\.?a\.?|p\.\s?i\.|c\.?\s?f\.|cod(?:ice)?\.?\s*fisc(?:ale)?\.?|vat(?:\s*(?:no|number))?|i\.v\.a\.)[\s.:\/n°ºr]*$/iu;
const VAT_RE = /(?<![\p{L}\p{N}])(IT\s?)?([0-9Oo]{11})(?![\p{L}\p{N}])/gu;

export function extractVatNumbers(text: string, page: number): EntityMatch<string>[] {
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
