import { useState } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { describeError, errorHeadline, type ShownError } from '../../lib/errors';
import { plural, providerLabel } from '../../lib/format';
import { useKeys } from './keys-store';

/** Rotate with step-up: the passphrase buys a rotate token (5 minutes), spent at once. */
export function RotateDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { keys } = useServices();
  const active = useKeys((s) => s.versions.find((v) => v.status === 'active'));
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const wrongPassphrase = error?.code === 'step_up_invalid';
  const submit = async () => {
    if (!passphrase) {
      setError({ code: 'step_up_required', title: 'Step-up required', message: 'enter the operator passphrase' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await keys.getState().rotate(passphrase);
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  const next = (active?.version ?? tenant.active_version ?? 0) + 1;
  return (
    <Dialog
      title={`Rotate the master key of ${tenant.slug}`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" icon="rotate" busy={busy}>
            {busy ? 'Rotating…' : `Rotate to v${next}`}
          </Button>
        </>
      }
    >
      <ul className="dialog-facts">
        <li>
          A new 32-byte master key, wrapped by {providerLabel(tenant.provider)}, becomes <strong>v{next} (active)</strong>. New writes use it at once.
        </li>
        {active ? (
          <li>
            <strong>v{active.version}</strong> becomes retired: it still unwraps its {plural(active.record_count, 'record')}, and a rewrap job moves them to v{next}.
          </li>
        ) : null}
        <li>Rotation cannot be undone.</li>
      </ul>
      <StepUpField
        value={passphrase}
        onChange={(v) => {
          setPassphrase(v);
          if (error) setError(null);
        }}
        minutes={5}
        action="this rotation"
        error={wrongPassphrase && error ? `${errorHeadline(error)}: ${error.message}` : error?.code === 'step_up_required' && !passphrase ? 'Enter the passphrase to continue' : undefined}
        disabled={busy}
      />
      {error && !wrongPassphrase && !(error.code === 'step_up_required' && !passphrase) ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}
