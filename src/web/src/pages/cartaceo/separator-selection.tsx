// Separator sheets for practices picked in the inventory search: a checkbox per row (kept across result pages) and
// "Stampa separatori" for the selection, with the options dialog (document-type and generic sheets, copies).
import { useState } from 'preact/hooks';
import { plural } from '../../format.ts';
import { SeparatorDialog, type SeparatorOptions } from '../../separators/separator-dialog.tsx';
import { downloadSeparators, type SeparatorSheetRequest } from '../../separators/separator-download.ts';
import type { InventoryView } from '../../types.ts';

export interface SeparatorSelection {
  /** Selected records, in the order they were picked. */
  selected: Array<Pick<InventoryView, 'id' | 'practiceKey'>>;
  has: (id: string) => boolean;
  toggle: (r: Pick<InventoryView, 'id' | 'practiceKey'>, on: boolean) => void;
  clear: () => void;
}

export function useSeparatorSelection(): SeparatorSelection {
  const [selected, setSelected] = useState<SeparatorSelection['selected']>([]);
  return {
    selected,
    has: (id) => selected.some((s) => s.id === id),
    toggle: (r, on) =>
      setSelected((prev) =>
        on
          ? prev.some((s) => s.id === r.id)
            ? prev
            : [...prev, { id: r.id, practiceKey: r.practiceKey }]
          : prev.filter((s) => s.id !== r.id),
      ),
    clear: () => setSelected([]),
  };
}

/** The checkbox of one result row. */
export function SelectCell({ record, selection }: { record: InventoryView; selection: SeparatorSelection }) {
  return (
    <input
      type="checkbox"
      class="row-select"
      aria-label={`Seleziona la pratica ${record.practiceKey} per i separatori`}
      checked={selection.has(record.id)}
      onChange={(e) => selection.toggle(record, e.currentTarget.checked)}
    />
  );
}

async function print(selection: SeparatorSelection, opts: SeparatorOptions): Promise<string> {
  const sheets: SeparatorSheetRequest[] = selection.selected.map((s) => ({ kind: 'practice', inventoryId: s.id }));
  for (let i = 0; i < opts.generic; i++) sheets.push({ kind: 'generic' });
  const res = await downloadSeparators({ sheets, copies: opts.copies, documentTypes: opts.documentTypes });
  return `Scaricato ${res.filename}: ${plural(res.sheets, 'foglio separatore', 'fogli separatori')}`;
}

/** "Stampa separatori" for the selection, and a way to clear it. */
export function SeparatorPrintBar({
  selection,
  onNotice,
}: {
  selection: SeparatorSelection;
  onNotice: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const n = selection.selected.length;
  return (
    <div class="actions separator-bar">
      <button type="button" disabled={n === 0} onClick={() => setOpen(true)}>
        Stampa separatori{n ? ` (${n})` : ''}
      </button>
      {n > 0 && (
        <button type="button" class="secondary" onClick={selection.clear}>
          Deseleziona tutte
        </button>
      )}
      {open && (
        <SeparatorDialog
          summary={`${plural(n, 'pratica selezionata', 'pratiche selezionate')}: ${selection.selected
            .slice(0, 8)
            .map((s) => s.practiceKey)
            .join(', ')}${n > 8 ? '…' : ''}`}
          onPrint={(opts) => print(selection, opts)}
          onClose={(message) => {
            setOpen(false);
            if (message) onNotice(message);
          }}
        />
      )}
    </div>
  );
}
