/** Settings → removing a witness and changing the interval: each behind the `witness` step-up. */
import { useState } from 'react';
import type { WitnessView } from '../../../../core/api/witness-types';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { StepUpField } from '../../components/step-up-field';
import { useStepUp } from '../../components/use-step-up';

export function RemoveWitnessDialog({ witness: w, onClose }: { witness: WitnessView; onClose: () => void }) {
  const { witness } = useServices();
  const step = useStepUp((passphrase) => witness.getState().remove(w.id, passphrase), onClose);
  return (
    <Dialog
      title={`Remove witness ${w.id}`}
      tone="danger"
      busy={step.busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={step.busy} icon="trash" tone="danger">
          {step.busy ? 'Removing…' : 'Remove witness'}
        </DialogActions>
      }
    >
      <ul className="dialog-facts">
        <li>
          {w.label}: <span className="mono">{w.target_ref}</span>
        </li>
        <li>New checkpoints are no longer written there. Its past runs stay in the history, and what it recorded stays in your cloud account.</li>
      </ul>
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={5} action="this witness change" error={step.fieldError} disabled={step.busy} />
      {step.otherError ? <ErrorNotice error={step.otherError} /> : null}
    </Dialog>
  );
}

export function WitnessIntervalDialog({ current, onClose }: { current: number; onClose: () => void }) {
  const { witness } = useServices();
  const [minutes, setMinutes] = useState(String(current));
  // Sent as typed (a number when it reads as one) so the engine's own rule names what is wrong.
  const step = useStepUp((passphrase) => witness.getState().setInterval(Number(minutes.trim()), passphrase), onClose);
  const err = step.otherError;
  const inline = err?.field === 'interval_minutes' ? (err.reason ?? err.message) : undefined;
  return (
    <Dialog
      title="Witness interval"
      busy={step.busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={step.busy} icon="check" disabled={!minutes.trim()}>
          {step.busy ? 'Saving…' : 'Save interval'}
        </DialogActions>
      }
    >
      <Field
        label="Minutes"
        value={minutes}
        onChange={setMinutes}
        inputMode="numeric"
        hint="How old the last witness may grow before the next run, when the log has grown (1–1440; default 15)."
        error={inline}
        disabled={step.busy}
      />
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={5} action="this witness change" error={step.fieldError} disabled={step.busy} />
      {err && !inline ? <ErrorNotice error={err} /> : null}
    </Dialog>
  );
}
