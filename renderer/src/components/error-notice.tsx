import type { ReactNode } from 'react';
import { describeError, errorHeadline, type ShownError } from '../lib/errors';
import { Icon } from './icon';

/** An error as people read it: headline with the stable code, then the engine's message. */
export function ErrorNotice({ error, hint, onDismiss }: { error: unknown; hint?: string; onDismiss?: () => void }) {
  const shown: ShownError = isShown(error) ? error : describeError(error);
  return (
    <div className="notice notice-error" role="alert">
      <Icon name="alert" size={16} className="notice-icon" />
      <div className="notice-body">
        <div className="notice-title">{errorHeadline(shown)}</div>
        <div className="notice-text">{shown.message}</div>
        {hint ? <div className="notice-hint">{hint}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="notice-close" onClick={onDismiss} aria-label="Dismiss">
          <Icon name="x" size={14} />
        </button>
      ) : null}
    </div>
  );
}

export function SuccessNotice({ title, children, onDismiss }: { title: string; children?: ReactNode; onDismiss?: () => void }) {
  return (
    <div className="notice notice-success" role="status">
      <Icon name="check" size={16} className="notice-icon" />
      <div className="notice-body">
        <div className="notice-title">{title}</div>
        {children ? <div className="notice-text">{children}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="notice-close" onClick={onDismiss} aria-label="Dismiss">
          <Icon name="x" size={14} />
        </button>
      ) : null}
    </div>
  );
}

function isShown(e: unknown): e is ShownError {
  return typeof e === 'object' && e !== null && 'title' in e && 'code' in e && 'message' in e && !(e instanceof Error);
}
