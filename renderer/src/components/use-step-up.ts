import { useState } from 'react';
import { describeError, errorHeadline, type ShownError } from '../lib/errors';

const MISSING: ShownError = { code: 'step_up_required', title: 'Step-up required', message: 'enter the operator passphrase' };

/**
 * The state every step-up dialog keeps (passphrase, busy, error) and its submit: no call
 * without a passphrase; `run` spends it; on success the dialog closes, on failure the
 * engine's error stays, under the field when it is about the passphrase, else in a notice.
 */
export function useStepUp(run: (passphrase: string) => Promise<unknown>, onDone: () => void) {
  const [passphrase, setPassphraseState] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const submit = async () => {
    if (!passphrase) {
      setError(MISSING);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await run(passphrase);
      onDone();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  const setPassphrase = (v: string) => {
    setPassphraseState(v);
    if (error) setError(null);
  };
  // A throttled try is about the passphrase too: its message says how long to wait.
  const wrongPassphrase = error?.code === 'step_up_invalid' || error?.code === 'step_up_throttled';
  const missing = error?.code === 'step_up_required' && !passphrase;
  return {
    passphrase,
    setPassphrase,
    busy,
    submit,
    /** The error shown under the passphrase field. */
    fieldError: wrongPassphrase && error ? `${errorHeadline(error)}: ${error.message}` : missing ? 'Enter the passphrase to continue' : undefined,
    /** Any other error, for a notice. */
    otherError: error && !wrongPassphrase && !missing ? error : null,
  };
}
