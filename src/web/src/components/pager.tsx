// Offset paging for lists: "Precedenti" / "Successivi" and "n–m di total".
export interface PagerProps {
  offset: number;
  limit: number;
  /** Rows shown on this page. */
  count: number;
  /** Total rows when the API tells it; without it "Successivi" is enabled while a page is full. */
  total?: number;
  onChange: (offset: number) => void;
  /** Names the navigation landmark, e.g. "Pagine del registro". */
  label?: string;
}

export function Pager({ offset, limit, count, total, onChange, label = 'Paginazione' }: PagerProps) {
  const hasPrev = offset > 0;
  const hasNext = total !== undefined ? offset + count < total : count >= limit;
  if (!hasPrev && !hasNext) return null; // everything fits on one page
  const range = count > 0 ? `${offset + 1}–${offset + count}` : '0';
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="secondary" disabled={!hasPrev} onClick={() => onChange(Math.max(0, offset - limit))}>
        Precedenti
      </button>
      <span aria-live="polite">
        {range}
        {total !== undefined ? ` di ${total}` : ''}
      </span>
      <button type="button" class="secondary" disabled={!hasNext} onClick={() => onChange(offset + limit)}>
        Successivi
      </button>
    </nav>
  );
}
