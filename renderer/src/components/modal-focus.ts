/**
 * What makes a dialog modal for keyboard and assistive technology, not only for the eye:
 * the rest of the window is inert while it is open, Tab and Shift+Tab cycle inside it,
 * and when it closes focus returns to the control that opened it.
 */
import { useEffect, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]') && el.getClientRects().length > 0);
}

/** Keeps Tab inside `root`: from the last element to the first, and back with Shift. */
export function trapTab(root: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const items = focusableIn(root);
  if (items.length === 0) {
    e.preventDefault();
    return;
  }
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && root.contains(active);
  if (e.shiftKey && (active === first || !inside)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !inside)) {
    e.preventDefault();
    first.focus();
  }
}

/** While mounted: everything but `root`'s own layer is inert, Tab is trapped, and focus goes back on unmount. */
export function useModalFocus(root: RefObject<HTMLElement | null>, appRootId = 'root'): void {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const app = document.getElementById(appRootId);
    const wasInert = app?.inert ?? false;
    if (app) app.inert = true;
    const onKey = (e: KeyboardEvent) => {
      if (root.current) trapTab(root.current, e);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (app) app.inert = wasInert;
      // Back to the button that opened the dialog, if it is still there (a rotation may re-render it).
      if (opener?.isConnected) opener.focus();
    };
  }, [root, appRootId]);
}
