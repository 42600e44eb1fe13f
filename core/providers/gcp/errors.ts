/**
 * Classifies whatever the GCP client libraries throw into a `KmsError`.
 *
 * Two shapes reach us: over REST (the `fallback: true` client of @google-cloud/kms 5.x) a
 * `GaxiosError` with the HTTP status in `status` / `code` and the JSON error body in
 * `message`; over gRPC (and in 6.x) a `GoogleError` with a numeric gRPC `code` (0-16).
 * Network failures arrive as Node error codes, aborts as `AbortError` / `TimeoutError`.
 * The message we build keeps the provider's code and a short explanation; it never
 * copies a response body, a header or a token.
 */
import { KmsError, type KmsFailureReason } from '../types';

const GRPC_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

const BY_STATUS_WORD: Record<string, KmsFailureReason> = {
  PERMISSION_DENIED: 'access_denied',
  UNAUTHENTICATED: 'access_denied',
  FAILED_PRECONDITION: 'key_disabled',
  NOT_FOUND: 'invalid_key',
  INVALID_ARGUMENT: 'invalid_key',
  OUT_OF_RANGE: 'invalid_key',
  ALREADY_EXISTS: 'invalid_key',
  UNIMPLEMENTED: 'invalid_key',
  RESOURCE_EXHAUSTED: 'throttled',
  UNAVAILABLE: 'unreachable',
  DEADLINE_EXCEEDED: 'unreachable',
  INTERNAL: 'unreachable',
  UNKNOWN: 'unreachable',
  ABORTED: 'unreachable',
  CANCELLED: 'unreachable',
  DATA_LOSS: 'unreachable',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'EPIPE', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

const KEY_STATE_RE = /current state is:?\s*([A-Z_]+)/;

interface Facts {
  http?: number;
  grpc?: number;
  statusWord?: string;
  providerMessage: string;
  netCode?: string;
  aborted: boolean;
  impersonation: boolean;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function bodyError(message: string): Record<string, unknown> | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    return rec(rec(JSON.parse(message.slice(start)))?.error);
  } catch {
    return undefined;
  }
}

function factsOf(e: unknown): Facts {
  const o = rec(e) ?? {};
  const message = typeof o.message === 'string' ? o.message : typeof e === 'string' ? e : '';
  const facts: Facts = { providerMessage: message, aborted: false, impersonation: /unable to impersonate/i.test(message) };
  const response = rec(o.response);
  const code = o.code;
  if (typeof code === 'number') {
    if (code >= 100) facts.http = code;
    else facts.grpc = code;
  } else if (typeof code === 'string') {
    if (/^\d{3}$/.test(code)) facts.http = Number(code);
    else if (NETWORK_CODES.has(code)) facts.netCode = code;
    else if (code in BY_STATUS_WORD) facts.statusWord = code;
  }
  if (typeof o.status === 'number' && o.status >= 100) facts.http = o.status;
  if (typeof response?.status === 'number') facts.http ??= response.status;
  const cause = rec(o.cause);
  const inner = rec(o.error);
  for (const c of [cause, inner]) {
    if (typeof c?.code === 'string' && NETWORK_CODES.has(c.code)) facts.netCode ??= c.code;
  }
  const names = [o.name, cause?.name, inner?.name].filter((n): n is string => typeof n === 'string');
  if (names.some((n) => n === 'AbortError' || n === 'TimeoutError') || /operation was aborted|timed? ?out/i.test(message)) {
    facts.aborted = true;
  }
  const body = bodyError(message) ?? rec(rec(response?.data)?.error);
  if (body) {
    if (typeof body.status === 'string') facts.statusWord = body.status;
    if (typeof body.message === 'string') facts.providerMessage = body.message;
    if (typeof body.code === 'number' && facts.http === undefined && facts.grpc === undefined) facts.http = body.code;
  }
  if (typeof o.status === 'string' && o.status in BY_STATUS_WORD) facts.statusWord ??= o.status;
  const lead = /^([A-Z_]{5,}):/.exec(message);
  if (lead && lead[1]! in BY_STATUS_WORD) facts.statusWord ??= lead[1];
  if (typeof o.details === 'string' && o.details) facts.providerMessage = o.details;
  if (facts.grpc !== undefined) facts.statusWord ??= GRPC_NAMES[facts.grpc];
  return facts;
}

