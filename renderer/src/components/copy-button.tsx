import { useEffect, useState } from 'react';
import { Icon } from './icon';

/** Copies `value` to the clipboard and says so for a moment; `label` names what is copied for screen readers. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1600);
    return () => clearTimeout(t);
  }, [state]);
  const copy = () => {
    // The clipboard API needs a secure context; the loopback host and app:// both are.
    navigator.clipboard.writeText(value).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <button type="button" className="copy-btn" onClick={copy} aria-label={`Copy ${label}`} title={state === 'failed' ? 'Could not copy: select the text instead' : `Copy ${label}`}>
      {state === 'copied' ? <Icon name="check" size={13} /> : <Icon name="copy" size={13} />}
      <span className="copy-btn-state" role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Not copied' : ''}
      </span>
    </button>
  );
}
