// Normalised keys that tie documents to one practice (fascicolo): practice number, parcel and address. Two spellings
// of the same thing, as typed by people or read by OCR, must give the same key.
import type { DocumentMetadata } from './document-metadata.ts';
import { expandYear, ocrDigits } from './entities.ts';

/** Lower case, accents folded ("Località" → "localita"). */
function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A number as OCR may render it ("l2", "O12", "012") → 12; undefined when it is not one. */
function ocrNumber(v: number | string): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  const digits = ocrDigits(v.trim());
  if (!/^[0-9]{1,9}$/.test(digits)) return undefined;
  const n = Number(digits);
  return n > 0 ? n : undefined;
}

// ── practice key ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Prefix spellings, compacted (lower case, accents folded, no dots or spaces) → the prefixes entities.ts emits
 * (PE, PDC, SCIA, CILA, DIA, CE, LE, COND, AGI, AP).
 */
const PREFIX_SYNONYMS: Record<string, string> = {
  pe: 'PE',
  pratica: 'PE',
  praticaedilizia: 'PE',
  pdc: 'PDC',
  permessodicostruire: 'PDC',
  permessocostruire: 'PDC',
  scia: 'SCIA',
  sciaedilizia: 'SCIA',
  segnalazionecertificatadiinizioattivita: 'SCIA',
  segnalazionecertificatainizioattivita: 'SCIA',
  cila: 'CILA',
  dia: 'DIA',
  denunciadiinizioattivita: 'DIA',
  denunciainizioattivita: 'DIA',
  denunciadiiniziodiattivita: 'DIA',
  ce: 'CE',
  concessioneedilizia: 'CE',
  concessioneadedificare: 'CE',
  concessioneediliziainsanatoria: 'CE',
  le: 'LE',
  licenzaedilizia: 'LE',
  licenzaedile: 'LE',
  licenzadicostruzione: 'LE',
  cond: 'COND',
  condono: 'COND',
  condonoedilizio: 'COND',
  domandadicondono: 'COND',
  praticadicondono: 'COND',
  agi: 'AGI',
  agibilita: 'AGI',
  abitabilita: 'AGI',
  certificatodiagibilita: 'AGI',
  certificatodiabitabilita: 'AGI',
  ap: 'AP',
  autorizzazionepaesaggistica: 'AP',
};

/** "P.E." / "pratica edilizia" → "PE", "P.d.C." → "PDC"; an unknown prefix is kept, compacted, in upper case. */
export function normalisePrefix(raw: string): string {
  const compact = fold(raw).replace(/[^a-z0-9]+/g, '');
  return PREFIX_SYNONYMS[compact] ?? compact.toUpperCase();
}

/** "PE 123/1987": the key of a numbered practice. Two-digit years are expanded as on paper ("87" → 1987). */
export function practiceKeyOf(p: {
  prefix: string;
  number: number | string;
  year: number | string;
}): string | undefined {
  const prefix = normalisePrefix(p.prefix);
  const number = ocrNumber(p.number);
  const yearDigits = typeof p.year === 'number' ? String(p.year) : ocrDigits(p.year.trim());
  if (!prefix || number === undefined || !/^(?:[0-9]{2}|[0-9]{4})$/.test(yearDigits)) return undefined;
  const year = expandYear(yearDigits);
  if (year < 1850 || year > 2100) return undefined;
  return `${prefix} ${number}/${year}`;
}

// A look-alike may start the number only after a separator: "AGI12/2000" is AGI 12, not AG 112.
const PRACTICE_TEXT_RE =
  /^(.*?)[\s,:]*(?:(?:n|nr|num|numero)\s*[.°º:]?\s*)?((?:(?<!\p{L})[OoIl|])?[0-9][0-9OoIl|]{0,8})\s*\/\s*([0-9OoIl|]{2}|[0-9OoIl|]{4})$/u;

/** A practice reference as typed or read ("P.E. n. 123/87", "pe 0123/1987") → "PE 123/1987"; undefined if not one. */
export function parsePracticeKey(raw: string): string | undefined {
  const m = PRACTICE_TEXT_RE.exec(raw.trim());
  if (!m || !/\p{L}/u.test(m[1]!)) return undefined;
  return practiceKeyOf({ prefix: m[1]!, number: m[2]!, year: m[3]! });
}

// ── parcel key ───────────────────────────────────────────────────────────────────────────────────────────────

/** "12/345" (foglio/mappale). The subalterno is left out: units of one building belong to the same parcel. */
export function parcelKeyOf(c: { foglio: number | string; mappale: number | string }): string | undefined {
  const foglio = ocrNumber(c.foglio);
  const mappale = ocrNumber(c.mappale);
  return foglio !== undefined && mappale !== undefined ? `${foglio}/${mappale}` : undefined;
}

/** "F. 12 m. 345", for reasons people read. */
export function parcelLabel(c: { foglio: number; mappale: number }): string {
  return `F. ${c.foglio} m. ${c.mappale}`;
}

