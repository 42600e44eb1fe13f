import { useId, useState } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { useStepUp } from '../../components/use-step-up';
import { providerLabel, wrapLabel } from '../../lib/format';

/** Off the customer's KMS key onto a platform key, with step-up (rotate, 5 minutes). */
export function OffboardDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { tenants } = useServices();
  const selectId = useId();
  const [to, setTo] = useState<'local' | 'global'>('local');
  const step = useStepUp((passphrase) => tenants.getState().offboard(tenant.slug, to, passphrase), onClose);
  const { busy } = step;
  const next = (tenant.active_version ?? 0) + 1;
  return (
    <Dialog
      title={`Move ${tenant.slug} off the customer's key`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={busy} icon="key" tone="danger">
          {busy ? 'Moving…' : `Move to the ${to} key`}
        </DialogActions>
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
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={5} action="this change" error={step.fieldError} disabled={busy} />
      {step.otherError ? <ErrorNotice error={step.otherError} /> : null}
    </Dialog>
  );
}
