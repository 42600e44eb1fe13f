/**
 * Key Vault secrets failures of the Azure witness: writes as the engine's typed
 * `KmsError` (the gateway records its reason), reads as a `ReaderError`. Reasons come
 * from the Key Vault provider's classifier; the words name the secret and the role.
 */
import { ReaderError, type ReadErrorKind } from '../../evidence/readers/types';
import { classifyAzureError } from '../../providers/azure/errors';
import { KmsError, type KmsFailureReason } from '../../providers/types';

export const SECRETS_ROLE = 'Key Vault Secrets Officer';

function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** The message of a classified failure with Key Vault's key words turned into the secret's. */
function reworded(k: KmsError, what: string): string {
  return k.message.replace(/^Azure Key Vault [^:]*:/, `Azure Key Vault ${what}:`).replace('key not found', 'not found').replace('the key is disabled', 'the secret version is disabled');
}

export function classifySecretWriteError(e: unknown, secretUrl: string): KmsError {
  if (e instanceof ReaderError) return new KmsError('azure', e.kind === 'access_denied' ? 'access_denied' : 'unreachable', `Azure Key Vault setSecret on ${secretUrl}: ${e.message}`, 'Credential');
  const k = classifyAzureError(e, `setSecret on ${secretUrl}`);
  const what = `setSecret on ${secretUrl}`;
  const hint = k.reason === 'access_denied' && statusOf(e) === 403 ? ` (grant ${SECRETS_ROLE} on the secret)` : '';
  // A disabled secret refuses new versions with 403/409; that is a refused write, not a disabled KMS key.
  const reason: KmsFailureReason = k.reason === 'key_disabled' ? 'invalid_key' : k.reason;
  return new KmsError('azure', reason, `${reworded(k, what)}${hint}`, k.providerCode);
}

const READ_KIND: Record<KmsFailureReason, ReadErrorKind> = {
  access_denied: 'access_denied',
  throttled: 'throttled',
  unreachable: 'unreachable',
  invalid_key: 'invalid',
  key_disabled: 'access_denied',
};

export function classifySecretReadError(e: unknown, what: string): ReaderError {
  if (e instanceof ReaderError) return e;
  const k = classifyAzureError(e, what);
  const status = statusOf(e);
  const kind: ReadErrorKind = status !== undefined && status >= 500 ? 'server_error' : status === 404 ? 'not_found' : READ_KIND[k.reason];
  const hint = kind === 'access_denied' && status === 403 ? ` (reading the witness versions needs ${SECRETS_ROLE}, or Key Vault Secrets User, on the secret)` : '';
  return new ReaderError(`${reworded(k, what)}${hint}`, kind);
}
