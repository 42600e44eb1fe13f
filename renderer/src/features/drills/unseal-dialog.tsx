import { useState } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { describeError, type ShownError } from '../../lib/errors';

/** Manual unseal with step-up: the passphrase buys an unseal token (2 minutes), spent at once. */
export function UnsealDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { drills } = useServices();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const submit = async () => {
    if (!passphrase) {
      setError({ code: 'step_up_required', title: 'Step-up required', message: 'enter the operator passphrase' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await drills.getState().unseal(tenant.slug, passphrase);
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  const reason = typeof error?.details?.reason === 'string' ? error.details.reason : null;
  return (
    <Dialog
      title={`Unseal ${tenant.slug}`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" icon="lock" busy={busy}>
            {busy ? 'Unsealing…' : 'Unseal now'}
          </Button>
        </>
      }
    >
      <ul className="dialog-facts">
        <li>One unwrap of the active master key at the provider, now, instead of waiting for the next 30-second poll.</li>
        <li>If the KMS still refuses, the tenant stays sealed and the answer says why.</li>
      </ul>
      <StepUpField
        value={passphrase}
        onChange={(v) => {
          setPassphrase(v);
          if (error) setError(null);
        }}
        minutes={2}
        action="this unseal"
        error={error?.code === 'step_up_invalid' ? error.message : undefined}
        disabled={busy}
      />
      {error && error.code !== 'step_up_invalid' ? (
        <ErrorNotice error={error} hint={reason === 'access_denied' ? 'The grant is still missing: restore it in the cloud console, then retry.' : reason === 'unreachable' ? 'The KMS cannot be reached: check the network, then retry.' : undefined} />
      ) : null}
    </Dialog>
  );
}
