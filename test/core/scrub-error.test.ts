/**
 * Provider error messages are stored in kms_calls.error_message: anything shaped like a
 * credential is masked, the rest of the message (what went wrong) is kept, and the
 * stored text is bounded.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_STORED_ERROR_CHARS, scrubErrorMessage, scrubSecrets } from '../../core/engine/scrub-error';

const b64Key = randomBytes(32).toString('base64');
const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYXVkIjoia21zIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const sessionToken = 'IQoJb3JpZ2luX2VjEHwaCXVzLWVhc3QtMSJHMEUCIQDx1example' + randomBytes(60).toString('base64');

describe('scrubSecrets masks anything that looks like a token or key', () => {
  const cases: { name: string; input: string; secret: string; keeps: string }[] = [
    { name: 'bearer token', input: 'request failed: Bearer ya29_abcDEF123ghiJKL456', secret: 'ya29_abcDEF123ghiJKL456', keeps: 'request failed: Bearer [redacted' },
    { name: 'authorization header', input: 'header authorization: SharedKey acct:Zm9vYmFyYmF6', secret: 'Zm9vYmFyYmF6', keeps: 'header authorization: [redacted' },
    { name: 'JWT', input: `invalid assertion ${jwt} for audience`, secret: jwt.slice(0, 20), keeps: 'for audience' },
    { name: 'GCP OAuth token', input: 'token ya29.a0AfH6SMBx-abc_DEF.123 rejected', secret: 'ya29.a0AfH6SMBx', keeps: 'rejected' },
    { name: 'AWS access key id', input: 'The security token included in the request is invalid (AKIAIOSFODNN7EXAMPLE)', secret: 'AKIAIOSFODNN7EXAMPLE', keeps: 'The security token included in the request is invalid' },
    { name: 'AWS secret access key', input: `aws_secret_access_key=${awsSecret} refused`, secret: awsSecret, keeps: 'aws_secret_access_key=[redacted' },
    { name: 'AWS session token in JSON', input: `{"SessionToken":"${sessionToken}"}`, secret: sessionToken.slice(0, 30), keeps: '{"SessionToken":"[redacted' },
    { name: 'X-Amz-Security-Token query parameter', input: `GET /?X-Amz-Security-Token=${sessionToken}&X-Amz-Date=20260101`, secret: sessionToken.slice(0, 30), keeps: 'X-Amz-Date=20260101' },
    { name: 'SAS sig parameter', input: 'blob https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=abc%2Bdef%3D&se=2026', secret: 'abc%2Bdef%3D', keeps: 'sv=2022-11-02' },
    { name: 'client secret in a form body', input: 'AADSTS7000215: body client_id=1&client_secret=s3cr3tValue-xyz&grant_type=client_credentials', secret: 's3cr3tValue-xyz', keeps: 'grant_type=client_credentials' },
    { name: 'Azure client secret shape', input: 'Invalid client secret provided: abC8Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', secret: 'aBcDeFgHiJkLmNoPqRsTuVwXyZ', keeps: 'Invalid client secret provided:' },
    { name: 'base64 key material', input: `unwrap failed for ${b64Key}`, secret: b64Key, keeps: 'unwrap failed for [redacted base64]' },
    { name: 'PEM private key', input: 'bad key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- end', secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', keeps: 'bad key [redacted pem] end' },
    { name: 'access_token in JSON', input: '{"access_token":"opaqueTokenValue42","expires_in":3599}', secret: 'opaqueTokenValue42', keeps: '"expires_in":3599' },
  ];
  for (const c of cases) {
    it(`masks a ${c.name}`, () => {
      const out = scrubSecrets(c.input);
      expect(out).not.toContain(c.secret);
      expect(out).toContain(c.keeps);
      expect(out).toMatch(/\[redacted [a-z0-9 ]+\]/);
      expect(scrubSecrets(out)).toBe(out);
    });
  }

  const kept = [
    'AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/Keywarden/kw is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'PERMISSION_DENIED: Permission cloudkms.cryptoKeyVersions.useToDecrypt denied on resource projects/acme-prod/locations/global/keyRings/keywarden/cryptoKeys/tenant-master',
    'Forbidden: The user does not have key permission wrapKey on https://acme-kv.vault.azure.net/keys/kw/0123456789abcdef0123456789abcdef (request 6f1c2d3e-aaaa-bbbb-cccc-0123456789ab)',
    'the token: expired; re-authenticate',
    'connect ECONNREFUSED 127.0.0.1:4566',
  ];
  for (const message of kept) {
    it(`keeps a message with no secret intact: ${message.slice(0, 40)}…`, () => {
      expect(scrubSecrets(message)).toBe(message);
    });
  }
});

describe('scrubErrorMessage bounds what is stored', () => {
  it(`cuts at ${MAX_STORED_ERROR_CHARS} characters with an ellipsis, after scrubbing`, () => {
    const long = `denied ${b64Key} ` + 'x'.repeat(2000);
    const out = scrubErrorMessage(long);
    expect(out.length).toBe(MAX_STORED_ERROR_CHARS);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toContain(b64Key);
  });

  it('does not leave half a secret when the cut falls inside one', () => {
    const message = 'e'.repeat(480) + ' ' + b64Key;
    const out = scrubErrorMessage(message);
    expect(out).not.toContain(b64Key.slice(0, 12));
  });

  it('replaces control characters', () => {
    expect(scrubErrorMessage('a\u0000b\u001bc')).toBe('a b c');
  });
});
