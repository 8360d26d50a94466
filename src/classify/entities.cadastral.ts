// Cadastral references in OCR text ("Foglio 12, Mappale 345, Subalterno 6", "fg. 12 mapp. 345 sub. 6").
// OCR: look-alike digits, the "Fog1io" spelling, and a speck read as a letter glued to the parcel word ("Mmappale").
import type { Cadastral } from '../domain/ground-truth.ts';
import type { EntityMatch } from './classification.ts';
import { D, hasConfusable, mostlyDigits, ocrDigits, START } from './entities.ocr-digits.ts';

const FOGLIO = `(?:fo[gq][l1iI|]{1,2}[o0]|fgl?\\.?|fog\\.|F\\.)`;
const MAPPALE = `(?:mappal[ei]|mapp?\\.?(?:li)?|particell[ae]|part\\.?(?:lla)?|p\\.?\\s?ll?a\\.?|p\\.?\\s?lle\\.?)`;
const SUB = `(?:subaltern[oi]|sub\\.?)`;
const CAD_NUM = `\\s*(?:n\\.?|n°|nr\\.?)?\\s*[:.]?\\s*`;
/** A cadastral number ends at a non-letter, or runs straight into "sub" ("345sub. 6"); "34S" is not 34. */
const CAD_END = '(?![0-9])(?=$|[^\\p{L}]|sub)';
const CADASTRAL_RE = new RegExp(
  `${START}${FOGLIO}${CAD_NUM}(${D}{1,4})${CAD_END}[\\s,;.\\-–]*(?:e\\s+|del\\s+)?\\p{L}?${MAPPALE}${CAD_NUM}(${D}{1,5})${CAD_END}` +
    `(?:[\\s,;.\\-–]*(?:e\\s+)?${SUB}${CAD_NUM}(${D}{1,4})${CAD_END})?`,
  'giu',
);

export function extractCadastral(text: string, page: number): EntityMatch<Cadastral>[] {
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
