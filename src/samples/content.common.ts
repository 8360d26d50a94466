// Pieces shared by practice documents and protocol letters: fonts by era, letterheads, protocol numbers, stamps.
import type { ProtocolRef } from '../domain/ground-truth.ts';
import { FONT_FAMILIES, FONT_WEIGHTS, type FontChoice, type FontRole } from './fonts.ts';
import type { Municipality } from './content.data.ts';
import type { Letterhead, StampSpec } from './content.model.ts';
import { dayOfYear, isoDate, shortDate, type SDate } from './content.format.ts';
import type { Rng } from './random.ts';

/** Typewriters until the late 1980s, word processors after. */
export function fontForYear(rng: Rng, year: number): FontChoice {
  const role: FontRole =
    year < 1986
      ? rng.weighted([['typewriter', 9], ['serif', 1]] as const)
      : year < 2000
        ? rng.weighted([['typewriter', 4], ['serif', 4], ['sans', 2]] as const)
        : rng.weighted([['typewriter', 0.5], ['serif', 5], ['sans', 4.5]] as const);
  return { role, family: pickFamily(rng, role) };
}

export function pickFamily(rng: Rng, role: FontRole): string {
  return rng.weighted(FONT_FAMILIES[role].map((f, i) => [f, FONT_WEIGHTS[role][i] ?? 1] as const));
}

export function letterheadFont(rng: Rng, body: FontChoice): FontChoice {
  if (body.role === 'typewriter' && rng.chance(0.5)) return body; // typed heading
  const role: FontRole = rng.chance(0.6) ? 'serif' : 'sans';
  return { role, family: pickFamily(rng, role) };
}

export function upperName(m: Municipality): string {
  return m.name.toUpperCase();
}

/** "COMUNE DI <name>" / "Provincia di <province>" / "Ufficio Tecnico – Edilizia Privata". */
export function comuneLetterhead(rng: Rng, m: Municipality, font: FontChoice, office?: string): Letterhead {
  const officeLine =
    office ??
    rng.weighted([
      ['Ufficio Tecnico – Edilizia Privata', 6],
      ['Ufficio Tecnico Comunale – Edilizia Privata', 2],
      ['Settore Urbanistica – Edilizia Privata', 1],
    ] as const);
  return {
    font,
    align: 'center',
    rule: rng.chance(0.7),
    lines: [
      { text: `COMUNE DI ${upperName(m)}`, bold: true, scale: 1.3 },
      { text: `Provincia di ${m.province}` },
      { text: officeLine },
    ],
  };
}

/**
 * A protocol number plausible for the date: municipalities number their protocol from 1 every year,
 * `perDay` registrations a day on average.
 */
export function protocolNumberFor(rng: Rng, date: SDate, perDay: number): number {
  return Math.max(1, Math.floor((dayOfYear(date) - 1) * perDay) + rng.int(1, Math.max(1, Math.round(perDay))));
}

export function protocolRef(number: number, date: SDate): ProtocolRef {
  return { number, date: isoDate(date) };
}

/** The rubber stamp of the general protocol register: rectangle or circle, number and date. */
export function protocolStamp(rng: Rng, m: Municipality, number: number, date: SDate): StampSpec {
  const d = shortDate(date);
  const style = rng.int(0, 3);
  switch (style) {
    case 0:
      return { shape: 'rect', lines: [`COMUNE DI ${upperName(m)}`, 'PROTOCOLLO GENERALE', `N. ${number}`, `DEL ${d}`] };
    case 1:
      return { shape: 'rect', lines: [`COMUNE DI ${upperName(m)}`, `PROT. N. ${number}`, d] };
    case 2:
      return { shape: 'circle', lines: ['PROTOCOLLO', 'GENERALE', `N. ${number}`, d] };
    default:
      return { shape: 'rect', lines: ['PROTOCOLLO GENERALE', `N. ${number} DEL ${d}`] };
  }
}

/** Average protocol registrations a day for the municipality (bigger towns register more). */
export function protocolsPerDay(rng: Rng): number {
  return rng.pick([12, 18, 25, 32, 45]);
}
