/**
 * Every FaultMode of the fake, seen through the real SDK and the provider: the right
 * reason, the right number of attempts, and no call outliving deps.timeoutMs by much.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsProviderFactory } from '../../../core/providers/aws';
import { KmsError, type KmsFailureReason, type KmsProvider } from '../../../core/providers/types';
import { PASS, type FaultMode } from '../../fakes/fault-mode';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, startAwsFake, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';
import { awsTestDeps, callCtx } from '../../fakes/aws/harness';

const TIMEOUT_MS = 1500;
const SLACK_MS = 250;

let aws: AwsFake;
let key: FakeKeyInfo;
let wrapped: Buffer;
const open: KmsProvider[] = [];

function provider(role = false, keyRef = key.arn): KmsProvider {
  const config = {
    region: aws.region,
    endpoint: aws.endpoint,
    ...(role ? { role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, sts_endpoint: aws.sts.endpoint } : {}),
  };
  const p = awsProviderFactory.create(awsProviderFactory.parseConfig({ provider: 'aws', kms_key_ref: keyRef, config }), awsTestDeps({ timeoutMs: TIMEOUT_MS }));
  open.push(p);
  return p;
}

async function failure(p: Promise<unknown>): Promise<{ error: KmsError; ms: number }> {
  const start = Date.now();
  const error = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KmsError);
  return { error: error as KmsError, ms: Date.now() - start };
}

const kmsCallsFor = (cid: string) => aws.events({ eventSource: 'kms.amazonaws.com' }).filter((e) => e.userAgent.includes(cid));

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey();
  const p = provider();
  wrapped = (await p.wrap(randomBytes(32), callCtx('wrap', 'tenant-f', 1))).ciphertext;
});
afterEach(async () => {
  aws.setFault(PASS);
  aws.setFault(PASS, key.arn);
  aws.sts.setFault(PASS);
  await aws.kms.reopenListener();
  for (const p of open.splice(0)) await p.close?.();
});
afterAll(() => aws.close());

describe('KMS fault modes → reasons', () => {
  const table: { mode: FaultMode; reason: KmsFailureReason; code: string; attempts: number }[] = [
    { mode: { kind: 'deny' }, reason: 'access_denied', code: 'AccessDeniedException', attempts: 1 },
    { mode: { kind: 'key_disabled' }, reason: 'key_disabled', code: 'DisabledException', attempts: 1 },
    { mode: { kind: 'throttle' }, reason: 'throttled', code: 'ThrottlingException', attempts: 3 },
    { mode: { kind: 'server_error' }, reason: 'unreachable', code: 'KMSInternalException', attempts: 3 },
  ];
  for (const row of table) {
    it(`${row.mode.kind} → ${row.reason} after ${row.attempts} attempt(s), each in CloudTrail`, async () => {
      aws.setFault(row.mode, key.arn);
      const ctx = callCtx('unwrap', 'tenant-f', 1);
      const { error, ms } = await failure(provider().unwrap(wrapped, ctx));
      expect(error.reason).toBe(row.reason);
      expect(error.providerCode).toBe(row.code);
      expect(error.message).toContain(row.code);
      expect(error.retryable).toBe(row.reason === 'throttled' || row.reason === 'unreachable');
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const calls = kmsCallsFor(ctx.correlationId);
      expect(calls).toHaveLength(row.attempts);
      for (const c of calls) expect(c).toMatchObject({ eventName: 'Decrypt', errorCode: row.code });
    });
  }

  it('deny also fails wrap and describe; the record names the caller and the key', async () => {
    aws.setFault({ kind: 'deny' }, key.arn);
    const p = provider(true);
    const ctx = callCtx();
    expect((await failure(p.wrap(randomBytes(32), ctx))).error.reason).toBe('access_denied');
    expect((await failure(p.describe(callCtx('describe')))).error.reason).toBe('access_denied');
    const rec = kmsCallsFor(ctx.correlationId)[0]!;
    expect(rec.errorMessage).toMatch(/^User: arn:aws:sts::\d{12}:assumed-role\/KeywardenKMSAccess\/keywarden is not authorized to perform: kms:Encrypt/);
    expect(rec.resources?.[0]?.ARN).toBe(key.arn);
  });

  it('key_disabled shows in DescribeKey as Disabled', async () => {
    aws.setFault({ kind: 'key_disabled' }, key.arn);
    expect(await provider().describe(callCtx('describe'))).toMatchObject({ enabled: false, state: 'Disabled' });
  });

  it('a fault on one key leaves other keys alone', async () => {
    const other = aws.createKey();
    aws.setFault({ kind: 'deny' }, key.arn);
    const p = provider(false, other.arn);
    const w = await p.wrap(randomBytes(32), callCtx());
    expect((await p.unwrap(w.ciphertext, callCtx('unwrap'))).plaintext).toHaveLength(32);
  });

  it('refuse (socket destroyed) → unreachable, quickly, nothing in CloudTrail', async () => {
    aws.setFault({ kind: 'refuse' });
    const ctx = callCtx('unwrap', 'tenant-f', 1);
    const { error, ms } = await failure(provider().unwrap(wrapped, ctx));
    expect(error.reason).toBe('unreachable');
    expect(['ECONNRESET', 'EPIPE']).toContain(error.providerCode);
    expect(ms).toBeLessThan(TIMEOUT_MS);
    expect(kmsCallsFor(ctx.correlationId)).toHaveLength(0);
  });

  it('a closed listener (connection refused) → unreachable; reopening restores service', async () => {
    const p = provider();
    await aws.kms.closeListener();
    const { error, ms } = await failure(p.unwrap(wrapped, callCtx('unwrap', 'tenant-f', 1)));
    expect(error).toMatchObject({ reason: 'unreachable', providerCode: 'ECONNREFUSED' });
    expect(ms).toBeLessThan(TIMEOUT_MS);
    await aws.kms.reopenListener();
    expect((await p.unwrap(wrapped, callCtx('unwrap', 'tenant-f', 1))).plaintext).toHaveLength(32);
  });

  it('slow beyond the timeout → unreachable at about timeoutMs, not later', async () => {
    aws.setFault({ kind: 'slow', delayMs: TIMEOUT_MS * 3 });
    const { error, ms } = await failure(provider().unwrap(wrapped, callCtx('unwrap', 'tenant-f', 1)));
    expect(error.reason).toBe('unreachable');
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('slow within the timeout still answers', async () => {
    aws.setFault({ kind: 'slow', delayMs: 200 });
    const out = await provider().unwrap(wrapped, callCtx('unwrap', 'tenant-f', 1));
    expect(out.plaintext).toHaveLength(32);
  });

  it('after the fault is cleared the same provider works again (unseal path)', async () => {
    const p = provider(true);
    aws.setFault({ kind: 'deny' }, key.arn);
    expect((await failure(p.unwrap(wrapped, callCtx('unwrap', 'tenant-f', 1)))).error.reason).toBe('access_denied');
    aws.setFault(PASS, key.arn);
    expect((await p.unwrap(wrapped, callCtx('unwrap', 'tenant-f', 1))).plaintext).toHaveLength(32);
  });
});

describe('STS fault modes (role_arn)', () => {
  const table: { mode: FaultMode; reason: KmsFailureReason }[] = [
    { mode: { kind: 'deny' }, reason: 'access_denied' },
    { mode: { kind: 'throttle' }, reason: 'throttled' },
    { mode: { kind: 'server_error' }, reason: 'unreachable' },
    { mode: { kind: 'refuse' }, reason: 'unreachable' },
    { mode: { kind: 'slow', delayMs: TIMEOUT_MS * 3 }, reason: 'unreachable' },
  ];
  for (const row of table) {
    it(`STS ${row.mode.kind} → ${row.reason}, within the timeout`, async () => {
      aws.sts.setFault(row.mode);
      const { error, ms } = await failure(provider(true).wrap(randomBytes(32), callCtx()));
      expect(error.reason).toBe(row.reason);
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    });
  }
});
