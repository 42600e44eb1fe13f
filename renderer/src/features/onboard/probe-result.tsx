import type { ProbeResult } from '../../../../core/api/types';
import { Icon } from '../../components/icon';
import { providerLabel } from '../../lib/format';
import type { ShownError } from '../../lib/errors';

export function ProbeResultPanel({ probe }: { probe: ProbeResult }) {
  return (
    <div className="probe-result" role="status">
      <div className="probe-result-title">
        <Icon name="check" size={16} />
        Probe passed: {providerLabel(probe.provider)} wrapped and unwrapped 32 bytes
      </div>
      <dl className="kv probe-kv">
        <dt>Key</dt>
        <dd className="mono">{probe.key_id}</dd>
        <dt>Principal</dt>
        <dd className="mono">
          {probe.principal ?? 'unknown'}
          {probe.principal_note ? <span className="muted"> ({probe.principal_note})</span> : null}
        </dd>
        {probe.access_key_id ? (
          <>
            <dt>Access key id</dt>
            <dd className="mono">{probe.access_key_id}</dd>
          </>
        ) : null}
        {probe.credentials ? (
          <>
            <dt>Credentials</dt>
            <dd>
              <span className="mono">{probe.credentials.source}</span>
              {probe.credentials.warning ? (
                <span className="credentials-warning" role="note" data-long-lived="true">
                  {' '}· long-lived credentials in use
                </span>
              ) : null}
            </dd>
          </>
        ) : null}
        <dt>Timing</dt>
        <dd>
          wrap {probe.wrap_ms} ms · unwrap {probe.unwrap_ms} ms
        </dd>
      </dl>
      <p className="probe-note">Nothing is saved yet: use “Verify and save” to onboard this key.</p>
    </div>
  );
}

/** A refused probe, as the engine classed it (`details` of a `probe_failed` error). */
export interface ProbeFailure {
  step: string;
  reason: string;
  provider: string | null;
  providerCode: string | null;
  /** The call that failed when it was not the KMS one (AWS: `sts:AssumeRole`), as the engine names it. */
  failedCall: string | null;
  message: string;
}

const REASON_HINTS: Record<string, string> = {
  access_denied: 'The credential reached the provider but may not use this key: check the key policy / IAM binding / role assignment and the external id.',
  key_disabled: 'The key exists but is disabled or pending deletion: enable it in the provider console.',
  invalid_key: 'The key cannot do this job (wrong key, wrong type, missing wrap operations): check the key reference.',
  throttled: 'The provider kept throttling after retries: try again in a minute.',
  unreachable: 'No answer from the provider within the time limit: check the endpoint, the network path and the proxy.',
};

const REASON_WORDS: Record<string, string> = {
  access_denied: 'access denied',
  key_disabled: 'key disabled',
  invalid_key: 'key unusable',
  throttled: 'throttled',
  unreachable: 'no answer',
};

/** The provider's name for a probe step, so the failure names the call that failed. */
const STEP_CALLS: Record<string, Record<string, string>> = {
  aws: { wrap: 'KMS Encrypt (wrap)', unwrap: 'KMS Decrypt (unwrap)', describe: 'KMS DescribeKey', probe_wrap: 'KMS Encrypt (wrap)', probe_unwrap: 'KMS Decrypt (unwrap)' },
  gcp: { wrap: 'Cloud KMS encrypt (wrap)', unwrap: 'Cloud KMS decrypt (unwrap)', describe: 'Cloud KMS get key', probe_wrap: 'Cloud KMS encrypt (wrap)', probe_unwrap: 'Cloud KMS decrypt (unwrap)' },
  azure: { wrap: 'Key Vault wrapKey', unwrap: 'Key Vault unwrapKey', describe: 'Key Vault get key', probe_wrap: 'Key Vault wrapKey', probe_unwrap: 'Key Vault unwrapKey' },
};

/** An AWS refusal at STS AssumeRole (the engine says so): the role was never assumed, so no KMS call was made. */
export function failedAtAssumeRole(f: ProbeFailure): boolean {
  return f.failedCall === 'sts:AssumeRole';
}

export function probeFailureOf(error: ShownError | null): ProbeFailure | null {
  if (!error || error.code !== 'probe_failed' || !error.details) return null;
  const d = error.details;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const reason = text(d.reason);
  if (!reason) return null;
  return { step: text(d.step) ?? 'probe', reason, provider: text(d.provider), providerCode: text(d.provider_code), failedCall: text(d.failed_call), message: error.message };
}

export function ProbeFailurePanel({ failure }: { failure: ProbeFailure }) {
  const sts = failedAtAssumeRole(failure);
  const where = sts ? 'STS AssumeRole (before any KMS call)' : (STEP_CALLS[failure.provider ?? '']?.[failure.step] ?? failure.step);
  return (
    <div className="probe-result probe-failed" role="alert" data-reason={failure.reason} data-step={sts ? 'assume_role' : failure.step}>
      <div className="probe-result-title">
        <Icon name="alert" size={16} />
        Probe refused at {where}: {REASON_WORDS[failure.reason] ?? failure.reason} <span className="mono muted">({failure.reason})</span>
        {failure.providerCode ? <span className="mono probe-code">{failure.providerCode}</span> : null}
      </div>
      <dl className="kv probe-kv">
        <dt>Provider</dt>
        <dd>{failure.provider ? providerLabel(failure.provider) : 'unknown'}</dd>
        <dt>Said</dt>
        <dd className="mono probe-message">{failure.message}</dd>
      </dl>
      {sts ? (
        <p className="probe-note">
          Keywarden could not assume the role, so the key was never tried. Check that the external id here is the one the role’s trust policy requires (condition sts:ExternalId), and
          that the trust policy lets your principal call sts:AssumeRole on it.
        </p>
      ) : REASON_HINTS[failure.reason] ? (
        <p className="probe-note">{REASON_HINTS[failure.reason]}</p>
      ) : null}
      <p className="probe-note">Nothing was saved and the existing configuration is unchanged.</p>
    </div>
  );
}
