/**
 * Cloud Logging failures of the GCP witness, as the engine's typed `KmsError` (the
 * gateway records its reason as the kms_calls outcome). The reason comes from the same
 * classifier as Cloud KMS calls (REST and gRPC shapes, network codes); the words are
 * Cloud Logging's, with the grant to check.
 */
import { classifyGcpError } from '../../providers/gcp/errors';
import { KmsError } from '../../providers/types';

export function classifyLoggingWriteError(e: unknown, logName: string): KmsError {
  const k = classifyGcpError(e, 'entries.write');
  if (k.message.startsWith('GCP Cloud Logging')) return k; // already ours (deadline)
  const code = k.providerCode ?? 'UNKNOWN';
  const http = / HTTP (\d{3})\]$/.exec(k.message)?.[1];
  const tag = `[${code}${http ? `, HTTP ${http}` : ''}]`;
  const why = {
    access_denied: code === 'UNAUTHENTICATED'
      ? 'the credentials were not accepted (expired or invalid access token)'
      : `permission denied writing to ${logName} (grant roles/logging.logWriter on the project)`,
    unreachable: /^E[A-Z]+$/.test(code) ? `could not reach Cloud Logging (${code})` : code === 'TIMEOUT' || code === 'DEADLINE_EXCEEDED' ? 'Cloud Logging did not answer in time' : 'Cloud Logging failed or is unavailable',
    throttled: 'Cloud Logging write quota is exhausted (throttled)',
    invalid_key: `Cloud Logging refused the entry for ${logName}`,
    key_disabled: `Cloud Logging refused the entry for ${logName} (precondition failed)`,
  }[k.reason];
  return new KmsError('gcp', k.reason, `GCP Cloud Logging entries.write failed: ${why} ${tag}`, code);
}

export function loggingDeadline(timeoutMs: number): KmsError {
  return new KmsError('gcp', 'unreachable', `GCP Cloud Logging entries.write failed: no answer within ${timeoutMs} ms [DEADLINE_EXCEEDED]`, 'DEADLINE_EXCEEDED');
}
