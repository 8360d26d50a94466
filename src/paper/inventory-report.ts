// The problems of an import as CSV for spreadsheets (riga;campo;gravità;messaggio;valore), UTF-8 with BOM so that
// Excel reads the accents, and cells that would start a formula neutralised (the values come from uploaded files).
import { INVENTORY_FIELD_LABELS, type InventoryField } from './inventory-fields.ts';
import type { ImportProblem } from './paper-store.ts';

const SEVERITY_LABELS: Record<ImportProblem['severity'], string> = { error: 'errore', warning: 'avviso' };

function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[";\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function problemsCsv(problems: readonly ImportProblem[]): string {
  const lines = [['riga', 'campo', 'gravità', 'messaggio', 'valore']];
  for (const p of problems) {
    lines.push([
      String(p.row),
      p.column ? (INVENTORY_FIELD_LABELS[p.column as InventoryField] ?? p.column) : '',
      SEVERITY_LABELS[p.severity] ?? p.severity,
      p.message,
      p.value ?? '',
    ]);
  }
  return `\ufeff${lines.map((l) => l.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
