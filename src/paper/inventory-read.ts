// Reads an inventory file (CSV or Excel .xlsx) into a header and rows of text. CSV: UTF-8 with or without BOM, UTF-16
// with BOM, else Windows-1252 (what Excel saves as "CSV" on Italian Windows); delimiter ';', ',' or tab, detected
// from the header line. Nothing is dropped here: empty rows stay, so row numbers match the file.
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';

export interface InventoryTable {
  /** Column names from the header row, unique and non-empty ("Colonna 3" for an unnamed one). */
  columns: string[];
  /** Data rows (after the header), each as long as `columns`, cells trimmed; row i is row number i + 1. */
  rows: string[][];
}

/** A file the import cannot read (400, Italian message). */
export class InventoryFileError extends Error {
  readonly statusCode = 400;
  readonly code = 'INVALID_INVENTORY_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'InventoryFileError';
  }
}

export type InventoryFormat = 'csv' | 'xlsx';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (data: Uint8Array, magic: number[]) => magic.every((b, i) => data[i] === b);

/** The format by content first (an .xlsx is a zip), then by name. */
export function inventoryFormatOf(data: Uint8Array, filename: string): InventoryFormat {
  if (startsWith(data, ZIP_MAGIC)) return 'xlsx';
  if (startsWith(data, OLE_MAGIC) || /\.xls$/i.test(filename)) {
    throw new InventoryFileError('Il formato Excel .xls non è supportato: salva il file come .xlsx oppure .csv');
  }
  if (/\.(xlsx|xlsm)$/i.test(filename)) throw new InventoryFileError('File Excel non leggibile');
  return 'csv';
}

export async function readInventoryFile(data: Uint8Array, filename: string): Promise<InventoryTable> {
  const cells = inventoryFormatOf(data, filename) === 'xlsx' ? await readXlsx(data) : readCsv(data);
  return tableOf(cells);
}

/** Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252. */
export function decodeText(data: Uint8Array): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf)
    return new TextDecoder('utf-8').decode(data.subarray(3));
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}

/** The delimiter occurring most in the first line outside quotes (';' on a tie, as Italian Excel writes). */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts = new Map<string, number>([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ';';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

function readCsv(data: Uint8Array): string[][] {
  const text = decodeText(data);
  try {
    return parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
    }) as string[][];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new InventoryFileError(
      `File CSV non leggibile${e.lines ? ` alla riga ${e.lines}` : ''}: ${e.message ?? err}`,
    );
  }
}

async function readXlsx(data: Uint8Array): Promise<string[][]> {
  let sheet: unknown[][];
  try {
    sheet = (await readSheet(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) as unknown[][];
  } catch (err) {
    throw new InventoryFileError(`File Excel non leggibile: ${(err as Error).message ?? err}`);
  }
  return sheet.map((row) => row.map(cellText));
}

/** An Excel cell as text: whole numbers without decimals, dates as yyyy-mm-dd. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'sì' : 'no';
  return String(v);
}

function tableOf(cells: string[][]): InventoryTable {
  const headerAt = cells.findIndex((r) => r.some((c) => c.trim() !== ''));
  if (headerAt < 0) throw new InventoryFileError('Il file è vuoto');
  if (headerAt > 0) {
    throw new InventoryFileError(`La prima riga del file deve contenere le intestazioni delle colonne`);
  }
  const header = cells[0]!.map((c) => c.trim());
  const data = cells.slice(1);
  const width = Math.max(header.length, ...data.map((r) => r.length));
  const columns: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < width; i++) {
    const name = header[i] || `Colonna ${i + 1}`;
    const n = (seen.get(name.toLowerCase()) ?? 0) + 1;
    seen.set(name.toLowerCase(), n);
    columns.push(n === 1 ? name : `${name} (${n})`);
  }
  const rows = data.map((r) => Array.from({ length: width }, (_, i) => (r[i] ?? '').trim()));
  return { columns, rows };
}
