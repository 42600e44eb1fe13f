import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsProviderFactory } from '../../../core/providers/aws';
import { KmsError, type KmsProvider } from '../../../core/providers/types';
import { FAKE_ACCESS_KEY_ID, FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, FAKE_SECRET_ACCESS_KEY, FAKE_USER_ARN, startAwsFake, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';
import { awsTestDeps, callCtx } from '../../fakes/aws/harness';

let aws: AwsFake;
let key: FakeKeyInfo;
const open: KmsProvider[] = [];

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'keywarden-tenants', description: 'tenant master keys' });
});
afterAll(() => aws.close());
afterEach(async () => {
  for (const p of open.splice(0)) await p.close?.();
});

function provider(config: Record<string, unknown> = {}, keyRef = key.arn, deps = awsTestDeps()): KmsProvider {
  const parsed = awsProviderFactory.parseConfig({ provider: 'aws', kms_key_ref: keyRef, config: { region: aws.region, endpoint: aws.endpoint, ...config } });
  const p = awsProviderFactory.create(parsed, deps);
  open.push(p);
  return p;
}

function roleProvider(externalId = FAKE_EXTERNAL_ID): KmsProvider {
  return provider({ role_arn: FAKE_ROLE_ARN, external_id: externalId, sts_endpoint: aws.sts.endpoint });
}

async function fails(p: Promise<unknown>): Promise<KmsError> {
  const e = await p.then(
    () => new Error('expected the call to fail'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KmsError);
  return e as KmsError;
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KmsError);
  return (e as KmsError).reason;
}

