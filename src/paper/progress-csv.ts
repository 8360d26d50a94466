// The digitisation progress as CSV for spreadsheets set to Italian: semicolons, decimal commas, a UTF-8 BOM so that
// Excel reads accents, one row per Comune and a final "Totale".
import type { Progress, ProgressRow } from './progress.ts';

export const PROGRESS_CSV_HEADERS = [
  'Codice',
  'Comune',
  'Pratiche',
  'Solo cartaceo',
  'Digitalizzazione richiesta',
  'Scansionate',
  'Archiviate',
  'Pagine digitalizzate',
  'Pagine al giorno',
  'Pratiche al giorno',
  'Arretrato',
  'Giorni previsti',
  'Data prevista',
] as const;

/** A decimal number the Italian way ("2,5"); integers unchanged; null as an empty cell. */
function num(n: number | null): string {
  return n === null ? '' : String(n).replace('.', ',');
}

/** Quotes a cell when needed; a leading = + - @ is defused so that a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function rowCells(r: ProgressRow, code: string): string[] {
  return [
    csvCell(code),
    csvCell(r.comuneName),
    num(r.practices),
    num(r.byState.paper),
    num(r.byState.requested),
    num(r.byState.scanned),
    num(r.byState.archived),
    num(r.pagesDigitised),
    num(r.pagesPerDay),
    num(r.practicesPerDay),
    num(r.backlog),
    num(r.forecastDays),
    r.forecastDate ?? '',
  ];
}

export function progressCsv(progress: Progress): string {
  const lines = [
    PROGRESS_CSV_HEADERS.join(';'),
    ...progress.comuni.map((r) => rowCells(r, r.comune).join(';')),
    rowCells(progress.overall, '').join(';'),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** "avanzamento-digitalizzazione-2026-03-01.csv" */
export function progressCsvFilename(progress: Progress): string {
  return `avanzamento-digitalizzazione-${progress.generatedAt.slice(0, 10)}.csv`;
}
