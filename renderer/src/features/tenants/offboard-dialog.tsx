import { useId, useState } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { describeError, errorHeadline, type ShownError } from '../../lib/errors';
import { providerLabel, wrapLabel } from '../../lib/format';

/** Off the customer's KMS key onto a platform key, with step-up (rotate, 5 minutes). */
export function OffboardDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { tenants } = useServices();
  const selectId = useId();
  const [to, setTo] = useState<'local' | 'global'>('local');
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
      await tenants.getState().offboard(tenant.slug, to, passphrase);
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  const next = (tenant.active_version ?? 0) + 1;
  return (
    <Dialog
      title={`Move ${tenant.slug} off the customer's key`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" icon="key" busy={busy}>
            {busy ? 'Moving…' : `Move to the ${to} key`}
          </Button>
        </>
      }
    >
      <div className="field">
        <label className="field-label" htmlFor={selectId}>
          Platform key
        </label>
        <select id={selectId} className="select" value={to} onChange={(e) => setTo(e.target.value as 'local' | 'global')} disabled={busy}>
          <option value="local">{wrapLabel('local')} (local)</option>
          <option value="global">{wrapLabel('global')} (global)</option>
        </select>
      </div>
      <ul className="dialog-facts">
        <li>
          A new master key, wrapped by the platform key, becomes <strong>v{next} (active)</strong>. New writes no longer use {providerLabel(tenant.provider)}.
        </li>
        <li>The customer-wrapped versions are retired, and a rewrap job moves their records to v{next}.</li>
        <li>
          Until the rewrap is done, those records still unwrap through the customer's key: <strong>keep its grant in place until then</strong>. After it, the customer no longer controls this tenant's keys.
        </li>
        <li>Audited as tenant-kms.disabled.</li>
      </ul>
      <StepUpField
        value={passphrase}
        onChange={(v) => {
          setPassphrase(v);
          if (error) setError(null);
        }}
        minutes={5}
        action="this change"
        error={wrongPassphrase && error ? `${errorHeadline(error)}: ${error.message}` : error?.code === 'step_up_required' && !passphrase ? 'Enter the passphrase to continue' : undefined}
        disabled={busy}
      />
      {error && !wrongPassphrase && !(error.code === 'step_up_required' && !passphrase) ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}