describe('aws provider against the fake (default chain from deps.env)', () => {
  it('probe: wraps and unwraps 32 random bytes; the ciphertext is not the plaintext', async () => {
    const p = provider();
    expect(p.name).toBe('aws');
    expect(p.customerControlled).toBe(true);
    const secret = randomBytes(32);
    const wrapped = await p.wrap(secret, callCtx('probe_wrap', 'tenant-a', 0));
    expect(wrapped.keyId).toBe(key.arn);
    expect(wrapped.ciphertext.includes(secret)).toBe(false);
    const unwrapped = await p.unwrap(wrapped.ciphertext, callCtx('probe_unwrap', 'tenant-a', 0));
    expect(unwrapped.plaintext.equals(secret)).toBe(true);
    expect(unwrapped.keyId).toBe(key.arn);
    expect(unwrapped.principal).toBeUndefined();
  });

  it('works through an alias ARN and reports the key ARN KMS used', async () => {
    const p = provider({}, key.aliasArn!);
    const wrapped = await p.wrap(randomBytes(32), callCtx());
    expect(wrapped.keyId).toBe(key.arn);
    const out = await p.unwrap(wrapped.ciphertext, callCtx('unwrap'));
    expect(out.keyId).toBe(key.arn);
  });

  it('unwrap under another tenant or another version fails as invalid_key', async () => {
    const p = provider();
    const { ciphertext } = await p.wrap(randomBytes(32), callCtx('wrap', 'tenant-a', 3));
    expect(await reasonOf(p.unwrap(ciphertext, callCtx('unwrap', 'tenant-b', 3)))).toBe('invalid_key');
    expect(await reasonOf(p.unwrap(ciphertext, callCtx('unwrap', 'tenant-a', 4)))).toBe('invalid_key');
    const last = aws.events({ eventName: 'Decrypt' }).at(-1)!;
    expect(last.errorCode).toBe('InvalidCiphertextException');
  });

  it('ciphertext of another key is refused (IncorrectKeyException → invalid_key)', async () => {
    const other = aws.createKey();
    const p2 = provider({}, other.arn);
    const { ciphertext } = await p2.wrap(randomBytes(32), callCtx());
    const p = provider();
    expect(await reasonOf(p.unwrap(ciphertext, callCtx('unwrap')))).toBe('invalid_key');
  });

  it('records each call in CloudTrail with the correlation id in the user agent and the stable context', async () => {
    const p = provider();
    const ctx = callCtx('wrap', 'tenant-ct', 7);
    const { ciphertext } = await p.wrap(randomBytes(32), ctx);
    const unwrapCtx = callCtx('unwrap', 'tenant-ct', 7);
    await p.unwrap(ciphertext, unwrapCtx);
    const kms = aws.events({ eventSource: 'kms.amazonaws.com' });
    const enc = kms.find((e) => e.userAgent.includes(`keywarden-cid/${ctx.correlationId}`))!;
    const dec = kms.find((e) => e.userAgent.includes(`keywarden-cid/${unwrapCtx.correlationId}`))!;
    expect(enc.eventName).toBe('Encrypt');
    expect(dec.eventName).toBe('Decrypt');
    for (const e of [enc, dec]) {
      expect(e.userAgent).toContain('keywarden/0.1.0-test');
      expect(e.requestParameters).toMatchObject({
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        encryptionContext: { 'keywarden:tenant': 'tenant-ct', 'keywarden:key_version': '7', 'keywarden:purpose': 'tenant-master-key' },
      });
      expect(e.userIdentity).toMatchObject({ type: 'IAMUser', arn: FAKE_USER_ARN, accessKeyId: FAKE_ACCESS_KEY_ID, accountId: aws.accountId });
      expect(e.resources).toEqual([{ accountId: aws.accountId, type: 'AWS::KMS::Key', ARN: key.arn }]);
      expect(e).toMatchObject({ eventSource: 'kms.amazonaws.com', awsRegion: aws.region, eventType: 'AwsApiCall', readOnly: true, responseElements: null });
      expect(e.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(e.sourceIPAddress).toBe('127.0.0.1');
    }
    // The correlation id is per call and never in the encryption context.
    expect(JSON.stringify(dec.requestParameters)).not.toContain(unwrapCtx.correlationId);
  });

  it('describe reports state, spec and creation; disabled and pending deletion are not enabled', async () => {
    const k = aws.createKey();
    const p = provider({}, k.arn);
    const d = await p.describe(callCtx('describe'));
    expect(d).toMatchObject({ keyRef: k.arn, enabled: true, state: 'Enabled', algorithm: 'SYMMETRIC_DEFAULT' });
    expect(Date.parse(d.createdAt!)).toBeGreaterThan(Date.now() - 60_000);
    aws.disableKey(k.arn);
    expect(await p.describe(callCtx('describe'))).toMatchObject({ enabled: false, state: 'Disabled' });
    expect(await reasonOf(p.wrap(randomBytes(32), callCtx()))).toBe('key_disabled');
    aws.scheduleKeyDeletion(k.arn, 7);
    expect(await p.describe(callCtx('describe'))).toMatchObject({ enabled: false, state: 'PendingDeletion' });
    expect(await reasonOf(p.wrap(randomBytes(32), callCtx()))).toBe('key_disabled');
  });

  it('a key that does not exist is invalid_key', async () => {
    const p = provider({}, `arn:aws:kms:${aws.region}:${aws.accountId}:key/00000000-0000-4000-8000-000000000000`);
    expect(await reasonOf(p.wrap(randomBytes(32), callCtx()))).toBe('invalid_key');
  });

  it('an empty 200 is a clear error, not undefined fields', async () => {
    const p = provider();
    aws.kms.answerEmpty(true);
    try {
      const e = await fails(p.wrap(randomBytes(32), callCtx()));
      expect(e).toBeInstanceOf(KmsError);
      expect((e as KmsError).message).toMatch(/no CiphertextBlob/);
      expect((e as KmsError).providerCode).toBe('MalformedResponse');
      const d = await fails(p.describe(callCtx('describe')));
      expect((d as KmsError).message).toMatch(/no KeyMetadata/);
    } finally {
      aws.kms.answerEmpty(false);
    }
  });

  it('unknown or mis-signed credentials from deps.env are access_denied', async () => {
    const unknown = provider({}, key.arn, awsTestDeps({ env: { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', AWS_SECRET_ACCESS_KEY: 'nope' } }));
    const e1 = await fails(unknown.wrap(randomBytes(32), callCtx()));
    expect(e1).toMatchObject({ reason: 'access_denied', providerCode: 'UnrecognizedClientException' });
    expect(e1.message).not.toContain('AKIAUNKNOWNKEY000001');
    const wrongSecret = provider({}, key.arn, awsTestDeps({ env: { AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: 'wrong-secret' } }));
    const e2 = await fails(wrongSecret.wrap(randomBytes(32), callCtx()));
    expect(e2).toMatchObject({ reason: 'access_denied', providerCode: 'InvalidSignatureException' });
  });
});

describe('aws provider with a named profile', () => {
  it('reads the profile from the shared credentials file deps.env names, then assumes the role', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-aws-profile-'));
    try {
      const credentialsFile = path.join(dir, 'credentials');
      const configFile = path.join(dir, 'config');
      writeFileSync(credentialsFile, `[audit-team]\naws_access_key_id = ${FAKE_ACCESS_KEY_ID}\naws_secret_access_key = ${FAKE_SECRET_ACCESS_KEY}\n`, { mode: 0o600 });
      writeFileSync(configFile, '[profile audit-team]\nregion = us-east-1\n', { mode: 0o600 });
      const env = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: configFile };
      const plain = provider({ profile: 'audit-team' }, key.arn, awsTestDeps({ env }));
      const ctx = callCtx();
      await plain.wrap(randomBytes(32), ctx);
      expect(aws.events().find((e) => e.userAgent.includes(ctx.correlationId))?.userIdentity.arn).toBe(FAKE_USER_ARN);
      const viaRole = provider({ profile: 'audit-team', role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, sts_endpoint: aws.sts.endpoint }, key.arn, awsTestDeps({ env }));
      expect((await viaRole.wrap(randomBytes(32), callCtx())).principal).toContain(':assumed-role/KeywardenKMSAccess/keywarden');
      const missing = provider({ profile: 'nobody' }, key.arn, awsTestDeps({ env }));
      expect(await reasonOf(missing.wrap(randomBytes(32), callCtx()))).toBe('access_denied');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aws provider with role_arn + external_id (fake STS)', () => {
  it('assumes the role; the principal is the assumed role session, in results and in CloudTrail', async () => {
    const p = roleProvider();
    const ctx = callCtx();
    const wrapped = await p.wrap(randomBytes(32), ctx);
    const principal = `arn:aws:sts::${aws.accountId}:assumed-role/KeywardenKMSAccess/keywarden`;
    expect(wrapped.principal).toBe(principal);
    const out = await p.unwrap(wrapped.ciphertext, callCtx('unwrap'));
    expect(out.principal).toBe(principal);
    const rec = aws.events().find((e) => e.userAgent.includes(ctx.correlationId))!;
    expect(rec.userIdentity).toMatchObject({ type: 'AssumedRole', arn: principal, sessionContext: { sessionIssuer: { type: 'Role', arn: FAKE_ROLE_ARN } } });
    expect(rec.userIdentity.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    const assume = aws.events({ eventName: 'AssumeRole' }).at(-1)!;
    expect(assume).toMatchObject({ eventSource: 'sts.amazonaws.com', requestParameters: { roleArn: FAKE_ROLE_ARN, roleSessionName: 'keywarden', externalId: FAKE_EXTERNAL_ID } });
    expect(assume.userIdentity.arn).toBe(FAKE_USER_ARN);
  });

  it('a wrong external id is access_denied (STS AccessDenied), and KMS is never called', async () => {
    const before = aws.events({ eventSource: 'kms.amazonaws.com' }).length;
    const p = roleProvider('not-the-agreed-external-id');
    const e = await fails(p.wrap(randomBytes(32), callCtx()));
    expect(e).toBeInstanceOf(KmsError);
    expect((e as KmsError).reason).toBe('access_denied');
    expect((e as KmsError).providerCode).toBe('AccessDenied');
    // Named as the STS call that failed, with what to check; never as a KMS Encrypt failure.
    expect((e as KmsError).failedCall).toBe('sts:AssumeRole');
    expect((e as KmsError).message).toMatch(/^AWS STS AssumeRole failed: access denied \(AccessDenied\): .*external id.*trust policy/);
    expect((e as KmsError).message).not.toMatch(/KMS Encrypt/);
    expect(aws.events({ eventSource: 'kms.amazonaws.com' }).length).toBe(before);
    expect(aws.events({ eventName: 'AssumeRole' }).at(-1)!.errorCode).toBe('AccessDenied');
  });

  it('STS denying AssumeRole outright (the trust policy) is an AssumeRole failure; a KMS refusal after it stays a KMS one', async () => {
    aws.sts.setFault({ kind: 'deny' });
    try {
      const e = (await fails(roleProvider().wrap(randomBytes(32), callCtx()))) as KmsError;
      expect(e).toMatchObject({ reason: 'access_denied', providerCode: 'AccessDenied', failedCall: 'sts:AssumeRole' });
      expect(e.message).toMatch(/^AWS STS AssumeRole failed: access denied \(AccessDenied\): User: .* is not authorized to perform: sts:AssumeRole/);
      expect(e.message).not.toMatch(/AKIA[A-Z0-9]{16}/);
    } finally {
      aws.sts.setFault({ kind: 'pass' });
    }
    aws.setFault({ kind: 'deny' });
    try {
      const e = (await fails(roleProvider().wrap(randomBytes(32), callCtx()))) as KmsError;
      expect(e).toMatchObject({ reason: 'access_denied', providerCode: 'AccessDeniedException', failedCall: undefined });
      expect(e.message).toMatch(/^AWS KMS Encrypt failed: access denied \(AccessDeniedException\)/);
    } finally {
      aws.setFault({ kind: 'pass' });
    }
  });

  it('a role session AWS calls expired is dropped and the role assumed afresh within the call', async () => {
    const p = roleProvider();
    await p.wrap(randomBytes(32), callCtx());
    const assumes = aws.events({ eventName: 'AssumeRole' }).length;
    aws.sts.expireSessions();
    const ctx = callCtx();
    const out = await p.wrap(randomBytes(32), ctx);
    expect(out.principal).toContain(':assumed-role/KeywardenKMSAccess/keywarden');
    expect(aws.events({ eventName: 'AssumeRole' }).length).toBe(assumes + 1);
    // The first attempt was refused as expired; nothing reached CloudTrail for it.
    const mine = aws.events({ eventSource: 'kms.amazonaws.com' }).filter((e) => e.userAgent.includes(ctx.correlationId));
    expect(mine.map((e) => e.errorCode)).toEqual([undefined]);
  });
});
