// A plain accessible table: caption, column headers, one row per item, horizontal scroll on narrow screens.
import type { ComponentChildren } from 'preact';

export interface Column<T> {
  /** Column header text (also what browser tests find the column by). */
  header: string;
  render: (row: T, index: number) => ComponentChildren;
  /** CSS class for the cells, e.g. "num" for right-aligned numbers. */
  class?: string;
}

export interface DataTableProps<T> {
  caption: ComponentChildren;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  /** Shown in a single cell when rows is empty. */
  empty?: string;
  /** Extra attributes per row (a class for failed rows, aria-selected…). */
  rowProps?: (row: T, index: number) => Record<string, unknown>;
  /** Hide the caption visually (still read by screen readers). */
  captionHidden?: boolean;
}

export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty = 'Nessun elemento',
  rowProps,
  captionHidden,
}: DataTableProps<T>) {
  return (
    <div class="table-wrap">
      <table>
        <caption class={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" class={c.class} key={c.header}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} class="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row, i) => (
              <tr key={rowKey(row, i)} {...(rowProps?.(row, i) ?? {})}>
                {columns.map((c) => (
                  <td class={c.class} key={c.header}>
                    {c.render(row, i)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
