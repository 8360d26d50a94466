// The paper inventory import: a preview (columns, first rows, suggested mapping) and the import itself, which reads
// the file, validates every row under the mapping, upserts the accepted rows by (comune, practice key) and saves
// the report. Counts add up: inserted + updated + rejected = rows - empty rows.
import { randomUUID } from 'node:crypto';
import type { InventoryImport, PaperStore } from './paper-store.ts';
import { suggestMapping, type InventoryField } from './inventory-fields.ts';
import { readInventoryFile } from './inventory-read.ts';
import { checkMapping, validateInventory } from './inventory-validate.ts';

export const PREVIEW_ROWS = 10;
/** Records per upsert call (one transaction each). */
const UPSERT_CHUNK = 500;

export interface InventoryPreview {
  filename: string;
  /** Data rows (empty ones included). */
  rows: number;
  columns: string[];
  /** The first data rows that are not empty. */
  sample: string[][];
  mapping: Record<InventoryField, string | null>;
}

export async function previewInventory(data: Uint8Array, filename: string): Promise<InventoryPreview> {
  const table = await readInventoryFile(data, filename);
  const sample = table.rows.filter((r) => r.some((c) => c !== '')).slice(0, PREVIEW_ROWS);
  return {
    filename,
    rows: table.rows.length,
    columns: table.columns,
    sample,
    mapping: suggestMapping(table.columns, sample),
  };
}

export interface InventoryImportInput {
  data: Uint8Array;
  filename: string;
  comune: string;
  /** Field → column name, as sent by the client (checked against the file's columns). */
  mapping: unknown;
  importedBy: string;
  now?: Date;
}

/** Imports the file into the store and saves its report; throws InventoryFileError (400) before writing anything. */
export async function importInventory(store: PaperStore, input: InventoryImportInput): Promise<InventoryImport> {
  const table = await readInventoryFile(input.data, input.filename);
  const mapping = checkMapping(input.mapping, table.columns);
  const id = randomUUID();
  const now = input.now ?? new Date();
  const checked = validateInventory(table, mapping, { comune: input.comune, importId: id, now });
  let inserted = 0;
  let updated = 0;
  for (let i = 0; i < checked.records.length; i += UPSERT_CHUNK) {
    const done = await store.upsertInventory(checked.records.slice(i, i + UPSERT_CHUNK));
    inserted += done.inserted;
    updated += done.updated;
  }
  const report: InventoryImport = {
    id,
    comune: input.comune,
    filename: input.filename,
    importedBy: input.importedBy,
    at: now.toISOString(),
    rows: checked.rows,
    inserted,
    updated,
    rejected: checked.rejected,
    problems: checked.problems,
  };
  await store.saveImport(report);
  return report;
}
