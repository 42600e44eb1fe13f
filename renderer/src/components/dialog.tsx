import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './icon';
import { useModalFocus } from './modal-focus';

interface DialogProps {
  title: string;
  /** Escape and the close button are ignored while busy, so a call in flight is never orphaned. */
  busy?: boolean;
  tone?: 'default' | 'danger';
  onClose: () => void;
  children: ReactNode;
  footer: ReactNode;
  onSubmit: () => void;
}

/**
 * A modal form: focus moves to the first field, stays inside (the window behind is inert)
 * and returns to the opener on close; Escape cancels, Enter submits. Rendered beside the
 * app root, so making the root inert leaves the dialog usable.
 */
export function Dialog({ title, busy = false, tone = 'default', onClose, children, footer, onSubmit }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLFormElement>(null);
  useModalFocus(ref);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button.btn-primary, button.btn-danger');
    first?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);
  return createPortal(
    <div className="dialog-backdrop">
      <form
        ref={ref}
        className={`dialog dialog-${tone}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) onSubmit();
        }}
      >
        <div className="dialog-header">
          <h2 id={titleId} className="dialog-title">
            {tone === 'danger' ? <Icon name="alert" size={18} className="dialog-title-icon" /> : null}
            {title}
          </h2>
          <button type="button" className="dialog-close" onClick={onClose} disabled={busy} aria-label="Close">
            <Icon name="x" size={16} />
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        <div className="dialog-footer">{footer}</div>
      </form>
    </div>,
    document.body,
  );
}
