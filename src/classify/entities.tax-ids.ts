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

// ── OCR repair ──────────────────────────────────────────────────────────────────────────────────────────────
// Tesseract misreads codes in typescript in two ways a repair can undo safely: look-alikes (O/0, I/1, S/5, S/3, B/8,
// Z/2, G/6), and a character split in two: a doubled or look-alike neighbour ("SS", "S5", "1I", "IL", "O0") or a
// stroke before M or N ("IM", "UM"). A look-alike where the position forces the other kind (a digit where a letter
// must be, or a letter where a digit must be) is read as the other kind; each split (17 or 18 characters) is undone.
// Two splits are allowed after a "C.F." / "codice fiscale" label, one elsewhere; the repair keeps the one valid code
// the token can be read as (a correct check character, a real day of the month) and nothing when there are several.
// One letter read as another (I/L, M/U) is NOT repaired: measured on generated codes, allowing it turned about one
// arbitrary misread in five into a wrong but valid code.

const LETTER_POSITIONS = new Set([0, 1, 2, 3, 4, 5, 8, 11, 15]);
const OMOCODIA = 'LMNPQRSTUV'; // letters standing for 0–9 in digit positions
const MONTH_LETTERS = 'ABCDEHLMPRST';
/** A character read where a letter of the body must be: the letters it may stand for. */
// prettier-ignore
const AS_LETTER: Record<string, string> = { '0': 'O', '1': 'IL', '|': 'IL', '2': 'Z', '3': 'S', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B' };
/** The same for the check character, which is computed, so more readings cost nothing (a Q read as 0). */
// prettier-ignore
const AS_CHECK: Record<string, string> = { ...AS_LETTER, '0': 'OQD' };
/** A character read where a digit must be: the digit it stands for. */
// prettier-ignore
const AS_DIGIT: Record<string, string> = { O: '0', D: '0', Q: '0', I: '1', L: '1', '|': '1', Z: '2', A: '4', S: '5', G: '6', T: '7', B: '8' };

/** The readings of character `c` at position `i` (0–14) of a code. */
function optionsAt(c: string, i: number): string[] {
  if (LETTER_POSITIONS.has(i)) {
    const options = /[A-Z]/.test(c) ? [c] : [...(AS_LETTER[c] ?? '')];
    return i === 8 ? options.filter((x) => MONTH_LETTERS.includes(x)) : options;
  }
  if (/[0-9]/.test(c)) return [c];
  const digit = AS_DIGIT[c];
  // an omocodia letter that looks like a digit (S, T, L, Q) is read as the digit: omocodia is rare, misreads are not
  if (digit) return [digit];
  return OMOCODIA.includes(c) ? [c] : [];
}

// prettier-ignore
const LOOK_ALIKES = new Set(['O0', 'Q0', 'D0', 'I1', 'L1', 'IL', '|1', '|I', 'S5', 'B8', 'Z2', 'G6', 'T7', 'A4']);

/** Whether the character at `i` looks like OCR split it off a neighbour: doubled, a look-alike, a stroke before M/N. */
function isSplit(token: string, i: number): boolean {
  const c = token[i]!;
  const alike = (n: string | undefined) =>
    n !== undefined && (n === c || LOOK_ALIKES.has(c + n) || LOOK_ALIKES.has(n + c));
  return alike(token[i - 1]) || alike(token[i + 1]) || ('IUJ|'.includes(c) && 'MN'.includes(token[i + 1] ?? ''));
}

function plausibleDay(code: string): boolean {
  const digit = (c: string) => (OMOCODIA.includes(c) ? OMOCODIA.indexOf(c) : Number(c));
  const day = digit(code[9]!) * 10 + digit(code[10]!);
  return (day >= 1 && day <= 31) || (day >= 41 && day <= 71);
}

function* combinations(n: number, k: number, from = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= n - k; i++) for (const rest of combinations(n, k - 1, i + 1)) yield [i, ...rest];
}

/** Adds to `found` every valid code a 16-character string can be read as. */
function readings(s: string, found: Set<string>): void {
  const options = [...s.slice(0, 15)].map(optionsAt);
  if (options.some((o) => o.length === 0)) return;
  const chosen: string[] = [];
  const walk = (i: number): void => {
    if (i === 15) {
      const first15 = chosen.join('');
      const check = codiceFiscaleCheckChar(first15);
      const c = s[15]!;
      const code = first15 + check;
      if ((c === check || (AS_CHECK[c] ?? '').includes(check)) && CF_SHAPE.test(code) && plausibleDay(code)) {
        found.add(code);
      }
      return;
    }
    for (const x of options[i]!) {
      chosen.push(x);
      walk(i + 1);
      chosen.pop();
    }
  };
  walk(0);
}

/** The one valid code an OCR'd token can be read as (see above), or undefined: none, or several. */
export function repairCodiceFiscale(token: string, labelled: boolean): string | undefined {
  const splits = token.length - 16;
  if (splits < 0 || splits > (labelled ? 2 : 1)) return undefined;
  // a real code has 7 digits; words and other codes rarely have several
  if ((token.match(/[0-9]/g)?.length ?? 0) < (labelled ? 3 : 4)) return undefined;
  const found = new Set<string>();
  for (const removed of combinations(token.length, splits)) {
    if (!removed.every((i) => isSplit(token, i))) continue;
    readings([...token].filter((_, i) => !removed.includes(i)).join(''), found);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** 16–18 characters: letters, digits and "|" (OCR's reading of a stroke). */
const CF_RE = /(?<![\p{L}\p{N}|])[A-Za-z0-9|]{16,18}(?![\p{L}\p{N}|])/gu;
const CF_LABEL = /(?:c\.?\s?f\.?|cod(?:ice)?\.?\s*fisc(?:ale)?\.?)[\s.:;,]*$/iu;

export function extractTaxCodes(text: string, page: number): EntityMatch<string>[] {
  const out: EntityMatch<string>[] = [];
  for (const m of text.matchAll(CF_RE)) {
    const raw = m[0];
    // mixed case is a word, not a code; OCR's lower-case "l" and "o" inside a code in capitals are allowed
    if (/[A-Z]/.test(raw) && /[a-km-np-z]/.test(raw)) continue;
    const upper = /[A-Z]/.test(raw) ? raw.replace(/l/g, '|').toUpperCase() : raw.toUpperCase();
    if (upper.length === 16 && isValidCodiceFiscale(upper)) {
      out.push({ value: upper, page, offset: m.index, raw, personal: true, corrected: false });
      continue;
    }
    const labelled = CF_LABEL.test(text.slice(Math.max(0, m.index - 30), m.index));
    const repaired = repairCodiceFiscale(upper, labelled);
    if (repaired) out.push({ value: repaired, page, offset: m.index, raw, personal: true, corrected: true });
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
const VAT_RE = /(?<![\p{L}\p{N}])(IT\s?)?([0-9OoIl|]{11})(?![\p{L}\p{N}|])/gu;

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
