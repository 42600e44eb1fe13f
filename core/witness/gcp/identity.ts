/**
 * The customer's GCP identity for the witness: the same as the KMS provider's and the
 * evidence reader's (application default credentials, or the service account the config
 * impersonates), through the readers' seams so tests use a fake token. Resolved once per
 * writer or reader, lazily; a failed resolution is retried on the next call.
 */
import { applicationDefaultCredentials, DEFAULT_IAM_CREDENTIALS_ENDPOINT, resolveIdentity, type GcpIdentity } from '../../providers/gcp/auth';
import type { WitnessDeps, WitnessTarget } from '../types';

function text(config: Record<string, unknown>, field: string): string | undefined {
  const v = config[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function gcpWitnessIdentity(target: WitnessTarget, deps: WitnessDeps): () => Promise<GcpIdentity> {
  let pending: Promise<GcpIdentity> | undefined;
  const quotaProject = text(target.config, 'quota_project');
  const auth = {
    sourceCredentials: deps.readerOptions.gcpSourceCredentials ?? applicationDefaultCredentials,
    iamCredentialsEndpoint: deps.readerOptions.gcpIamCredentialsEndpoint ?? DEFAULT_IAM_CREDENTIALS_ENDPOINT,
  };
  return () => {
    pending ??= resolveIdentity(auth, { timeoutMs: deps.timeoutMs, ...(quotaProject ? { quotaProject } : {}) }, text(target.config, 'impersonate_service_account'));
    pending.catch(() => (pending = undefined));
    return pending;
  };
}
