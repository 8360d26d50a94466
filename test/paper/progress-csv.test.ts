// The progress CSV as an Italian spreadsheet reads it: semicolons, decimal commas, one row per Comune, then "Totale".
import { describe, expect, it } from 'vitest';
import { progressCsv, progressCsvFilename, PROGRESS_CSV_HEADERS } from '../../src/paper/progress-csv.ts';
import { buildProgress } from '../../src/paper/progress.ts';
import type { UnionSettings } from '../../src/tenancy/comuni.ts';

const UNION: UnionSettings = {
  name: 'Unione',
  comuni: [
    { code: 'E730', name: 'Lugo', requireAccessRequest: false },
    { code: 'A547', name: 'Bagnacavallo; frazioni "nord"', requireAccessRequest: false },
    { code: 'X001', name: '=HYPERLINK("http://x")', requireAccessRequest: false },
  ],
  defaultComune: 'E730',
  accessDays: 90,
  areaDays: 365,
};

const progress = buildProgress({
  counts: [
    { comune: 'E730', practices: 10, byState: { paper: 4, requested: 2, scanned: 1, archived: 3 }, pagesArchived: 45 },
    { comune: 'A547', practices: 1, byState: { paper: 1, requested: 0, scanned: 0, archived: 0 }, pagesArchived: 0 },
  ],
  perDay: [{ comune: 'E730', day: '2024-03-29', pages: 5, practices: 1 }],
  union: UNION,
  now: new Date('2024-03-30T10:00:00.000Z'),
  windowDays: 2,
});

const parse = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);

describe('progress CSV', () => {
  it('has a BOM, Italian headers and one row per Comune plus the total', () => {
    const csv = progressCsv(progress);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = parse(csv);
    expect(lines[0]).toBe(
      'Codice;Comune;Pratiche;Solo cartaceo;Digitalizzazione richiesta;Scansionate;Archiviate;Pagine digitalizzate;' +
        'Pagine al giorno;Pratiche al giorno;Arretrato;Giorni previsti;Data prevista',
    );
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[1]).toBe('E730;Lugo;10;4;2;1;3;45;2,5;0,5;7;14;2024-04-13');
    expect(lines.at(-1)).toBe(';Totale;11;5;2;1;3;45;2,5;0,5;8;16;2024-04-15');
    for (const line of lines.slice(1))
      expect(line.split(';').length).toBeGreaterThanOrEqual(PROGRESS_CSV_HEADERS.length);
  });

  it('quotes a name with a semicolon or quotes, defuses formulas and leaves an unknown forecast empty', () => {
    const lines = parse(progressCsv(progress));
    expect(lines[2]).toBe('A547;"Bagnacavallo; frazioni ""nord""";1;1;0;0;0;0;0;0;1;;');
    expect(lines[3]).toBe(`X001;"'=HYPERLINK(""http://x"")";0;0;0;0;0;0;0;0;0;0;2024-03-30`);
  });

  it('names the file after the day it was made', () => {
    expect(progressCsvFilename(progress)).toBe('avanzamento-digitalizzazione-2024-03-30.csv');
  });
});
