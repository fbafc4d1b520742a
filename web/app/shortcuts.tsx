import { useEffect, useRef, useState } from 'react';

/** Whether a key press belongs to what the user is typing (then no shortcut applies). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(
    type,
  );
}

export interface Shortcuts {
  open: boolean;
  close: () => void;
}

/** "/" focuses the header's search box; "?" opens the list of shortcuts; Escape closes the menu. */
export function useShortcuts({
  focusSearch,
  escape,
}: {
  focusSearch: () => void;
  escape: () => void;
}): Shortcuts {
  const [open, setOpen] = useState(false);
  const focus = useRef(focusSearch);
  const onEscape = useRef(escape);
  useEffect(() => {
    focus.current = focusSearch;
    onEscape.current = escape;
  }, [focusSearch, escape]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'Escape') return onEscape.current();
      if (isTyping(event.target)) return;
      if (event.key === '/') {
        event.preventDefault();
        focus.current();
      } else if (event.key === '?') {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return { open, close: () => setOpen(false) };
}
