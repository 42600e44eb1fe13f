import { describe, expect, it } from 'vitest';
import { classifyAwsError, sanitizeProviderMessage } from '../../../core/providers/aws/errors';
import { KmsError, type KmsFailureReason } from '../../../core/providers/types';

/** Shaped like what the SDK throws: a service exception (name, $fault, $metadata) or a Node error. */
function sdkError(name: string, status?: number, message = `${name} happened`, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: status === undefined ? {} : { httpStatusCode: status } });
}
function nodeError(code: string, message = `connect ${code} 127.0.0.1:1`) {
  return Object.assign(new Error(message), { code });
}

const table: { what: string; error: unknown; reason: KmsFailureReason; code: string | undefined }[] = [
  { what: 'KMS AccessDeniedException', error: sdkError('AccessDeniedException', 400), reason: 'access_denied', code: 'AccessDeniedException' },
  { what: 'STS AccessDenied', error: sdkError('AccessDenied', 403), reason: 'access_denied', code: 'AccessDenied' },
  { what: 'UnrecognizedClientException', error: sdkError('UnrecognizedClientException', 400), reason: 'access_denied', code: 'UnrecognizedClientException' },
  { what: 'InvalidClientTokenId', error: sdkError('InvalidClientTokenId', 403), reason: 'access_denied', code: 'InvalidClientTokenId' },
  { what: 'ExpiredTokenException', error: sdkError('ExpiredTokenException', 400), reason: 'access_denied', code: 'ExpiredTokenException' },
  { what: 'InvalidSignatureException', error: sdkError('InvalidSignatureException', 400), reason: 'access_denied', code: 'InvalidSignatureException' },
  { what: 'no credentials', error: Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), reason: 'access_denied', code: 'CredentialsProviderError' },
  { what: 'DisabledException', error: sdkError('DisabledException', 400), reason: 'key_disabled', code: 'DisabledException' },
  { what: 'KMSInvalidStateException', error: sdkError('KMSInvalidStateException', 400), reason: 'key_disabled', code: 'KMSInvalidStateException' },
  { what: 'NotFoundException', error: sdkError('NotFoundException', 400), reason: 'invalid_key', code: 'NotFoundException' },
  { what: 'InvalidCiphertextException', error: sdkError('InvalidCiphertextException', 400), reason: 'invalid_key', code: 'InvalidCiphertextException' },
  { what: 'IncorrectKeyException', error: sdkError('IncorrectKeyException', 400), reason: 'invalid_key', code: 'IncorrectKeyException' },
  { what: 'InvalidKeyUsageException', error: sdkError('InvalidKeyUsageException', 400), reason: 'invalid_key', code: 'InvalidKeyUsageException' },
  { what: 'ThrottlingException', error: sdkError('ThrottlingException', 400), reason: 'throttled', code: 'ThrottlingException' },
  { what: 'LimitExceededException', error: sdkError('LimitExceededException', 400), reason: 'throttled', code: 'LimitExceededException' },
  { what: 'unknown error with 429', error: sdkError('SomethingNew', 429), reason: 'throttled', code: 'SomethingNew' },
  { what: 'KMSInternalException', error: sdkError('KMSInternalException', 500, 'x', 'server'), reason: 'unreachable', code: 'KMSInternalException' },
  { what: 'DependencyTimeoutException', error: sdkError('DependencyTimeoutException', 503, 'x', 'server'), reason: 'unreachable', code: 'DependencyTimeoutException' },
  { what: 'unknown 502', error: sdkError('BadGateway', 502, 'x', 'server'), reason: 'unreachable', code: 'BadGateway' },
  { what: 'unknown 403', error: sdkError('Forbidden', 403), reason: 'access_denied', code: 'Forbidden' },
  { what: 'ECONNREFUSED', error: nodeError('ECONNREFUSED'), reason: 'unreachable', code: 'ECONNREFUSED' },
  { what: 'ECONNRESET', error: nodeError('ECONNRESET', 'socket hang up'), reason: 'unreachable', code: 'ECONNRESET' },
  { what: 'ETIMEDOUT', error: nodeError('ETIMEDOUT'), reason: 'unreachable', code: 'ETIMEDOUT' },
  { what: 'ENOTFOUND', error: nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND kms.example'), reason: 'unreachable', code: 'ENOTFOUND' },
  { what: 'EHOSTUNREACH', error: nodeError('EHOSTUNREACH'), reason: 'unreachable', code: 'EHOSTUNREACH' },
  { what: 'TimeoutError (SDK request timeout)', error: Object.assign(new Error('timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), reason: 'unreachable', code: 'ETIMEDOUT' },
  { what: 'AbortError', error: Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }), reason: 'unreachable', code: 'AbortError' },
  { what: 'a wrapped network error', error: Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), reason: 'unreachable', code: 'ECONNREFUSED' },
  { what: 'a string', error: 'boom', reason: 'unreachable', code: undefined },
];

describe('classifyAwsError', () => {
  for (const row of table) {
    it(`${row.what} → ${row.reason}`, () => {
      const e = classifyAwsError(row.error, 'Decrypt');
      expect(e).toBeInstanceOf(KmsError);
      expect(e.provider).toBe('aws');
      expect(e.reason).toBe(row.reason);
      expect(e.providerCode).toBe(row.code);
      expect(e.message).toMatch(/^AWS KMS Decrypt failed: /);
      if (row.code) expect(e.message).toContain(`(${row.code})`);
    });
  }

  it('passes a KmsError through unchanged', () => {
    const k = new KmsError('aws', 'invalid_key', 'x', 'MalformedResponse');
    expect(classifyAwsError(k, 'Encrypt')).toBe(k);
  });

  it('never repeats access key ids or opaque tokens from the provider message', () => {
    const token = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD0example9TOKEN';
    const e = classifyAwsError(sdkError('UnrecognizedClientException', 400, `The security token ${token} for AKIAIOSFODNN7EXAMPLE is invalid.\nbody: {"Plaintext":"..."}`), 'Encrypt');
    expect(e.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(e.message).not.toContain(token);
    expect(e.message).not.toContain('Plaintext');
    expect(e.message).toContain('[access-key-id]');
  });

  it('keeps ARNs readable (what an operator needs to fix a grant) and bounds the length', () => {
    const arn = 'arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden';
    expect(sanitizeProviderMessage(`User: ${arn} is not authorized`)).toBe(`User: ${arn} is not authorized`);
    expect(sanitizeProviderMessage('x'.repeat(1000)).length).toBeLessThanOrEqual(321);
  });

  it("drops the SDK's placeholder when AWS sent no message", () => {
    expect(classifyAwsError(sdkError('InvalidCiphertextException', 400, 'UnknownError'), 'Decrypt').message).toBe(
      'AWS KMS Decrypt failed: key or ciphertext not usable (InvalidCiphertextException)',
    );
  });
});
