import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { useStepUp } from '../../components/use-step-up';

/** Manual unseal with step-up: the passphrase buys an unseal token (2 minutes), spent at once. */
export function UnsealDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { drills } = useServices();
  const step = useStepUp((passphrase) => drills.getState().unseal(tenant.slug, passphrase), onClose);
  const { busy } = step;
  const reason = typeof step.otherError?.details?.reason === 'string' ? step.otherError.details.reason : null;
  return (
    <Dialog
      title={`Unseal ${tenant.slug}`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={busy} icon="lock">
          {busy ? 'Unsealing…' : 'Unseal now'}
        </DialogActions>
      }
    >
      <ul className="dialog-facts">
        <li>One unwrap of the active master key at the provider, now, instead of waiting for the next 30-second poll.</li>
        <li>If the KMS still refuses, the tenant stays sealed and the answer says why.</li>
      </ul>
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={2} action="this unseal" error={step.fieldError} disabled={busy} />
      {step.otherError ? (
        <ErrorNotice
          error={step.otherError}
          hint={reason === 'access_denied' ? 'The grant is still missing: restore it in the cloud console, then retry.' : reason === 'unreachable' ? 'The KMS cannot be reached: check the network, then retry.' : undefined}
        />
      ) : null}
    </Dialog>
  );
}
