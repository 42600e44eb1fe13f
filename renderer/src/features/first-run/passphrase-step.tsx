import { useState } from 'react';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { MIN_PASSPHRASE, passphraseProblems, useFirstRun } from './first-run-store';

export function PassphraseStep() {
  const { firstRun } = useServices();
  const busy = useFirstRun((s) => s.passphraseBusy);
  const error = useFirstRun((s) => s.passphraseError);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState({ passphrase: false, confirm: false, submitted: false });
  const problems = passphraseProblems(passphrase, confirm);
  const show = {
    passphrase: touched.passphrase || touched.submitted ? problems.passphrase : undefined,
    confirm: (touched.confirm && confirm.length > 0) || touched.submitted ? problems.confirm : undefined,
  };
  const remaining = Math.max(0, MIN_PASSPHRASE - passphrase.length);
  const submit = () => {
    setTouched((t) => ({ ...t, submitted: true }));
    if (problems.passphrase || problems.confirm) return;
    void firstRun.getState().submitPassphrase(passphrase);
  };
  return (
    <form
      className="card first-run-card"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
    >
      <div className="card-body first-run-body">
        <div>
          <h2 className="first-run-card-title">Choose the operator passphrase</h2>
          <p className="muted">
            Rotating or revoking a key and unsealing a tenant ask for it again (a short-lived step-up). It is kept only as a slow hash: Keywarden cannot show or recover it.
          </p>
        </div>
        <Field
          label="Passphrase"
          type="password"
          value={passphrase}
          onChange={setPassphrase}
          onBlur={() => setTouched((t) => ({ ...t, passphrase: true }))}
          error={show.passphrase}
          hint={remaining > 0 ? `At least ${MIN_PASSPHRASE} characters (${remaining} to go). A few unrelated words work well.` : 'Length is fine.'}
          autoComplete="new-password"
          disabled={busy}
        />
        <Field
          label="Confirm passphrase"
          type="password"
          value={confirm}
          onChange={setConfirm}
          onBlur={() => setTouched((t) => ({ ...t, confirm: true }))}
          error={show.confirm}
          autoComplete="new-password"
          disabled={busy}
        />
        {error ? <ErrorNotice error={error} /> : null}
        <div className="first-run-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {busy ? 'Setting passphrase…' : 'Set passphrase'}
          </Button>
        </div>
      </div>
    </form>
  );
}
