// Protocol numbers in OCR text ("Prot. n. 1234 del 12/03/1987", "prot. 1234/2020", the register stamp
// "PROTOCOLLO GENERALE N. 1234 DATA 12-03-1987"): number, and the year or date when written beside it.
// Each mention has a weight for the document's best pick: the register stamp (2) says which protocol the document
// itself has; a plain "Prot. n." heading (1) usually agrees; a protocol cited in the text ("in riscontro alla Vostra
// nota prot. n. …", "la domanda presentata … con prot. n. …") belongs to another document (0).
// OCR: specks read as characters may sit between the stamp's heading, number and date ("PROTOCOLLO GENERALE i /
// N. 4677", "N. 6460 / * DEL 16/09/1985", "N. 9743 / im DEL 01/11/1991", "‘DEL"); before the date they need "del" or "data".
import type { EntityMatch, ProtocolValue } from './classification.ts';
import { NUMERIC_DATE, parseItalianDate, TEXT_DATE } from './entities.dates.ts';
import {
  CURRENT_YEAR,
  D,
  hasConfusable,
  mostlyDigits,
  NUM,
  ocrDigits,
  START,
  SPECKS,
  STRAY,
  Y4,
} from './entities.ocr-digits.ts';

const PROTOCOL_RE = new RegExp(
  `${START}(?:n\\.?\\s*(?:di\\s*)?pr[o0]t(?:ocollo)?\\.?|pr[o0]t(?:ocollo)?\\.?(?:\\s*gen(?:erale|\\.)?)?(?:\\s*in\\s*(?:arrivo|entrata))?)` +
    `\\s*(?:[,:]\\s*)?(?:${STRAY}[ \\t]*\\n\\s*)?${NUM}(${D}{1,8})(?![0-9])` +
    `(?:\\s*\\/\\s*(${Y4})(?![0-9]))?` +
    `(?:[\\s,;:\\-–—]*(?:(?:${SPECKS}\\s*)?(?:del|dd\\.?|data|in\\s*data))?[\\s.:]*(${NUMERIC_DATE.replace('\\1', '\\4')}|${TEXT_DATE}))?`,
  'giu',
);

export interface ProtocolCandidate {
  match: EntityMatch<ProtocolValue>;
  weight: number;
}

/** "PROTOCOLLO GENERALE", "PROT. GEN.", "protocollo in arrivo", or an upper-case "PROT. N." as stamps print it. */
const STAMP_WORDS = /^[^\n]*\b(?:generale\b|gen\.|arrivo\b|entrata\b)/iu;
const STAMP_CAPITALS = /^PR[O0]T(?:OCOLLO)?\b/u;
/** Words that cite another document's protocol, with no sentence end between them and the protocol. */
const CITED =
  /(?:\b(?:nota|note|domanda|istanza|richiesta|lettera|comunicazione|presentat[aoie]|vostr[aoie]|riscontro|riferimento|seguito|con)\b|\b(?:vs|ns|rif)\.)[^.;!?]*$/iu;

function weightOf(text: string, index: number, raw: string): number {
  if (STAMP_WORDS.test(raw) || STAMP_CAPITALS.test(raw)) return 2;
  const before = text.slice(Math.max(0, index - 80), index);
  return CITED.test(before) ? 0 : 1;
}

/**
 * Tesseract may read a boxed stamp's lines out of order, the number before the heading
 * ("N. 1213 / DEL 09/03/2006 / COMUNE DI … / PROTOCOLLO GENERALE"), or put a speck before the number line
 * (". N. 9050 DEL …", "i N. 11376"): a line "N. <number> del <date>", after at most one stray character, counts as
 * the stamp when a protocol heading (OCR-damaged ones too: "ROoTOCOLLO") is within a few lines of it.
 */
const STAMP_NUMBER_RE = new RegExp(
  `^[ \\t]*${STRAY}?[ \\t]*N\\s*[.°º:]?\\s*(${D}{1,8})(?![0-9])[\\s,;:]*(?:(?:${SPECKS}\\s*)?(?:del|DEL|data|DATA))?[\\s.:]*(${NUMERIC_DATE.replace('\\1', '\\3')}|${TEXT_DATE})`,
  'gmu',
);
const STAMP_HEADING = /p?r[o0]+t[o0]c[o0]ll[o0]|(?<![\p{L}])pr[o0]t\./iu;
const STAMP_REACH = 120;

/** The protocol value of a match: number, year and date (an impossible date is dropped, with its words). */
function protocolMatch(
  page: number,
  index: number,
  raw: string,
  num: string,
  yr: string | undefined,
  dateRaw: string | undefined,
): EntityMatch<ProtocolValue> | undefined {
  if (!mostlyDigits(num)) return undefined;
  const number = Number(ocrDigits(num));
  if (number < 1) return undefined;
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
      rawText = raw
        .slice(0, raw.length - dateRaw.length)
        .replace(/[\s,;:\-–—]*(?:del|dd\.?|data|in\s*data)?[\s.:]*$/iu, '');
    }
  }
  return { value, page, offset: index, raw: rawText, personal: false, corrected };
}

export function extractProtocols(text: string, page: number): ProtocolCandidate[] {
  const out: ProtocolCandidate[] = [];
  for (const m of text.matchAll(PROTOCOL_RE)) {
    const [raw, num, yr, dateRaw] = m;
    const match = protocolMatch(page, m.index, raw, num!, yr, dateRaw);
    if (match) out.push({ match, weight: weightOf(text, m.index, raw) });
  }
  for (const m of text.matchAll(STAMP_NUMBER_RE)) {
    const raw = m[0].trimStart();
    const index = m.index + m[0].length - raw.length;
    if (out.some(({ match: o }) => o.offset < index + raw.length && index < o.offset + o.raw.length)) continue;
    const around = text.slice(Math.max(0, index - STAMP_REACH), index + raw.length + STAMP_REACH);
    if (!STAMP_HEADING.test(around)) continue;
    const match = protocolMatch(page, index, raw, m[1]!, undefined, m[2]);
    if (match) out.push({ match, weight: 2 });
  }
  return out.sort((a, b) => a.match.offset - b.match.offset);
}
