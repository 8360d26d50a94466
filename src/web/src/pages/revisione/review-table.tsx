// The queue of pending suggestions, least sure first: a checkbox per row for bulk acceptance, the selected row marked
// (click the document or use j/k).
import type { Ref } from 'preact';
import type { ReferenceOptions } from './reference.ts';
import { itemTitle, percent, type ReviewItem } from './review.types.ts';

const REASONS_SHOWN = 2;

export interface ReviewTableProps {
  items: ReviewItem[];
  total: number;
  selected: number;
  checked: Set<string>;
  reference: ReferenceOptions;
  onSelect: (index: number) => void;
  onCheck: (documentId: string, on: boolean) => void;
  onCheckAll: (on: boolean) => void;
  selectedRef: Ref<HTMLButtonElement>;
}

function Reasons({ reasons }: { reasons: string[] }) {
  // The classifier may repeat a reason (one per matched page): each is shown once.
  const unique = [...new Set(reasons)];
  if (unique.length === 0) return <span class="revisione-muted">—</span>;
  const head = unique.slice(0, REASONS_SHOWN);
  const rest = unique.slice(REASONS_SHOWN);
  return (
    <>
      <ul class="revisione-reasons">
        {head.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
      {rest.length > 0 && (
        <details>
          <summary>altre {rest.length}</summary>
          <ul class="revisione-reasons">
            {rest.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

export function ReviewTable(props: ReviewTableProps) {
  const { items, total, selected, checked, reference, onSelect, onCheck, onCheckAll, selectedRef } = props;
  const allChecked = items.length > 0 && items.every((i) => checked.has(i.documentId));
  return (
    <div class="revisione-table-wrap">
      <table class="revisione-table">
        <caption>Proposte in attesa di revisione: {total}</caption>
        <thead>
          <tr>
            <th scope="col" class="revisione-check">
              <input
                type="checkbox"
                aria-label="Seleziona tutte le proposte della pagina"
                checked={allChecked}
                disabled={items.length === 0}
                onChange={(e) => onCheckAll(e.currentTarget.checked)}
              />
            </th>
            <th scope="col">Documento</th>
            <th scope="col">Classe</th>
            <th scope="col">Ufficio</th>
            <th scope="col" class="num">
              Confidenza
            </th>
            <th scope="col">Motivazioni</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, i) => {
            const title = itemTitle(item);
            const isSelected = i === selected;
            const cls = item.suggested.titolarioClass;
            return (
              <tr
                key={item.documentId}
                class={isSelected ? 'selected' : undefined}
                aria-current={isSelected ? 'true' : undefined}
                onClick={() => onSelect(i)}
              >
                <td class="revisione-check">
                  <input
                    type="checkbox"
                    aria-label={`Seleziona ${title}`}
                    checked={checked.has(item.documentId)}
                    onClick={(e) => e.stopPropagation()}
                    onChange={(e) => onCheck(item.documentId, e.currentTarget.checked)}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    class="link-button revisione-doc"
                    ref={isSelected ? selectedRef : undefined}
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(i);
                    }}
                  >
                    {title}
                  </button>
                  {item.filename && !title.includes(item.filename) && (
                    <div class="revisione-muted">{item.filename}</div>
                  )}
                </td>
                <td>
                  {cls}
                  {reference.classTitle(cls) && <div class="revisione-muted">{reference.classTitle(cls)}</div>}
                </td>
                <td>{reference.officeName(item.suggested.office)}</td>
                <td class="num">{percent(item.confidence)}</td>
                <td>
                  <Reasons reasons={item.reasons} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
