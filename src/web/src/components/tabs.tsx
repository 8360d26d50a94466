// ARIA tabs: a tablist of buttons (arrow keys, Home, End move between tabs) and the selected panel.
import type { ComponentChildren } from 'preact';

export interface TabDef {
  id: string;
  label: string;
}

export interface TabsProps {
  /** Names the tablist for screen readers. */
  label: string;
  tabs: TabDef[];
  selected: string;
  onSelect: (id: string) => void;
  /** The selected tab's panel. */
  children: ComponentChildren;
}

export function Tabs({ label, tabs, selected, onSelect, children }: TabsProps) {
  const onKeyDown = (ev: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === selected);
    let next = -1;
    if (ev.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (ev.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = tabs.length - 1;
    const tab = tabs[next];
    if (!tab) return;
    ev.preventDefault();
    onSelect(tab.id);
    requestAnimationFrame(() => document.getElementById(`tab-${tab.id}`)?.focus());
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} class="tablist" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === selected}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === selected ? 0 : -1}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${selected}`} aria-labelledby={`tab-${selected}`} class="tabpanel">
        {children}
      </div>
    </div>
  );
}
