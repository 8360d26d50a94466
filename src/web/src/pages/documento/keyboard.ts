// Single-key shortcuts must not fire while the user types in a field or holds a modifier.

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** True when a plain key press (no Ctrl/Alt/Meta) reaches the page outside any text field. */
export function isShortcut(ev: KeyboardEvent): boolean {
  return !ev.defaultPrevented && !ev.ctrlKey && !ev.altKey && !ev.metaKey && !isTypingTarget(ev.target);
}
