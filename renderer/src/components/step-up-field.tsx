import { Field } from './field';

/**
 * The operator passphrase asked by every step-up dialog (rotate, revoke, unseal): one
 * place says how long the token lives and what it is for.
 */
export function StepUpField({
  value,
  onChange,
  minutes,
  action,
  error,
  disabled,
}: {
  value: string;
  onChange: (value: string) => void;
  /** How long the step-up token stays valid. */
  minutes: number;
  /** "this rotation", "this unseal", ... */
  action: string;
  error: string | undefined;
  disabled: boolean;
}) {
  return (
    <Field
      label="Operator passphrase"
      type="password"
      value={value}
      onChange={onChange}
      autoComplete="current-password"
      hint={`Step-up: buys a token valid for ${minutes} minutes, used for ${action} only.`}
      error={error}
      disabled={disabled}
    />
  );
}
