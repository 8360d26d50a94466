// Row-by-row validation of an inventory file under a column mapping. An error rejects its row, a warning keeps it;
// only entirely empty rows are skipped without a word. Practice, parcel and address keys are normalised as the
// classifier normalises them (practice-keys.ts), so that a scanned document finds its paper record.
import {
  addressKeyOf,
  normalisePrefix,
  parcelKeyOf,
  parsePracticeKey,
  practiceKeyOf,
} from '../classify/practice-keys.ts';
import type { ImportProblem, NewInventoryRecord } from './paper-store.ts';
import { INVENTORY_FIELDS, mappingProblem, type InventoryField, type InventoryMapping } from './inventory-fields.ts';
import { InventoryFileError, type InventoryTable } from './inventory-read.ts';

/** Procedure types the classifier knows (practice key prefixes); others are kept, with a warning. */
export const KNOWN_PROCEDURE_TYPES: ReadonlySet<string> = new Set([
  'PE',
  'PDC',
  'SCIA',
  'CILA',
  'DIA',
  'CE',
  'LE',
  'COND',
  'AGI',
  'AP',
]);

/** Longest text kept in a field; longer text is cut, with a warning. */
export const MAX_TEXT = 500;

export interface ValidatedInventory {
  /** Data rows read, empty ones included. */
  rows: number;
  /** Entirely empty rows (skipped). */
  empty: number;
  /** Rows with at least one error (not imported). */
  rejected: number;
  /** The accepted rows, in file order. */
  records: NewInventoryRecord[];
  /** Ordered by row. */
  problems: ImportProblem[];
}

/** The mapping as sent, checked against the file's columns: every named column must exist. */
export function checkMapping(raw: unknown, columns: readonly string[]): InventoryMapping {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InventoryFileError('Corrispondenza delle colonne mancante o non valida');
  }
  const mapping: InventoryMapping = {};
  for (const [field, column] of Object.entries(raw as Record<string, unknown>)) {
    if (column === null || column === undefined || column === '') continue;
    if (!(INVENTORY_FIELDS as readonly string[]).includes(field)) {
      throw new InventoryFileError(`Campo sconosciuto nella corrispondenza: '${field}'`);
    }
    if (typeof column !== 'string' || !columns.includes(column)) {
      throw new InventoryFileError(`Colonna non presente nel file: '${String(column)}'`);
    }
    mapping[field as InventoryField] = column;
  }
  const problem = mappingProblem(mapping);
  if (problem) throw new InventoryFileError(problem);
  return mapping;
}

const POSITIVE_INT = /^[0-9]{1,9}$/;

function positiveInt(v: string): number | undefined {
  const digits = v.replace(/^(?:n|nr|num|numero)\s*[.°º:]?\s*/i, '').replace(/\.0+$/, '');
  if (!POSITIVE_INT.test(digits)) return undefined;
  const n = Number(digits);
  return n > 0 ? n : undefined;
}

/**
 * The pages of a practice as inventories write them: "45", "45 pagine", "pag. 45", "ff. 12", "c. 30" (carte); undefined
 * for an empty cell, null for anything else.
 */
export function pageCount(v: string): number | undefined | null {
  const t = v.trim().toLowerCase();
  if (!t) return undefined;
  const m =
    /^(?:(?:pag|pagg|pp|ff|fg|cc|c|n)\.?\s*)?([0-9]{1,6})(?:[.,]0+)?\s*(?:pagine|pagina|pag\.?|fogli|foglio|ff\.?|carte|cc\.?|pp\.?|pages)?$/.exec(t);
  const n = m ? Number(m[1]) : NaN;
  return n > 0 ? n : null;
}

