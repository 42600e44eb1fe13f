/**
 * `throttled` is retried with backoff: a throttle that clears before the retries run out
 * is invisible to the engine (AWS and Azure here; GCP in gcp/faults.test.ts). The fault is
 * cleared the moment the fake has answered the first throttled attempt, so the test does
 * not depend on how fast the machine is.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsProviderFactory } from '../../core/providers/aws';
import { PASS } from '../fakes/fault-mode';
import { startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { awsTestDeps, callCtx } from '../fakes/aws/harness';
import { ctx, setupAzure, type AzureSetup } from '../fakes/azure/harness';

/** Runs `clear` as soon as `seen()` holds, checking every few milliseconds; returns a stopper. */
function clearWhen(seen: () => boolean, clear: () => void): () => void {
  const timer = setInterval(() => {
    if (seen()) {
      clear();
      clearInterval(timer);
    }
  }, 2);
  return () => clearInterval(timer);
}

describe('aws: a throttle that clears within the retries', () => {
  let aws: AwsFake;
  let key: FakeKeyInfo;
  beforeAll(async () => {
    aws = await startAwsFake();
    key = aws.createKey();
  });
  afterAll(() => aws.close());

  it('succeeds; CloudTrail shows the throttled attempt, then the one that worked', async () => {
    const p = awsProviderFactory.create(
      awsProviderFactory.parseConfig({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }),
      awsTestDeps({ timeoutMs: 3000 }),
    );
    try {
      const wrapped = await p.wrap(randomBytes(32), callCtx('wrap', 'tenant-t', 1));
      const c = callCtx('unwrap', 'tenant-t', 1);
      const attempts = () => aws.events({ eventSource: 'kms.amazonaws.com' }).filter((e) => e.userAgent.includes(`keywarden-cid/${c.correlationId}`));
      aws.setFault({ kind: 'throttle' }, key.arn);
      const stop = clearWhen(() => attempts().some((e) => e.errorCode === 'ThrottlingException'), () => aws.setFault(PASS, key.arn));
      const out = await p.unwrap(wrapped.ciphertext, c).finally(stop);
      expect(out.plaintext).toHaveLength(32);
      const seen = attempts();
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen[0]!.errorCode).toBe('ThrottlingException');
      expect(seen.at(-1)!.errorCode).toBeUndefined();
      // Every attempt carries the same correlation id: the cross-check sees one logical call.
      expect(new Set(seen.map((e) => e.userAgent.match(/keywarden-cid\/\S+/)?.[0])).size).toBe(1);
    } finally {
      p.close?.();
    }
  });
});

describe('azure: a throttle that clears within the retries', () => {
  let s: AzureSetup;
  beforeAll(async () => {
    s = await setupAzure();
  });
  afterAll(() => s.fake.close());

  it('waits for Retry-After, then succeeds; the audit log shows 429 then 200', async () => {
    const p = s.provider({ timeoutMs: 5000 });
    const wrapped = await p.wrap(randomBytes(32), ctx('wrap'));
    const c = ctx('unwrap');
    const unwraps = () => s.fake.auditEvents().filter((r) => r.OperationName === 'KeyUnwrap' && r.ClientInfo.includes(c.correlationId));
    s.fake.setFault({ kind: 'throttle' });
    const stop = clearWhen(() => unwraps().some((r) => r.HttpStatusCode === 429), () => s.fake.setFault({ kind: 'pass' }));
    const out = await p.unwrap(wrapped.ciphertext, c).finally(stop);
    expect(out.plaintext).toHaveLength(32);
    const rows = unwraps();
    expect(rows.map((r) => r.HttpStatusCode)).toEqual([429, 200]);
    // The fake asks for Retry-After: 1; the provider may wait longer but never less.
    expect(Date.parse(rows[1]!.TimeGenerated) - Date.parse(rows[0]!.TimeGenerated)).toBeGreaterThanOrEqual(1000);
  });
});
