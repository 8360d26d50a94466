// How dates, addresses, cadastral data, practice references and people are written on paper.
// Dates are written only as "12/03/1987" or "12 marzo 1987", so datesInText() finds all of them again.
import type { Address, Cadastral, PracticeRef } from '../domain/ground-truth.ts';
import { BIRTH_PLACES, FEMALE_NAMES, MALE_NAMES, MONTHS_IT, STREETS, SURNAMES } from './content.data.ts';
import type { Rng } from './random.ts';

export interface SDate {
  y: number;
  m: number; // 1..12
  d: number;
}

const DAY_MS = 86_400_000;

export function dateFromDays(days: number): SDate {
  const t = new Date(days * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function daysOf(date: SDate): number {
  return Math.round(Date.UTC(date.y, date.m - 1, date.d) / DAY_MS);
}

export function addDays(date: SDate, days: number): SDate {
  return dateFromDays(daysOf(date) + days);
}

/** The latest date a generated document may carry (fixed, never "today": output must not depend on the clock). */
export const LATEST_DATE: SDate = { y: 2025, m: 6, d: 30 };

export function minDate(a: SDate, b: SDate): SDate {
  return daysOf(a) <= daysOf(b) ? a : b;
}

export function randomDate(rng: Rng, from: SDate, to: SDate): SDate {
  const end = minDate(to, LATEST_DATE);
  return dateFromDays(rng.int(daysOf(from), Math.max(daysOf(from), daysOf(end))));
}

export function randomDateInYear(rng: Rng, year: number): SDate {
  return randomDate(rng, { y: year, m: 1, d: 8 }, { y: year, m: 12, d: 20 });
}

export function isoDate(date: SDate): string {
  return `${date.y}-${pad2(date.m)}-${pad2(date.d)}`;
}

export function shortDate(date: SDate): string {
  return `${pad2(date.d)}/${pad2(date.m)}/${date.y}`;
}

export function longDate(date: SDate): string {
  return glue(`${date.d} ${MONTHS_IT[date.m - 1]} ${date.y}`);
}

/** No-break space: layout never wraps a line there; it is written (and kept in the ground truth) as a space. */
export const NBSP = '\u00A0';

/** Keeps a phrase on one line ("Via Roma n. 12", "PE 123/1987", "12 marzo 1987"). */
export function glue(text: string): string {
  return text.replace(/ /g, NBSP);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function dayOfYear(date: SDate): number {
  return daysOf(date) - daysOf({ y: date.y, m: 1, d: 1 }) + 1;
}

/** Either written form of a date, at random. */
export function anyDate(rng: Rng, date: SDate, longChance = 0.35): string {
  return rng.chance(longChance) ? longDate(date) : shortDate(date);
}

const MONTH_PATTERN = MONTHS_IT.join('|');
const DATE_PATTERN = new RegExp(`\\b(\\d{1,2})/(\\d{1,2})/(\\d{4})\\b|\\b(\\d{1,2}) (${MONTH_PATTERN}) (\\d{4})\\b`, 'gi');

/**
 * Every date written in `text` ("12/03/1987" or "12 marzo 1987"), as ISO strings in order of first appearance.
 * The generator writes dates only in these two forms, so this is the ground truth's `dates`.
 */
export function datesInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DATE_PATTERN)) {
    const d = Number(m[1] ?? m[4]);
    const month = m[2] ? Number(m[2]) : MONTHS_IT.indexOf((m[5] ?? '').toLowerCase()) + 1;
    const y = Number(m[3] ?? m[6]);
    const iso = isoDate({ y, m: month, d });
    if (!out.includes(iso)) out.push(iso);
  }
  return out;
}

// ---- people -------------------------------------------------------------------------------------------------

export type Gender = 'm' | 'f';

export interface Person {
  first: string;
  last: string;
  gender: Gender;
  birthPlace: string;
  birthDate: SDate;
}

export function fullName(p: Pick<Person, 'first' | 'last'>): string {
  return `${p.first} ${p.last}`;
}

export function randomPerson(rng: Rng, aroundYear: number): Person {
  const gender: Gender = rng.chance(0.55) ? 'm' : 'f';
  const first = rng.pick(gender === 'm' ? MALE_NAMES : FEMALE_NAMES);
  return {
    first,
    last: rng.pick(SURNAMES),
    gender,
    birthPlace: rng.pick(BIRTH_PLACES),
    birthDate: randomDate(rng, { y: aroundYear - 75, m: 1, d: 1 }, { y: aroundYear - 22, m: 12, d: 28 }),
  };
}

/** Italian gender agreement: g(p, 'o', 'a') → "nato" / "nata". */
export function g(p: { gender: Gender }, masculine: string, feminine: string): string {
  return p.gender === 'm' ? masculine : feminine;
}