// ── address key ──────────────────────────────────────────────────────────────────────────────────────────────

/** Street-type abbreviations at the start of a (folded) street → the full word. Longer forms are tried first. */
const STREET_TYPE_ABBREVIATIONS: Array<[RegExp, string]> = [
  [/^v\s*\.?\s*le\b\.?/, 'viale'],
  [/^v\s*\.?\s*lo\b\.?/, 'vicolo'],
  [/^v\s*\.\s*|^v\s+/, 'via '],
  [/^p\s*\.?\s*zz?a\b\.?/, 'piazza'],
  [/^p\s*\.?\s*tta\b\.?/, 'piazzetta'],
  [/^p\s*\.?\s*le\b\.?/, 'piazzale'],
  [/^c\s*\.?\s*so\b\.?/, 'corso'],
  [/^c\s*\.?\s*da\b\.?/, 'contrada'],
  [/^l\s*\.?\s*go\b\.?/, 'largo'],
  [/^str\b\.?/, 'strada'],
  [/^loc\b\.?/, 'localita'],
  [/^fraz\b\.?/, 'frazione'],
];

/** Street name for keys: "P.zza dei Mille" → "piazza dei mille", "V. D'Annunzio" → "via dannunzio". */
function streetKey(street: string): string {
  let s = fold(street).trim();
  for (const [re, full] of STREET_TYPE_ABBREVIATIONS) {
    if (re.test(s)) {
      s = s.replace(re, `${full} `);
      break;
    }
  }
  // An elided particle sticks to its word ("D'Annunzio", "D' Annunzio", "DAnnunzio" → "dannunzio").
  return s
    .replace(/['’`]\s*/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** Civic number for keys: "12/a", "12 A", "12/A" → "12a"; "12 bis" → "12bis"; "s.n.c." → "snc"; "12/3" stays. */
export function civicKey(civic: string): string | undefined {
  const c = fold(civic)
    .replace(/\s+/g, '')
    .replace(/^(?:n|nr|num|numero|civ|civico)[.°º:]?(?=[0-9])/, '');
  if (/^s\.?n\.?c\.?$/.test(c)) return 'snc';
  // One OCR look-alike may start the number ("l2" → 12); after the digits a letter is a suffix ("12l" → "12l").
  const m = /^([oil|]?[0-9]{1,5})(?:\/?([a-z]|bis|ter)|\/([0-9]{1,3}))?\.?$/.exec(c);
  if (!m) return undefined;
  const n = Number(m[1]!.replace(/[il|]/, '1').replace('o', '0'));
  if (n < 1) return undefined;
  return `${n}${m[2] ?? ''}${m[3] !== undefined ? `/${Number(m[3])}` : ''}`;
}

const ADDRESS_TEXT_RE =
  /^(.*?\D)[\s,]+(?:(?:n|nr|num|numero|civ|civico)\s*[.°º:]?\s*)?([oil|]?[0-9]{1,5}(?:\s*\/\s*(?:[a-z]|bis|ter|[0-9]{1,3})|\s*(?:[a-z]|bis|ter))?\.?|s\.?\s?n\.?\s?c\.?)\s*$/iu;

/**
 * "via roma 12a": lower case, accents folded, street type spelled out, punctuation dropped, civic as civicKey.
 * Accepts the { street, civic } of DocumentMetadata or one string ("V. Roma, n. 12/A").
 */
export function addressKeyOf(a: { street: string; civic: string } | string): string | undefined {
  let street: string;
  let civic: string;
  if (typeof a === 'string') {
    const m = ADDRESS_TEXT_RE.exec(fold(a).trim());
    if (!m) return undefined;
    [street, civic] = [m[1]!, m[2]!];
  } else {
    [street, civic] = [a.street, a.civic];
  }
  const s = streetKey(street);
  const c = civicKey(civic);
  // A street type alone ("via") is not an address.
  if (!c || !/\s/.test(s)) return undefined;
  return `${s} ${c}`;
}

// ── all keys of a document ───────────────────────────────────────────────────────────────────────────────────

export interface DocumentKeys {
  practiceKey?: string;
  parcelKey?: string;
  addressKey?: string;
}

export type LinkableMetadata = Pick<DocumentMetadata, 'practice' | 'address' | 'cadastral' | 'confidence'>;

/** The normalised keys of a classified document (each absent when the document does not carry it). */
export function documentKeys(m: Partial<LinkableMetadata> | undefined): DocumentKeys {
  const keys: DocumentKeys = {};
  if (!m) return keys;
  const practiceKey = m.practice ? practiceKeyOf(m.practice) : undefined;
  const parcelKey = m.cadastral ? parcelKeyOf(m.cadastral) : undefined;
  const addressKey = m.address ? addressKeyOf(m.address) : undefined;
  if (practiceKey) keys.practiceKey = practiceKey;
  if (parcelKey) keys.parcelKey = parcelKey;
  if (addressKey) keys.addressKey = addressKey;
  return keys;
}
