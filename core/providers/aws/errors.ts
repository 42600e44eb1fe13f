/**
 * Classifies what the AWS SDK throws into a KmsError. By error `name` / `code`, never by
 * `instanceof`: KMS has no modelled class for AccessDeniedException, STS errors arrive
 * through the credential provider, and network failures are plain Node errors.
 */
import { KmsError, type KmsFailureReason } from '../types';

const BY_NAME: Readonly<Record<string, KmsFailureReason>> = {
  // The grant or the credential is missing, wrong or expired.
  AccessDeniedException: 'access_denied',
  AccessDenied: 'access_denied',
  UnrecognizedClientException: 'access_denied',
  InvalidClientTokenId: 'access_denied',
  ExpiredTokenException: 'access_denied',
  ExpiredToken: 'access_denied',
  InvalidSignatureException: 'access_denied',
  SignatureDoesNotMatch: 'access_denied',
  IncompleteSignature: 'access_denied',
  IncompleteSignatureException: 'access_denied',
  MissingAuthenticationToken: 'access_denied',
  MissingAuthenticationTokenException: 'access_denied',
  InvalidGrantTokenException: 'access_denied',
  RegionDisabledException: 'access_denied',
  CredentialsProviderError: 'access_denied',
  // The key exists but cannot be used now.
  DisabledException: 'key_disabled',
  KMSInvalidStateException: 'key_disabled',
  // The key, or the ciphertext, is not the one this config names.
  NotFoundException: 'invalid_key',
  InvalidCiphertextException: 'invalid_key',
  IncorrectKeyException: 'invalid_key',
  InvalidKeyUsageException: 'invalid_key',
  InvalidArnException: 'invalid_key',
  UnsupportedOperationException: 'invalid_key',
  ValidationException: 'invalid_key',
  // Slow down.
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  ThrottledException: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  LimitExceededException: 'throttled',
  // The service or the path to it failed.
  KMSInternalException: 'unreachable',
  DependencyTimeoutException: 'unreachable',
  KeyUnavailableException: 'unreachable',
  InternalFailure: 'unreachable',
  InternalError: 'unreachable',
  ServiceUnavailable: 'unreachable',
  ServiceUnavailableException: 'unreachable',
  TimeoutError: 'unreachable',
  AbortError: 'unreachable',
  RequestTimeout: 'unreachable',
  RequestTimeoutException: 'unreachable',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const DESCRIBE: Record<KmsFailureReason, string> = {
  access_denied: 'access denied',
  key_disabled: 'key disabled',
  invalid_key: 'key or ciphertext not usable',
  throttled: 'throttled',
  unreachable: 'unreachable',
};

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

/** First line, bounded, with access key ids and long opaque tokens removed. */
export function sanitizeProviderMessage(message: string): string {
  const first = message.split(/\r?\n/, 1)[0] ?? '';
  const clean = first
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[access-key-id]')
    // Opaque tokens (session tokens, secrets, blobs): long base64-ish runs mixing case and
    // digits. ARNs and names stay readable: they are what an operator needs to fix a grant.
    .replace(/[A-Za-z0-9+/=]{40,}/g, (run) => (/[0-9]/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run) ? '[redacted]' : run));
  return clean.length > 320 ? `${clean.slice(0, 320)}…` : clean;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The provider's own code: the AWS error name, or the Node network error code. */
function providerCodeOf(e: ErrorLike): string | undefined {
  const code = str(e.code) ?? str(e.Code);
  const name = str(e.name);
  if (code && NETWORK_CODES.has(code)) return code;
  if (name && name !== 'Error' && name !== 'TypeError') return name;
  if (code) return code;
  const cause = e.cause as ErrorLike | undefined;
  return cause && typeof cause === 'object' && cause !== e ? str(cause.code) : undefined;
}

function reasonOf(e: ErrorLike): KmsFailureReason {
  const name = str(e.name);
  if (name && BY_NAME[name]) return BY_NAME[name]!;
  const c = str(e.code) ?? str(e.Code);
  if (c && BY_NAME[c]) return BY_NAME[c]!;
  if (c && NETWORK_CODES.has(c)) return 'unreachable';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'unreachable';
  if (status === 401 || status === 403) return 'access_denied';
  if (status === 404) return 'invalid_key';
  if (e.$fault === 'server') return 'unreachable';
  // A wrapped network error (e.g. `cause: { code: 'ECONNREFUSED' }`).
  const cause = e.cause as ErrorLike | undefined;
  if (cause && typeof cause === 'object' && cause !== e) {
    const cc = str(cause.code);
    if (cc && NETWORK_CODES.has(cc)) return 'unreachable';
  }
  // Anything else (a client error we do not know, a malformed answer) is treated as the
  // path to KMS not working: the tenant seals and auto-unseal keeps trying.
  return 'unreachable';
}

/**
 * Failures of STS AssumeRole, marked by the role's credential provider (credentials.ts):
 * the SDK hands them on unchanged from the KMS call that needed the credentials, so
 * without the mark they would read as that KMS call failing.
 */
const assumeRoleFailures = new WeakSet<object>();

export const ASSUME_ROLE_CALL = 'sts:AssumeRole';

export function markAssumeRoleFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null) assumeRoleFailures.add(error);
  return error;
}

function assumeRoleFailure(code: string | undefined, reason: KmsFailureReason, detail: string): KmsError {
  const head = `AWS STS AssumeRole failed: ${DESCRIBE[reason]}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}`;
  const hint =
    reason === 'access_denied'
      ? ' — the role was not assumed and no KMS call was made: check that the external id is the one the role\'s trust policy requires (sts:ExternalId) and that the trust policy lets this principal call sts:AssumeRole'
      : ' — the role was not assumed and no KMS call was made';
  return new KmsError('aws', reason, head + hint, code, ASSUME_ROLE_CALL);
}

/**
 * Turns anything the SDK threw during `action` (Encrypt, Decrypt, DescribeKey) into a
 * KmsError. The message keeps the provider's code and a sanitized first line of the
 * provider's message; never a credential, key material or a response body.
 */
export function classifyAwsError(error: unknown, action: string): KmsError {
  if (error instanceof KmsError) return error;
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const code = providerCodeOf(e);
  const reason = reasonOf(e);
  const raw = str(e.message) ? sanitizeProviderMessage(e.message as string) : '';
  // The SDK says 'UnknownError' when AWS sent no message (InvalidCiphertextException does not).
  const detail = raw === 'UnknownError' || raw === code ? '' : raw;
  if (assumeRoleFailures.has(e)) return assumeRoleFailure(code, reason, detail);
  const head = `AWS KMS ${action} failed: ${DESCRIBE[reason]}${code ? ` (${code})` : ''}`;
  return new KmsError('aws', reason, detail ? `${head}: ${detail}` : head, code);
}

/** A well-formed HTTP 200 that lacks what the operation must return. */
export function malformedResponse(action: string, missing: string): KmsError {
  return new KmsError('aws', 'unreachable', `AWS KMS ${action} failed: the answer has no ${missing} (malformed response from the endpoint)`, 'MalformedResponse');
}