function reasonOf(f: Facts): { reason: KmsFailureReason; code: string } {
  if (f.netCode) return { reason: 'unreachable', code: f.netCode };
  if (f.grpc !== undefined && f.grpc > 0 && f.grpc < GRPC_NAMES.length) {
    const word = GRPC_NAMES[f.grpc]!;
    return { reason: BY_STATUS_WORD[word] ?? 'unreachable', code: word };
  }
  const h = f.http;
  if (h !== undefined) {
    const word = f.statusWord ?? `HTTP_${h}`;
    if (h === 401 || h === 403) return { reason: 'access_denied', code: f.statusWord ?? (h === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED') };
    if (h === 404) return { reason: 'invalid_key', code: f.statusWord ?? 'NOT_FOUND' };
    if (h === 429) return { reason: 'throttled', code: f.statusWord ?? 'RESOURCE_EXHAUSTED' };
    if (h === 408 || h >= 500) return { reason: 'unreachable', code: word };
    if (h === 400 || h === 409 || h === 412) {
      if (f.statusWord === 'FAILED_PRECONDITION' || /is not enabled|current state is:?\s*(DISABLED|DESTROYED|DESTROY_SCHEDULED)/.test(f.providerMessage)) {
        return { reason: 'key_disabled', code: 'FAILED_PRECONDITION' };
      }
      if (f.statusWord && BY_STATUS_WORD[f.statusWord]) return { reason: BY_STATUS_WORD[f.statusWord]!, code: f.statusWord };
      return { reason: 'invalid_key', code: f.statusWord ?? 'INVALID_ARGUMENT' };
    }
    return { reason: 'invalid_key', code: word };
  }
  if (f.aborted) return { reason: 'unreachable', code: 'TIMEOUT' };
  if (f.statusWord && BY_STATUS_WORD[f.statusWord]) return { reason: BY_STATUS_WORD[f.statusWord]!, code: f.statusWord };
  if (/could not load the default credentials|no authentication was provided|unable to read the credential file/i.test(f.providerMessage)) {
    return { reason: 'access_denied', code: 'NO_CREDENTIALS' };
  }
  return { reason: 'unreachable', code: 'UNKNOWN' };
}

function explain(reason: KmsFailureReason, code: string, f: Facts, op: string): string {
  switch (reason) {
    case 'access_denied':
      if (f.impersonation) return 'could not impersonate the service account (check roles/iam.serviceAccountTokenCreator on it)';
      if (code === 'NO_CREDENTIALS') return 'no usable application default credentials were found';
      if (code === 'UNAUTHENTICATED' || f.http === 401) return 'the credentials were not accepted (expired or invalid access token)';
      return 'permission denied on the key (check the Cloud KMS CryptoKey Encrypter/Decrypter grant)';
    case 'key_disabled': {
      const state = KEY_STATE_RE.exec(f.providerMessage)?.[1];
      return `the key version is not enabled${state ? ` (state ${state})` : ''}`;
    }
    case 'invalid_key':
      if (code === 'NOT_FOUND') return 'the CryptoKey was not found';
      if (op === 'decrypt' && code === 'INVALID_ARGUMENT') {
        return 'the ciphertext does not decrypt under this key with this tenant/version binding (wrong key, tenant or version, or corrupted data)';
      }
      return 'the request was rejected as invalid for this key';
    case 'throttled':
      return 'Cloud KMS request quota is exhausted (throttled)';
    case 'unreachable':
      if (f.netCode) return `could not reach Cloud KMS (${f.netCode})`;
      if (code === 'TIMEOUT' || code === 'DEADLINE_EXCEEDED') return 'Cloud KMS did not answer in time';
      return 'Cloud KMS failed or is unavailable';
  }
}

/** The `KmsError` for anything a Cloud KMS call threw (a `KmsError` passes through). */
export function classifyGcpError(e: unknown, op: string): KmsError {
  if (e instanceof KmsError) return e;
  const f = factsOf(e);
  const { reason, code } = reasonOf(f);
  const http = f.http !== undefined ? `, HTTP ${f.http}` : '';
  return new KmsError('gcp', reason, `GCP Cloud KMS ${op} failed: ${explain(reason, code, f, op)} [${code}${http}]`, code);
}

/** A response that fails its CRC32C checks: corrupted in transit or by a faulty party. */
export function integrityError(op: string, what: string): KmsError {
  return new KmsError('gcp', 'invalid_key', `GCP Cloud KMS ${op} failed an integrity check: ${what} (CRC32C mismatch); the result was discarded`, 'CRC32C_MISMATCH');
}

/** The whole call, retries included, ran past its time bound. */
export function deadlineError(op: string, timeoutMs: number): KmsError {
  return new KmsError('gcp', 'unreachable', `GCP Cloud KMS ${op} failed: no answer within ${timeoutMs} ms [DEADLINE_EXCEEDED]`, 'DEADLINE_EXCEEDED');
}
