/** What the Azure SDKs throw → the engine's failure reasons (shapes as seen from the real SDKs). */
import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { classifyAzureError, retryAfterMs, safeText } from '../../../core/providers/azure/errors';
import { KmsError, type KmsFailureReason } from '../../../core/providers/types';

function restError(statusCode: number | undefined, body?: { code?: string; message?: string; inner?: string; innerKey?: 'innererror' | 'innerError' }, code?: string, headers: Record<string, string> = {}) {
  const error = body ? { code: body.code, message: body.message, ...(body.inner ? { [body.innerKey ?? 'innerError']: { code: body.inner } } : {}) } : undefined;
  return Object.assign(new Error(body?.message ?? code ?? 'failed'), {
    name: 'RestError',
    ...(statusCode !== undefined ? { statusCode } : {}),
    code: code ?? body?.code,
    details: error ? { error } : undefined,
    response: { headers: { get: (n: string) => headers[n.toLowerCase()] } },
  });
}

const named = (name: string, message: string, code?: string) => Object.assign(new Error(message), { name, ...(code ? { code } : {}) });

const cases: Array<[string, unknown, KmsFailureReason, string | undefined]> = [
  ['403 ForbiddenByRbac', restError(403, { code: 'Forbidden', message: 'Caller is not authorized to perform action on resource.\r\nCaller: appid=x', inner: 'ForbiddenByRbac' }), 'access_denied', 'ForbiddenByRbac'],
  ['403 ForbiddenByPolicy (innererror spelling)', restError(403, { code: 'Forbidden', message: 'The user, group or application does not have keys unwrapKey permission', inner: 'AccessDenied', innerKey: 'innererror' }), 'access_denied', 'AccessDenied'],
  ['403 Forbidden without inner', restError(403, { code: 'Forbidden', message: 'Access denied' }), 'access_denied', 'Forbidden'],
  ['401 Unauthorized', restError(401, { code: 'Unauthorized', message: 'AKV10032: Invalid issuer.' }), 'access_denied', 'Unauthorized'],
  ['403 KeyDisabled', restError(403, { code: 'Forbidden', message: 'Operation unwrapKey is not allowed on a disabled key.', inner: 'KeyDisabled' }), 'key_disabled', 'KeyDisabled'],
  ['403 "disabled" in message only', restError(403, { code: 'Forbidden', message: 'Operation decrypt is not allowed on a disabled key.' }), 'key_disabled', 'Forbidden'],
  ['409 Conflict (key being deleted)', restError(409, { code: 'Conflict', message: 'Key is currently being deleted.' }), 'key_disabled', 'Conflict'],
  ['404 KeyNotFound', restError(404, { code: 'KeyNotFound', message: 'A key with (name/id) k was not found in this key vault.' }), 'invalid_key', 'KeyNotFound'],
  ['400 BadParameter', restError(400, { code: 'BadParameter', message: 'Unwrap failed: the ciphertext is not valid for this key.' }), 'invalid_key', 'BadParameter'],
  ['429 Throttled', restError(429, { code: 'Throttled', message: 'Request was not processed because too many requests were received.' }), 'throttled', 'Throttled'],
  ['500', restError(500, { code: 'InternalServerError', message: 'boom' }), 'unreachable', 'InternalServerError'],
  ['503', restError(503, { code: 'ServiceUnavailable', message: 'busy' }), 'unreachable', 'ServiceUnavailable'],
  ['ECONNREFUSED', restError(undefined, undefined, 'ECONNREFUSED'), 'unreachable', 'ECONNREFUSED'],
  ['ECONNRESET', restError(undefined, undefined, 'ECONNRESET'), 'unreachable', 'ECONNRESET'],
  ['ETIMEDOUT', named('Error', 'connect ETIMEDOUT', 'ETIMEDOUT'), 'unreachable', 'ETIMEDOUT'],
  ['ENOTFOUND', named('Error', 'getaddrinfo ENOTFOUND kv.vault.azure.net', 'ENOTFOUND'), 'unreachable', 'ENOTFOUND'],
  ['EHOSTUNREACH', named('Error', 'connect EHOSTUNREACH', 'EHOSTUNREACH'), 'unreachable', 'EHOSTUNREACH'],
  ['self-signed TLS', named('Error', 'self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'unreachable', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  ['AbortError', named('AbortError', 'The operation was aborted.'), 'unreachable', 'AbortError'],
  ['TimeoutError', named('TimeoutError', 'timed out'), 'unreachable', 'TimeoutError'],
  ['CredentialUnavailableError', new CredentialUnavailableError('endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details'), 'unreachable', 'CredentialUnavailableError'],
  ['AuthenticationRequiredError (wrong secret)', new AuthenticationRequiredError({ scopes: ['https://vault.azure.net/.default'], message: "invalid_client: Error(s): 7000215 - Timestamp: 2026-01-01 - Description: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: x" }), 'access_denied', 'AADSTS7000215'],
  ['AuthenticationError 400', new AuthenticationError(400, { error: 'unauthorized_client', error_description: "AADSTS700016: Application with identifier 'x' was not found in the directory." }), 'access_denied', 'AADSTS700016'],
  ['AuthenticationError 503', new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: 'AADSTS50001: service busy.' }), 'unreachable', 'AADSTS50001'],
  ['SDK local key-ops check', new Error('Operation unwrapKey is not supported on key https://kv/keys/k/1'), 'invalid_key', 'KeyNotUsable'],
  ['unknown', new TypeError('weird'), 'unreachable', 'TypeError'],
];

describe('classifyAzureError', () => {
  for (const [label, error, reason, code] of cases) {
    it(`${label} → ${reason}`, () => {
      const k = classifyAzureError(error, 'unwrapKey on https://kv.vault.azure.net/keys/k');
      expect(k).toBeInstanceOf(KmsError);
      expect(k.provider).toBe('azure');
      expect(k.reason).toBe(reason);
      expect(k.providerCode).toBe(code);
      if (code) expect(k.message).toContain(code);
      expect(k.message).toContain('unwrapKey on https://kv.vault.azure.net/keys/k');
      expect(k.message).not.toMatch(/\r|\n|Caller: appid|Trace ID/);
    });
  }

  it('passes a KmsError through unchanged', () => {
    const e = new KmsError('azure', 'invalid_key', 'x', 'BindingMismatch');
    expect(classifyAzureError(e, 'op')).toBe(e);
  });

  it('never repeats a token or a client secret', () => {
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhcHBpZCI6IngifQ.c2ln';
    const k = classifyAzureError(restError(401, { code: 'Unauthorized', message: `bad token Bearer ${jwt} client_secret=hunter2&x=1` }), 'op');
    expect(k.message).not.toContain(jwt);
    expect(k.message).not.toContain('hunter2');
    expect(safeText(`a ${jwt}`)).toBe('a [token]');
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(restError(429, { code: 'Throttled' }, undefined, { 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(restError(429, { code: 'Throttled' }))).toBeUndefined();
    const at = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfterMs(restError(429, { code: 'Throttled' }, undefined, { 'retry-after': at }))).toBeGreaterThan(3000);
  });
});
