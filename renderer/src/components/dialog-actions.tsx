import type { ReactNode } from 'react';
import { Button } from './button';
import type { IconName } from './icon';

/** A dialog's footer: Cancel, then the one action that submits its form. */
export function DialogActions({
  onCancel,
  busy,
  icon,
  tone = 'primary',
  disabled,
  children,
}: {
  onCancel: () => void;
  busy: boolean;
  icon: IconName;
  tone?: 'primary' | 'danger';
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <Button variant="ghost" onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
      <Button type="submit" variant={tone} icon={icon} busy={busy} disabled={disabled}>
        {children}
      </Button>
    </>
  );
}
