import { useState, type ReactNode } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { StepUpField } from '../../components/step-up-field';
import { Field } from '../../components/field';
import { fieldErrors } from '../../lib/errors';
import { isFieldError, useOnboard } from './onboard-store';
import { LeastPrivilege } from './least-privilege';
import { ProbeFailurePanel, probeFailureOf, ProbeResultPanel } from './probe-result';
import { ADVANCED_NOTES, ADVANCED_TITLES, FIELDS, PROVIDERS, type FieldSpec } from './provider-fields';
import './onboard.css';

/** Onboard (or replace) the tenant's customer KMS key: probe first, save only on success. */
export function OnboardForm({ tenant }: { tenant: TenantView }) {
  const { onboard } = useServices();
  const provider = useOnboard((s) => s.provider);
  const values = useOnboard((s) => s.values[s.provider]);
  const localErrors = useOnboard((s) => s.localErrors);
  const error = useOnboard((s) => s.error);
  const busy = useOnboard((s) => s.busy);
  const probe = useOnboard((s) => s.probe);
  const passphrase = useOnboard((s) => s.passphrase);
  const fields = FIELDS[provider];
  const engineFieldErrors = fieldErrors(error, fields.map((f) => f.key));
  const blurb = PROVIDERS.find((p) => p.id === provider)?.blurb;
  const probeFailure = probeFailureOf(error);
  const renderField = (f: FieldSpec) => (
    <Field
      key={`${provider}:${f.key}`}
      className={f.key === 'kms_key_ref' ? 'onboard-wide' : undefined}
      label={f.label}
      value={values[f.key] ?? ''}
      onChange={(v) => onboard.getState().setValue(f.key, v)}
      placeholder={f.placeholder}
      hint={f.hint}
      optional={!f.required}
      mono
      error={localErrors[f.key] ?? engineFieldErrors[f.key]}
      disabled={busy !== null}
    />
  );
  return (
    <form
      className="onboard"
      aria-label="Onboard customer KMS"
      onSubmit={(e) => {
        e.preventDefault();
        void onboard.getState().save();
      }}
      noValidate
    >
      <div className="onboard-head">
        <div>
          <h3 className="onboard-title">{tenant.customer_controlled ? 'Replace the customer KMS key' : 'Onboard a customer KMS key'}</h3>
          <p className="muted onboard-lead">
            Keywarden wraps then unwraps 32 random bytes with the key before saving anything. On success the tenant gets a new master key version under your key and the previous one
            is retired and rewrapped. No credential value is ever stored.
          </p>
        </div>
        <div className="tabs" role="tablist" aria-label="Provider">
          {PROVIDERS.map((p) => (
            <button key={p.id} type="button" role="tab" className="tab" aria-selected={provider === p.id} disabled={busy !== null} onClick={() => onboard.getState().setProvider(p.id)}>
              {p.label}
            </button>
          ))}
        </div>
      </div>
      <p className="onboard-blurb">{blurb}</p>
      <div className="onboard-fields">{fields.filter((f) => !f.advanced).map(renderField)}</div>
      <AdvancedFields
        key={provider}
        title={ADVANCED_TITLES[provider]}
        note={ADVANCED_NOTES[provider]}
        fields={fields.filter((f) => f.advanced)}
        render={renderField}
        // An engine refusal of an advanced field must be visible, so it opens the disclosure.
        forceOpen={fields.some((f) => f.advanced && (localErrors[f.key] ?? engineFieldErrors[f.key]))}
        startOpen={fields.some((f) => f.advanced && (values[f.key] ?? '').trim() !== '')}
      />
      <LeastPrivilege
        provider={provider}
        keyRef={values.kms_key_ref ?? ''}
        principal={(provider === 'aws' ? values['config.role_arn'] : provider === 'gcp' ? values['config.impersonate_service_account'] : values['config.client_id']) ?? ''}
      />
      {probeFailure ? <ProbeFailurePanel failure={probeFailure} /> : null}
      {error && !probeFailure && !isFieldError(provider, error) && !error.code.startsWith('step_up_') ? <ErrorNotice error={error} hint={hintFor(error.code, error.field)} /> : null}
      {error && isFieldError(provider, error) ? (
        <p className="onboard-field-summary" role="alert">
          {error.title} ({error.code}): fix the highlighted field.
        </p>
      ) : null}
      {probe ? <ProbeResultPanel probe={probe} /> : null}
      <StepUpField
        value={passphrase}
        onChange={(v) => onboard.getState().setPassphrase(v)}
        minutes={5}
        action="saving this key (and verifying a custom endpoint)"
        error={error && ['step_up_required', 'step_up_invalid', 'step_up_throttled'].includes(error.code) ? `${error.title}: ${error.message}` : undefined}
        disabled={busy !== null}
      />
      <div className="onboard-actions">
        <Button icon="check" busy={busy === 'verify'} disabled={busy === 'save'} onClick={() => void onboard.getState().verify()}>
          {busy === 'verify' ? 'Verifying…' : 'Verify'}
        </Button>
        <Button type="submit" variant="primary" busy={busy === 'save'} disabled={busy === 'verify'}>
          {busy === 'save' ? 'Verifying and saving…' : 'Verify and save'}
        </Button>
      </div>
    </form>
  );
}

/** Endpoints and rarely needed settings, folded away until someone needs them. */
function AdvancedFields(props: { title: string; note: string; fields: FieldSpec[]; render: (f: FieldSpec) => ReactNode; forceOpen: boolean; startOpen: boolean }) {
  const [open, setOpen] = useState(props.startOpen);
  return (
    <details className="onboard-advanced" open={open || props.forceOpen} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{props.title}</summary>
      <p className="onboard-advanced-note">{props.note}</p>
      {props.fields.length > 0 ? <div className="onboard-fields">{props.fields.map(props.render)}</div> : null}
    </details>
  );
}

function hintFor(code: string, field: string | undefined): string | undefined {
  if (code === 'invalid_input' && field === 'provider') return 'This provider cannot be used by this build of Keywarden yet. Nothing was saved.';
  if (code === 'probe_failed') return 'Nothing was saved and the existing configuration is unchanged. Check the grant on the key, then verify again.';
  return undefined;
}
