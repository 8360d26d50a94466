// A sample paper inventory (the CSV an archive office exports from its spreadsheet): the practices of a generated
// corpus (they will be digitised by the demo) plus practices that exist only on paper, each with its shelf and box.
import type { GroundTruth } from '../domain/ground-truth.ts';
import { randomPracticeCase, applicantName } from './content.practice.case.ts';
import { pickMunicipality } from './generate.ts';
import { hashSeed, Rng } from './random.ts';

export const INVENTORY_HEADER = [
  'Tipo pratica',
  'Numero',
  'Anno',
  'Richiedente',
  'Indirizzo',
  'Foglio',
  'Mappale',
  'Sub',
  'Edificio',
  'Stanza',
  'Scaffale',
  'Faldone',
] as const;

type Row = Record<(typeof INVENTORY_HEADER)[number], string>;

function location(rng: Rng, year: number): Pick<Row, 'Edificio' | 'Stanza' | 'Scaffale' | 'Faldone'> {
  // Older practices sit in the deposit archive, newer ones in the current archive; boxes follow the year.
  const deposit = year < 1990;
  return {
    Edificio: deposit ? 'Archivio di deposito, via dei Mulini 4' : 'Municipio',
    Stanza: deposit ? `Sala ${rng.int(1, 3)}` : 'Archivio corrente',
    Scaffale: String(rng.int(1, 40)),
    Faldone: `${year}/${rng.int(1, 60)}`,
  };
}

function csvCell(v: string): string {
  return /[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Rows of the inventory: one per distinct practice of `corpus`, then `paperOnly` practices never scanned. */
export function sampleInventoryRows(opts: {
  seed: number;
  corpus?: readonly GroundTruth[];
  paperOnly: number;
  municipality?: string;
}): Row[] {
  const rng = new Rng(hashSeed(opts.seed, 'inventory'));
  const rows = new Map<string, Row>();
  for (const gt of opts.corpus ?? []) {
    if (!gt.practice) continue;
    const key = `${gt.practice.prefix} ${gt.practice.number}/${gt.practice.year}`;
    if (rows.has(key)) continue;
    rows.set(key, {
      'Tipo pratica': gt.practice.prefix,
      Numero: String(gt.practice.number),
      Anno: String(gt.practice.year),
      Richiedente: gt.applicant ?? '',
      Indirizzo: gt.address ? `${gt.address.street} ${gt.address.civic}` : '',
      Foglio: gt.cadastral ? String(gt.cadastral.foglio) : '',
      Mappale: gt.cadastral ? String(gt.cadastral.mappale) : '',
      Sub: gt.cadastral?.subalterno ? String(gt.cadastral.subalterno) : '',
      ...location(rng, gt.practice.year),
    });
  }
  const municipality = pickMunicipality(opts.seed, opts.municipality);
  let added = 0;
  for (let i = 0; added < opts.paperOnly && i < opts.paperOnly * 3; i++) {
    const c = randomPracticeCase(rng.fork('paper', i), municipality);
    const key = `${c.ref.prefix} ${c.ref.number}/${c.ref.year}`;
    if (rows.has(key)) continue;
    rows.set(key, {
      'Tipo pratica': c.ref.prefix,
      Numero: String(c.ref.number),
      Anno: String(c.ref.year),
      Richiedente: applicantName(c.applicant),
      Indirizzo: `${c.address.street} ${c.address.civic}`,
      Foglio: String(c.cadastral.foglio),
      Mappale: String(c.cadastral.mappale),
      Sub: c.cadastral.subalterno ? String(c.cadastral.subalterno) : '',
      ...location(rng, c.ref.year),
    });
    added++;
  }
  return [...rows.values()];
}

/** The rows as a semicolon-separated CSV with a BOM, as spreadsheet programs in Italy export it. */
export function inventoryCsv(rows: readonly Row[]): string {
  const lines = [INVENTORY_HEADER.join(';'), ...rows.map((r) => INVENTORY_HEADER.map((h) => csvCell(r[h])).join(';'))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
