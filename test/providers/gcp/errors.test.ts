import { describe, expect, it } from 'vitest';
import { classifyGcpError } from '../../../core/providers/gcp';
import { KmsError, type KmsFailureReason } from '../../../core/providers/types';

/** A REST failure as google-gax's fallback surfaces it: a GaxiosError with the body in `message`. */
function rest(http: number, status?: string, message = 'provider says no'): unknown {
  const body = JSON.stringify({ error: { code: http, message, ...(status ? { status } : {}) } });
  return Object.assign(new Error(body), { code: http, status: http, response: { status: http } });
}
/** A gRPC / GoogleError failure: numeric gRPC code, text in `details`. */
function grpc(code: number, details = 'details'): unknown {
  return Object.assign(new Error(`${code} X: ${details}`), { code, details });
}
function net(code: string, viaCause = false): unknown {
  const e = new Error(`request to http://127.0.0.1:1/v1/x failed, reason: ${code}`);
  return viaCause ? Object.assign(e, { cause: Object.assign(new Error(code), { code }) }) : Object.assign(e, { code });
}

describe('classifyGcpError', () => {
  it.each<[string, unknown, string, KmsFailureReason, string]>([
    // REST (GaxiosError) shape
    ['REST 403 PERMISSION_DENIED', rest(403, 'PERMISSION_DENIED'), 'decrypt', 'access_denied', 'PERMISSION_DENIED'],
    ['REST 401 UNAUTHENTICATED', rest(401, 'UNAUTHENTICATED'), 'decrypt', 'access_denied', 'UNAUTHENTICATED'],
    ['REST 401 without a body', Object.assign(new Error('Unauthorized'), { status: 401 }), 'encrypt', 'access_denied', 'UNAUTHENTICATED'],
    ['REST 400 FAILED_PRECONDITION not enabled', rest(400, 'FAILED_PRECONDITION', 'projects/p/.../cryptoKeyVersions/1 is not enabled, current state is: DISABLED.'), 'decrypt', 'key_disabled', 'FAILED_PRECONDITION'],
    ['REST 400 destroyed, status missing', rest(400, undefined, 'x is not enabled, current state is: DESTROYED.'), 'decrypt', 'key_disabled', 'FAILED_PRECONDITION'],
    ['REST 400 INVALID_ARGUMENT on decrypt', rest(400, 'INVALID_ARGUMENT', 'Decryption failed'), 'decrypt', 'invalid_key', 'INVALID_ARGUMENT'],
    ['REST 404 NOT_FOUND', rest(404, 'NOT_FOUND'), 'encrypt', 'invalid_key', 'NOT_FOUND'],
    ['REST 429 RESOURCE_EXHAUSTED', rest(429, 'RESOURCE_EXHAUSTED'), 'encrypt', 'throttled', 'RESOURCE_EXHAUSTED'],
    ['REST 500 INTERNAL', rest(500, 'INTERNAL'), 'encrypt', 'unreachable', 'INTERNAL'],
    ['REST 503 UNAVAILABLE', rest(503, 'UNAVAILABLE'), 'encrypt', 'unreachable', 'UNAVAILABLE'],
    ['REST 502 without a body', Object.assign(new Error('Bad Gateway'), { status: 502 }), 'encrypt', 'unreachable', 'HTTP_502'],
    ['REST 504 via response.status only', Object.assign(new Error('x'), { response: { status: 504 } }), 'encrypt', 'unreachable', 'HTTP_504'],
    ['impersonation refused', Object.assign(new Error("PERMISSION_DENIED: unable to impersonate: Permission 'iam.serviceAccounts.getAccessToken' denied"), { status: 403 }), 'encrypt', 'access_denied', 'PERMISSION_DENIED'],
    // gRPC / GoogleError shape
    ['gRPC 7 PERMISSION_DENIED', grpc(7), 'decrypt', 'access_denied', 'PERMISSION_DENIED'],
    ['gRPC 16 UNAUTHENTICATED', grpc(16), 'decrypt', 'access_denied', 'UNAUTHENTICATED'],
    ['gRPC 9 FAILED_PRECONDITION', grpc(9, 'is not enabled, current state is: DISABLED.'), 'decrypt', 'key_disabled', 'FAILED_PRECONDITION'],
    ['gRPC 5 NOT_FOUND', grpc(5), 'encrypt', 'invalid_key', 'NOT_FOUND'],
    ['gRPC 3 INVALID_ARGUMENT', grpc(3), 'decrypt', 'invalid_key', 'INVALID_ARGUMENT'],
    ['gRPC 8 RESOURCE_EXHAUSTED', grpc(8), 'encrypt', 'throttled', 'RESOURCE_EXHAUSTED'],
    ['gRPC 14 UNAVAILABLE', grpc(14), 'encrypt', 'unreachable', 'UNAVAILABLE'],
    ['gRPC 4 DEADLINE_EXCEEDED', grpc(4), 'encrypt', 'unreachable', 'DEADLINE_EXCEEDED'],
    ['gRPC 13 INTERNAL', grpc(13), 'encrypt', 'unreachable', 'INTERNAL'],
    ['status word only', Object.assign(new Error('denied'), { status: 'PERMISSION_DENIED' }), 'encrypt', 'access_denied', 'PERMISSION_DENIED'],
    // network and time
    ['ECONNREFUSED', net('ECONNREFUSED'), 'encrypt', 'unreachable', 'ECONNREFUSED'],
    ['ECONNRESET', net('ECONNRESET'), 'encrypt', 'unreachable', 'ECONNRESET'],
    ['ETIMEDOUT', net('ETIMEDOUT'), 'encrypt', 'unreachable', 'ETIMEDOUT'],
    ['ENOTFOUND', net('ENOTFOUND'), 'encrypt', 'unreachable', 'ENOTFOUND'],
    ['EHOSTUNREACH via cause', net('EHOSTUNREACH', true), 'encrypt', 'unreachable', 'EHOSTUNREACH'],
    ['AbortError', Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), 'encrypt', 'unreachable', 'TIMEOUT'],
    ['TimeoutError', Object.assign(new Error('The operation timed out'), { name: 'TimeoutError' }), 'encrypt', 'unreachable', 'TIMEOUT'],
    ['GaxiosError wrapping an abort', Object.assign(new Error('The operation was aborted.'), { error: { name: 'AbortError' } }), 'decrypt', 'unreachable', 'TIMEOUT'],
    // credentials
    ['no ADC', new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication'), 'encrypt', 'access_denied', 'NO_CREDENTIALS'],
    ['ADC file unreadable', Object.assign(new Error('Unable to read the credential file specified by the GOOGLE_APPLICATION_CREDENTIALS environment variable: ENOENT'), { code: 'ENOENT' }), 'encrypt', 'access_denied', 'NO_CREDENTIALS'],
    ['anything else', new Error('weird'), 'encrypt', 'unreachable', 'UNKNOWN'],
  ])('%s', (_n, err, op, reason, code) => {
    const k = classifyGcpError(err, op);
    expect(k).toBeInstanceOf(KmsError);
    expect(k.provider).toBe('gcp');
    expect(k.reason).toBe(reason);
    expect(k.providerCode).toBe(code);
    expect(k.message).toContain(`[${code}`);
    expect(k.message).toContain(op);
  });

  it('explains the useful detail: key state, token-creator role, binding', () => {
    expect(classifyGcpError(rest(400, 'FAILED_PRECONDITION', 'v is not enabled, current state is: DESTROY_SCHEDULED.'), 'decrypt').message).toMatch(/state DESTROY_SCHEDULED/);
    expect(classifyGcpError(Object.assign(new Error('PERMISSION_DENIED: unable to impersonate: x'), { status: 403 }), 'encrypt').message).toMatch(/serviceAccountTokenCreator/);
    expect(classifyGcpError(rest(400, 'INVALID_ARGUMENT'), 'decrypt').message).toMatch(/tenant\/version binding/);
  });

  it('never copies the body, a header or a token into the message', () => {
    const leaky = rest(403, 'PERMISSION_DENIED', 'Authorization: Bearer ya29.SECRET-TOKEN was rejected');
    const k = classifyGcpError(leaky, 'decrypt');
    expect(k.message).not.toMatch(/ya29|SECRET|Bearer|Authorization/);
  });

  it('passes a KmsError through unchanged; classes throttled/unreachable as retryable only', () => {
    const original = new KmsError('gcp', 'invalid_key', 'x', 'CRC32C_MISMATCH');
    expect(classifyGcpError(original, 'encrypt')).toBe(original);
    expect(classifyGcpError(rest(429, 'RESOURCE_EXHAUSTED'), 'e').retryable).toBe(true);
    expect(classifyGcpError(net('ECONNREFUSED'), 'e').retryable).toBe(true);
    expect(classifyGcpError(rest(403, 'PERMISSION_DENIED'), 'e').retryable).toBe(false);
    expect(classifyGcpError(rest(400, 'FAILED_PRECONDITION'), 'e').retryable).toBe(false);
  });
});