export function honorific(p: { gender: Gender }): string {
  return p.gender === 'm' ? 'Sig.' : 'Sig.ra';
}

// ---- places -------------------------------------------------------------------------------------------------

export function randomAddress(rng: Rng): Address {
  const n = rng.weighted([
    [rng.int(1, 40), 5],
    [rng.int(41, 160), 3],
  ] as const);
  const suffix = rng.chance(0.15) ? `/${rng.pick(['A', 'B', 'C'])}` : '';
  return { street: rng.pick(STREETS), civic: `${n}${suffix}` };
}

/** "Via Roma n. 12", "Piazza Garibaldi 3/A", "Corso Matteotti, 45". */
export function formatAddress(a: Address, rng: Rng): string {
  return glue(formatAddressLoose(a, rng));
}

function formatAddressLoose(a: Address, rng: Rng): string {
  return rng.weighted([
    [`${a.street} n. ${a.civic}`, 5],
    [`${a.street} ${a.civic}`, 2],
    [`${a.street}, ${a.civic}`, 2],
  ] as const);
}

export function randomCadastral(rng: Rng, withSub: boolean): Cadastral {
  const c: Cadastral = { foglio: rng.int(1, 48), mappale: rng.int(12, 1450) };
  if (withSub) c.subalterno = rng.int(1, 24);
  return c;
}

/** "Foglio 12, Mappale 345, Subalterno 6", "fg. 12 mapp. 345 sub. 6", ... */
export function formatCadastral(c: Cadastral, rng: Rng): string {
  const style = rng.int(0, 3);
  const sub = c.subalterno;
  const pair = (label: string, n: number): string => glue(`${label} ${n}`);
  switch (style) {
    case 0:
      return `${pair('Foglio', c.foglio)}, ${pair('Mappale', c.mappale)}${sub ? `, ${pair('Subalterno', sub)}` : ''}`;
    case 1:
      return `${pair('fg.', c.foglio)} ${pair('mapp.', c.mappale)}${sub ? ` ${pair('sub.', sub)}` : ''}`;
    case 2:
      return `${pair('foglio n.', c.foglio)}, ${pair('mappale n.', c.mappale)}${sub ? `, ${pair('sub.', sub)}` : ''}`;
    default:
      return `${pair('Foglio', c.foglio)} ${pair('Mappale', c.mappale)}${sub ? ` ${pair('Sub.', sub)}` : ''}`;
  }
}

// ---- practice references ------------------------------------------------------------------------------------

const PREFIX_FORMS: Record<string, readonly string[]> = {
  PE: ['Pratica edilizia n. {n}/{y}', 'P.E. n. {n}/{y}', 'PE {n}/{y}'],
  LE: ['Licenza edilizia n. {n}/{y}', 'L.E. n. {n}/{y}'],
  CE: ['Concessione edilizia n. {n}/{y}', 'C.E. n. {n}/{y}'],
  PDC: ['Permesso di costruire n. {n}/{y}', 'PDC n. {n}/{y}'],
  DIA: ['DIA n. {n}/{y}', 'D.I.A. n. {n}/{y}'],
  SCIA: ['SCIA n. {n}/{y}', 'Pratica SCIA n. {n}/{y}'],
  CILA: ['CILA n. {n}/{y}', 'Pratica CILA n. {n}/{y}'],
  COND: ['Condono edilizio n. {n}/{y}', 'Pratica di condono n. {n}/{y}'],
  AGI: ['Pratica agibilità n. {n}/{y}', 'AGI n. {n}/{y}'],
  AP: ['Autorizzazione paesaggistica n. {n}/{y}', 'AP n. {n}/{y}'],
};

/** The practice reference as written on this practice's papers (one style per practice, as offices did). */
export function formatPracticeRef(ref: PracticeRef, style: number): string {
  const forms = PREFIX_FORMS[ref.prefix] ?? [`${ref.prefix} n. {n}/{y}`];
  const form = forms[style % forms.length] as string;
  return glue(form.replace('{n}', String(ref.number)).replace('{y}', String(ref.year)));
}

// ---- money --------------------------------------------------------------------------------------------------

/** "lire 150.000" before 2002, "euro 1.234,50" after. */
export function money(amountEuro: number, year: number): string {
  if (year < 2002) {
    const lire = Math.round((amountEuro * 1936.27) / 1000) * 1000;
    return `lire ${groupThousands(lire)}`;
  }
  const cents = Math.round(amountEuro * 100);
  return `euro ${groupThousands(Math.floor(cents / 100))},${String(cents % 100).padStart(2, '0')}`;
}

export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** A telephone number of the municipality's district. */
export function phone(rng: Rng, prefix: string): string {
  const digits = 10 - prefix.length;
  let n = String(rng.int(2, 9));
  while (n.length < digits) n += String(rng.int(0, 9));
  return `${prefix} ${n}`;
}
