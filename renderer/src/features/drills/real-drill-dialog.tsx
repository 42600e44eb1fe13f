/**
 * The confirmation before a real drill: what will happen to the REAL tenant, said before
 * the passphrase is asked. Keywarden revokes nothing itself; the operator does, in the
 * cloud console, while the drill watches; the tenant then really seals.
 */
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { useStepUp } from '../../components/use-step-up';
import { providerLabel } from '../../lib/format';
import { useDrills } from './drills-store';

const CONSOLE_STEP: Record<string, string> = {
  deny: 'revoke the grant (IAM policy, key policy or role assignment) that lets Keywarden use the key',
  partition: 'cut the network path from this machine to the KMS',
  key_disabled: 'disable the key',
};

export function RealDrillDialog({ tenant, onClose }: { tenant: TenantView; onClose: () => void }) {
  const { drills } = useServices();
  const form = useDrills((s) => s.form);
  const step = useStepUp((passphrase) => drills.getState().startReal(tenant.slug, passphrase), onClose);
  const ttlMin = tenant.wrap_method === 'customer_kms' ? 5 : 60;
  const poll = form.pollInterval.trim() || '10 s';
  const duration = form.duration.trim() || '30 min';
  return (
    <Dialog
      title={`Start a real drill on ${tenant.slug}`}
      tone="danger"
      busy={step.busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={step.busy} icon="drills" tone="danger">
          {step.busy ? 'Starting…' : 'Start watching'}
        </DialogActions>
      }
    >
      <p className="real-drill-lead">
        This drill watches a <strong>real revocation</strong> of the customer’s key: {providerLabel(tenant.provider)} <span className="mono">{tenant.kms_key_ref_suffix}</span>. Keywarden
        revokes nothing itself.
      </p>
      <ul className="dialog-facts" data-testid="real-drill-facts">
        <li>
          Every {poll}, for up to {duration}, Keywarden asks the provider to unwrap <span className="mono">{tenant.slug}</span>’s active master key, and {form.agents || 'the'} test agents
          renew real sessions.
        </li>
        <li>Once it has started, you {CONSOLE_STEP[form.scenario] ?? 'revoke access'} in the cloud console.</li>
        <li>
          The real tenant then <strong>seals</strong> within one cache TTL ({ttlMin} min): new agent sessions are refused (503 tenant_sealed) and its services get no keys until you
          restore access. It unseals on its own within 30 s of the restore.
        </li>
        <li>The drill records the kill, the seal, the refusals, the restore and the unseal, checks every record still decrypts, and is audited as drill.run. You can stop it at any time.</li>
      </ul>
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={2} action="starting this drill" error={step.fieldError} disabled={step.busy} />
      {step.otherError ? <ErrorNotice error={step.otherError} /> : null}
    </Dialog>
  );
}