export function validateInventory(
  table: InventoryTable,
  mapping: InventoryMapping,
  ctx: { comune: string; importId: string; now?: Date },
): ValidatedInventory {
  const index = Object.fromEntries(
    Object.entries(mapping).map(([field, column]) => [field, table.columns.indexOf(column)]),
  ) as Partial<Record<InventoryField, number>>;
  const maxYear = (ctx.now ?? new Date()).getUTCFullYear() + 1;
  const firstRowOf = new Map<string, number>();
  const problems: ImportProblem[] = [];
  const records: NewInventoryRecord[] = [];
  let empty = 0;
  let rejected = 0;

  table.rows.forEach((cells, i) => {
    const row = i + 1;
    if (cells.every((c) => c === '')) {
      empty++;
      return;
    }
    const cell = (f: InventoryField): string => {
      const at = index[f];
      return at === undefined || at < 0 ? '' : (cells[at] ?? '');
    };
    const rowProblems: ImportProblem[] = [];
    const problem = (severity: ImportProblem['severity'], column: InventoryField, message: string, value?: string) =>
      rowProblems.push({ row, column, severity, message, ...(value !== undefined ? { value } : {}) });

    // ── the practice ──
    let key: string | undefined;
    const practiceText = cell('practice');
    const hasParts = !!(mapping.procedureType && mapping.number && mapping.year);
    if (practiceText) {
      key = parsePracticeKey(practiceText);
      if (!key) problem('error', 'practice', 'Pratica non riconosciuta (atteso ad es. "PE 123/1987")', practiceText);
    } else if (!hasParts) {
      problem('error', 'practice', 'Pratica mancante');
    } else {
      const typeText = cell('procedureType');
      const numberText = cell('number');
      const yearText = cell('year');
      if (!typeText) problem('error', 'procedureType', 'Tipo di procedimento mancante');
      else if (!normalisePrefix(typeText))
        problem('error', 'procedureType', 'Tipo di procedimento non valido', typeText);
      const number = numberText ? positiveInt(numberText) : undefined;
      if (!numberText) problem('error', 'number', 'Numero mancante');
      else if (number === undefined) problem('error', 'number', 'Numero non valido', numberText);
      const yearDigits = yearText.replace(/\.0+$/, '');
      const yearOk = /^(?:[0-9]{2}|[0-9]{4})$/.test(yearDigits);
      if (!yearText) problem('error', 'year', 'Anno mancante');
      else if (!yearOk) problem('error', 'year', 'Anno non valido', yearText);
      if (typeText && normalisePrefix(typeText) && number !== undefined && yearOk) {
        key = practiceKeyOf({ prefix: typeText, number, year: yearDigits });
        if (!key) problem('error', 'year', 'Anno non valido', yearText);
      }
    }
    const parsed = key ? /^(\S+) ([0-9]+)\/([0-9]{4})$/.exec(key) : null;
    if (key && !parsed) {
      problem('error', 'practice', 'Pratica non riconosciuta (atteso ad es. "PE 123/1987")', practiceText || key);
      key = undefined;
    }
    const year = parsed ? Number(parsed[3]) : undefined;
    const yearField: InventoryField = practiceText ? 'practice' : 'year';
    if (key && year !== undefined && year > maxYear) {
      problem('error', yearField, `Anno nel futuro: ${year}`, practiceText || cell('year'));
      key = undefined;
    }
    const procedureType = parsed?.[1];
    if (key && procedureType && !KNOWN_PROCEDURE_TYPES.has(procedureType)) {
      const given = practiceText ? practiceText : cell('procedureType');
      problem(
        'warning',
        practiceText ? 'practice' : 'procedureType',
        `Tipo di procedimento sconosciuto: importato come "${procedureType}"`,
        given,
      );
    }
    if (key) {
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        problem(
          'error',
          practiceText ? 'practice' : 'number',
          `Pratica ripetuta nel file: già alla riga ${first}`,
          key,
        );
        key = undefined;
      } else {
        firstRowOf.set(key, row);
      }
    }

    // ── cadastral data: a bad value is left out, the row is kept ──
    const integer = (f: 'foglio' | 'mappale' | 'subalterno', label: string): number | undefined => {
      const text = cell(f);
      if (!text) return undefined;
      const n = positiveInt(text);
      if (n === undefined) problem('warning', f, `${label} non numerico: campo lasciato vuoto`, text);
      return n;
    };
    const foglio = integer('foglio', 'Foglio');
    const mappale = integer('mappale', 'Mappale');
    const subalterno = integer('subalterno', 'Subalterno');
    // One without the other (when the other is not already reported as not numeric): no parcel key.
    if (foglio === undefined && !cell('foglio') && mappale !== undefined) {
      problem('warning', 'foglio', 'Mappale senza foglio: particella non indicizzata');
    } else if (mappale === undefined && !cell('mappale') && foglio !== undefined) {
      problem('warning', 'mappale', 'Foglio senza mappale: particella non indicizzata');
    }

    // ── texts ──
    const text = (f: InventoryField): string | undefined => {
      const v = cell(f);
      if (!v) return undefined;
      if (v.length <= MAX_TEXT) return v;
      problem('warning', f, `Testo troppo lungo: tenuti i primi ${MAX_TEXT} caratteri`);
      return v.slice(0, MAX_TEXT);
    };
    const street = text('address');
    const civic = text('civic');
    if (civic && !street) problem('warning', 'civic', 'Civico senza indirizzo: ignorato', civic);
    const address = street ? [street, civic].filter(Boolean).join(' ') : undefined;
    const expectedPages = pageCount(cell('expectedPages'));
    if (expectedPages === null)
      problem('warning', 'expectedPages', 'Numero di pagine non riconosciuto: campo lasciato vuoto', cell('expectedPages'));
    const applicant = text('applicant');
    const notes = text('notes');
    const location = {
      building: text('building'),
      room: text('room'),
      shelf: text('shelf'),
      box: text('box'),
    };

    problems.push(...rowProblems);
    if (!key || !parsed || rowProblems.some((p) => p.severity === 'error')) {
      rejected++;
      return;
    }
    const addressKey = address ? addressKeyOf(address) : undefined;
    const parcelKey = foglio !== undefined && mappale !== undefined ? parcelKeyOf({ foglio, mappale }) : undefined;
    records.push({
      comune: ctx.comune,
      practiceKey: key,
      procedureType: parsed[1]!,
      number: Number(parsed[2]),
      year: Number(parsed[3]),
      ...(applicant ? { applicant } : {}),
      ...(address ? { address } : {}),
      ...(addressKey ? { addressKey } : {}),
      ...(foglio !== undefined ? { foglio } : {}),
      ...(mappale !== undefined ? { mappale } : {}),
      ...(subalterno !== undefined ? { subalterno } : {}),
      ...(parcelKey ? { parcelKey } : {}),
      location: Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined)),
      ...(notes ? { notes } : {}),
      ...(expectedPages ? { expectedPages } : {}),
      importId: ctx.importId,
      sourceRow: row,
    });
  });
  return { rows: table.rows.length, empty, rejected, records, problems };
}
