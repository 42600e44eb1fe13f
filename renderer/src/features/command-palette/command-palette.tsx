/**
 * Ctrl+K (Cmd+K on a Mac) opens a palette of the main actions: type to filter, arrows to
 * move, Enter to run, Escape to close (focus returns where it was). It is a modal
 * combobox + listbox, so screen readers announce the option in focus.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useServices } from '../../app/services-context';
import { Icon } from '../../components/icon';
import { useTenants } from '../tenants/tenants-store';
import { RotateDialog } from '../key-versions/rotate-dialog';
import { useNav } from '../../app/services-context';
import { PALETTE_ACTIONS, filterActions } from './palette-actions';
import { focusMain } from '../shell/skip-link';
import './command-palette.css';

export const PALETTE_OPEN_EVENT = 'keywarden:open-palette';

export function CommandPalette() {
  const services = useServices();
  const [open, setOpen] = useState(false);
  const [rotating, setRotating] = useState(false);
  const returnFocus = useRef<HTMLElement | null>(null);
  const show = useCallback(() => {
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(true);
  }, []);
  const close = useCallback(() => {
    setOpen(false);
    returnFocus.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        if (open) close();
        else show();
      }
    };
    const onOpen = () => show();
    window.addEventListener('keydown', onKey);
    window.addEventListener(PALETTE_OPEN_EVENT, onOpen);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener(PALETTE_OPEN_EVENT, onOpen);
    };
  }, [open, show, close]);
  return (
    <>
      {open ? (
        <Palette
          onClose={close}
          onRun={(action) => {
            setOpen(false);
            if (action.run(services) === 'rotate-dialog') {
              void services.tenants.getState().load();
              setRotating(true);
            } else void placeFocus(action.focus, returnFocus.current);
          }}
        />
      ) : null}
      {rotating ? (
        <RotateFromPalette
          onClose={() => {
            setRotating(false);
            void placeFocus(undefined, returnFocus.current);
          }}
        />
      ) : null}
    </>
  );
}

/**
 * After an action, focus goes to the form it leads to (once its screen has rendered), else
 * back where it was, else (that element left with the old screen) to the new screen's content.
 */
async function placeFocus(selector: string | undefined, previous: HTMLElement | null): Promise<void> {
  // One turn first: the screen change renders after the action returns.
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; selector && i < 40; i++) {
    const target = document.querySelector<HTMLElement>(selector);
    if (target) return target.focus();
    await new Promise((r) => setTimeout(r, 25));
  }
  if (previous?.isConnected) previous.focus();
  else focusMain();
}

/** The rotate dialog for the tenant the Key versions screen shows (the selected one, else the first). */
function RotateFromPalette({ onClose }: { onClose: () => void }) {
  const tenants = useTenants((s) => s.tenants);
  const selected = useNav((s) => s.tenant);
  const tenant = tenants.find((t) => t.slug === selected) ?? tenants[0] ?? null;
  if (!tenant) return null;
  return <RotateDialog tenant={tenant} onClose={onClose} />;
}

function Palette({ onClose, onRun }: { onClose: () => void; onRun: (a: (typeof PALETTE_ACTIONS)[number]) => void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => filterActions(PALETTE_ACTIONS, query), [query]);
  const current = shown[Math.min(active, shown.length - 1)];
  useEffect(() => input.current?.focus(), []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((i) => (shown.length ? (i + 1) % shown.length : 0));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (shown.length ? (i - 1 + shown.length) % shown.length : 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (current) onRun(current);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'Tab') {
      // Focus stays in the palette: Tab moves through the options like the arrows.
      e.preventDefault();
      setActive((i) => (shown.length ? (i + (e.shiftKey ? shown.length - 1 : 1)) % shown.length : 0));
    }
  };
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <div className="palette-search">
          <Icon name="search" size={16} />
          <input
            ref={input}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={current ? `${listId}-${current.id}` : undefined}
            aria-label="Action"
            placeholder="Type an action: verify, rotate, cross-check, export, drill…"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
          />
          <kbd>Esc</kbd>
        </div>
        <ul className="palette-list" role="listbox" id={listId} aria-label="Actions">
          {shown.length === 0 ? <li className="palette-empty">No action matches “{query}”.</li> : null}
          {shown.map((a) => (
            <li
              key={a.id}
              id={`${listId}-${a.id}`}
              role="option"
              aria-selected={a === current}
              className="palette-option"
              onMouseMove={() => setActive(shown.indexOf(a))}
              onClick={() => onRun(a)}
            >
              <span className="palette-label">{a.label}</span>
              <span className="palette-hint">{a.hint}</span>
            </li>
          ))}
        </ul>
        <div className="palette-footer">
          <span>
            <kbd>↑</kbd> <kbd>↓</kbd> move
          </span>
          <span>
            <kbd>Enter</kbd> run
          </span>
          <span>
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd> <kbd>K</kbd> open or close
          </span>
        </div>
      </div>
    </div>
  );
}
