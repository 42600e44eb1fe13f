/**
 * A listbox with a roving tabindex (audit entries, cross-check rows): when the arrows move
 * the selection while focus is in the list, focus moves to the newly selected option too;
 * otherwise it would stay on the old row and the next arrow would go nowhere.
 */
import { useEffect, type RefObject } from 'react';

export function useFocusFollowsSelection(list: RefObject<HTMLElement | null>, selectedKey: unknown): void {
  useEffect(() => {
    const root = list.current;
    if (!root || !root.contains(document.activeElement)) return;
    const target = root.querySelector<HTMLElement>('[role="option"][aria-selected="true"]');
    if (target && target !== document.activeElement) target.focus({ preventScroll: true });
  }, [list, selectedKey]);
}
