// Valid Italian tax identifiers for generated people and companies: the codice fiscale (DM 23/12/1976: surname,
// name, birth date and sex, Belfiore code of the birth municipality, check character) and the partita IVA
// (7-digit serial, 3-digit office code, Luhn-style check digit). Written independently of src/classify, so the
// extractor's own check is tested against a second implementation.
import type { Person } from './content.format.ts';
import type { Rng } from './random.ts';

/** Tax identifiers are printed on documents from this year (codice fiscale in general use from 1977). */
export const TAX_IDS_FROM_YEAR = 1977;

/** Belfiore (cadastral) codes of the birth places the generator uses (BIRTH_PLACES in content.data.ts). */
// prettier-ignore
export const BELFIORE: Readonly<Record<string, string>> = {
  Arezzo: 'A390', Bari: 'A662', Bologna: 'A944', Caserta: 'B963', Catania: 'C351', Cosenza: 'D086',
  Cuneo: 'D205', Ferrara: 'D548', Firenze: 'D612', Genova: 'D969', Lecce: 'E506', Milano: 'F205',
  Modena: 'F257', Napoli: 'F839', Padova: 'G224', Palermo: 'G273', Perugia: 'G478', Piacenza: 'G535',
  Pordenone: 'G888', Ravenna: 'H199', Roma: 'H501', Rovigo: 'H620', Salerno: 'H703', Torino: 'L219',
  Udine: 'L483', Varese: 'L682', Verona: 'L781', Vicenza: 'L840',
};

const MONTH_LETTERS = 'ABCDEHLMPRST';

// Values of a character in an odd (1st, 3rd … 15th) position; even positions count 0–9 and A=0 … Z=25.
// prettier-ignore
const ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

function letters(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

function split(s: string): { consonants: string; vowels: string } {
  const l = letters(s);
  return { consonants: l.replace(/[AEIOU]/g, ''), vowels: l.replace(/[^AEIOU]/g, '') };
}

function surnamePart(surname: string): string {
  const { consonants, vowels } = split(surname);
  return `${consonants}${vowels}XXX`.slice(0, 3);
}

function namePart(name: string): string {
  const { consonants, vowels } = split(name);
  if (consonants.length >= 4) return `${consonants[0]}${consonants[2]}${consonants[3]}`;
  return `${consonants}${vowels}XXX`.slice(0, 3);
}

/** Check character of the first 15 characters. */
export function cfCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15.charCodeAt(i);
    const value = c <= 57 ? c - 48 : c - 65; // '0'–'9' → 0–9, 'A'–'Z' → 0–25
    sum += i % 2 === 0 ? ODD_VALUES[value]! : value;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** The codice fiscale of a generated person (no omocodia: the generator's people never collide on purpose). */
export function codiceFiscale(p: Pick<Person, 'first' | 'last' | 'gender' | 'birthPlace' | 'birthDate'>): string {
  const place = BELFIORE[p.birthPlace];
  if (!place) throw new Error(`no Belfiore code for birth place "${p.birthPlace}"`);
  const { y, m, d } = p.birthDate;
  const day = p.gender === 'f' ? d + 40 : d;
  const date = `${String(y % 100).padStart(2, '0')}${MONTH_LETTERS[m - 1]}${String(day).padStart(2, '0')}`;
  const first15 = `${surnamePart(p.last)}${namePart(p.first)}${date}${place}`;
  return first15 + cfCheckChar(first15);
}

/** Check digit of the first 10 digits of a partita IVA: odd positions as is, even ones doubled (less 9 if > 9). */
export function partitaIvaCheckDigit(first10: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = first10.charCodeAt(i) - 48;
    sum += i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return (10 - (sum % 10)) % 10;
}

/** A partita IVA from a serial number (0 – 9 999 999) and a provincial office code (1 – 100). */
export function partitaIva(serial: number, office: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial > 9_999_999) throw new Error(`bad serial ${serial}`);
  if (!Number.isInteger(office) || office < 1 || office > 100) throw new Error(`bad office code ${office}`);
  const first10 = `${String(serial).padStart(7, '0')}${String(office).padStart(3, '0')}`;
  return `${first10}${partitaIvaCheckDigit(first10)}`;
}

/** A random partita IVA; callers pass a forked stream so that drawing it shifts no other random value. */
export function randomPartitaIva(rng: Rng): string {
  return partitaIva(rng.int(0, 9_999_999), rng.int(1, 100));
}
