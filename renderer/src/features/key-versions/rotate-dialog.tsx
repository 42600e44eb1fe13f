import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { useStepUp } from '../../components/use-step-up';
import { plural, providerLabel } from '../../lib/format';
import { useKeys } from './keys-store';

/** Rotate with step-up: the passphrase buys a rotate token (5 minutes), spent at once. */
export function RotateDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { keys } = useServices();
  const active = useKeys((s) => s.versions.find((v) => v.status === 'active'));
  const step = useStepUp((passphrase) => keys.getState().rotate(passphrase), onClose);
  const { busy } = step;
  const next = (active?.version ?? tenant.active_version ?? 0) + 1;
  return (
    <Dialog
      title={`Rotate the master key of ${tenant.slug}`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={busy} icon="rotate">
          {busy ? 'Rotating…' : `Rotate to v${next}`}
        </DialogActions>
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
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={5} action="this rotation" error={step.fieldError} disabled={busy} />
      {step.otherError ? <ErrorNotice error={step.otherError} /> : null}
    </Dialog>
  );
}
