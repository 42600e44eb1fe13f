/**
 * Classifies what @azure/keyvault-keys and @azure/identity throw into the engine's five
 * failure reasons. The message keeps the provider's own code (ForbiddenByRbac,
 * KeyDisabled, AADSTS7000215, ECONNREFUSED…) and the first line of the service's text,
 * never a token, a secret or a response body.
 */
import { KmsError, type KmsFailureReason } from '../types';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'EPIPE', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'REQUEST_SEND_ERROR',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  details?: unknown;
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** First line of a service message, without anything token-shaped, at most 200 chars. */
export function safeText(text: unknown): string {
  const first = String(text ?? '').split(/\r?\n/)[0] ?? '';
  return first
    .replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
    .replace(/eyJ[\w-]{8,}\.[\w-]+\.[\w-]*/g, '[token]')
    .replace(/client_secret=[^&\s]+/gi, 'client_secret=[redacted]')
    .trim()
    .slice(0, 200);
}

function serviceError(e: ErrorLike): { code?: string; inner?: string; message?: string } {
  const body = (e.details ?? {}) as { error?: { code?: unknown; message?: unknown; innererror?: { code?: unknown }; innerError?: { code?: unknown } } };
  const err = body.error ?? {};
  const inner = err.innererror?.code ?? err.innerError?.code;
  return {
    ...(typeof err.code === 'string' ? { code: err.code } : {}),
    ...(typeof inner === 'string' ? { inner } : {}),
    ...(typeof err.message === 'string' ? { message: err.message } : {}),
  };
}

/** Retry-After of a throttled answer, in ms (seconds or an HTTP date), if the service sent one. */
export function retryAfterMs(e: unknown): number | undefined {
  const v = (e as ErrorLike | undefined)?.response?.headers?.get?.('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function err(reason: KmsFailureReason, message: string, code?: string): KmsError {
  return new KmsError('azure', reason, message, code);
}

/**
 * `what` names the operation for the message, e.g. "unwrapKey on https://kv…/keys/k".
 */
export function classifyAzureError(e: unknown, what: string): KmsError {
  if (e instanceof KmsError) return e;
  const x = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as ErrorLike;
  const name = typeof x.name === 'string' ? x.name : '';
  const code = typeof x.code === 'string' ? x.code : undefined;
  const status = typeof x.statusCode === 'number' ? x.statusCode : undefined;
  const text = safeText(x.message);

  if (name === 'AbortError' || name === 'TimeoutError') {
    return err('unreachable', `Azure Key Vault ${what}: no answer in time (${name})`, name);
  }
  if (name === 'CredentialUnavailableError') {
    return err('unreachable', `Azure Key Vault ${what}: no Azure credential could be obtained (${name}: authority unreachable, or no managed identity / environment credential here): ${text}`, name);
  }
  if (name === 'AuthenticationRequiredError' || name === 'AuthenticationError') {
    const aad = /AADSTS\d+/.exec(String(x.message ?? ''))?.[0];
    const described = /AADSTS\d+:[^.\r\n]*\.?/.exec(String(x.message ?? ''))?.[0];
    if (status !== undefined && status >= 500) {
      return err('unreachable', `Azure Key Vault ${what}: Microsoft Entra ID failed (HTTP ${status}): ${safeText(described ?? text)}`, aad ?? name);
    }
    return err('access_denied', `Azure Key Vault ${what}: Microsoft Entra ID refused the credential${aad ? ` (${aad})` : ''}: ${safeText(described ?? text)}`, aad ?? name);
  }

  if (status !== undefined) {
    const svc = serviceError(x);
    const svcCode = svc.inner ?? svc.code ?? code;
    const msg = safeText(svc.message ?? text);
    const label = `${svcCode ?? 'error'}, HTTP ${status}`;
    if (svc.inner === 'KeyDisabled' || ((status === 403 || status === 409 || status === 400) && /disabled/i.test(msg))) {
      return err('key_disabled', `Azure Key Vault ${what}: the key is disabled (${label}): ${msg}`, svcCode ?? 'KeyDisabled');
    }
    if (status === 401 || status === 403) {
      return err('access_denied', `Azure Key Vault ${what}: access denied (${label}): ${msg}`, svcCode);
    }
    if (status === 404) {
      return err('invalid_key', `Azure Key Vault ${what}: key not found (${label}): ${msg}`, svcCode ?? 'KeyNotFound');
    }
    if (status === 409) {
      return err('key_disabled', `Azure Key Vault ${what}: the key is not usable in its current state (${label}): ${msg}`, svcCode);
    }
    if (status === 429) {
      return err('throttled', `Azure Key Vault ${what}: throttled (${label}): ${msg}`, svcCode ?? 'Throttled');
    }
    if (status === 408 || status >= 500) {
      return err('unreachable', `Azure Key Vault ${what}: service failure (${label}): ${msg}`, svcCode);
    }
    return err('invalid_key', `Azure Key Vault ${what}: request refused (${label}): ${msg}`, svcCode);
  }

  if (code && NETWORK_CODES.has(code)) {
    return err('unreachable', `Azure Key Vault ${what}: cannot reach the service (${code}): ${text}`, code);
  }
  if (code && TLS_CODES.has(code)) {
    return err('unreachable', `Azure Key Vault ${what}: TLS verification failed (${code})`, code);
  }
  if (/is not supported on key|can't be used before|expired at/i.test(text)) {
    return err('invalid_key', `Azure Key Vault ${what}: key not usable (KeyNotUsable): ${text}`, 'KeyNotUsable');
  }
  return err('unreachable', `Azure Key Vault ${what}: unexpected failure (${name || 'Error'}${code ? ` ${code}` : ''}): ${text}`, code ?? (name || undefined));
}
