/**
 * The engine's principal on every AWS `kms_calls` row, learnt the way CloudTrail names the
 * caller: the AssumeRole answer's AssumedRoleUser.Arn, or `sts:GetCallerIdentity` once
 * per credential set for credentials from the environment; unknown (NULL, with why) when
 * STS refuses, while the KMS call itself still runs and is recorded. Each row names the
 * access key id the call was signed with (never the secret); long-lived keys are flagged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock';
import { awsProviderFactory } from '../../../core/providers/aws';
import { PASS } from '../../fakes/fault-mode';
import {
  FAKE_ACCESS_KEY_ID, FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, FAKE_SECRET_ACCESS_KEY, FAKE_USER_ARN, fakeAwsEnv, startAwsFake,
  type AwsFake, type FakeKeyInfo,
} from '../../fakes/aws';
import { awsTestDeps } from '../../fakes/aws/harness';
import { gatewayHarness, type GatewayHarness } from '../principal-harness';

let aws: AwsFake;
let key: FakeKeyInfo;
const harnesses: GatewayHarness[] = [];

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'keywarden-principal' });
});
afterAll(() => aws.close());
afterEach(async () => {
  aws.sts.setFault(PASS);
  for (const h of harnesses.splice(0)) await h.close();
});

function harness(env: Record<string, string | undefined> = fakeAwsEnv(), clock?: ManualClock): GatewayHarness {
  const { clock: _c, dataDir: _d, ...deps } = awsTestDeps({ env });
  const h = gatewayHarness(awsProviderFactory, deps, clock);
  harnesses.push(h);
  return h;
}

async function wrapUnwrap(h: GatewayHarness, config: Record<string, unknown>, tenant = 'tenant-a') {
  const ref = h.ref('aws', key.arn, { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, ...config });
  const secret = randomBytes(32);
  const wrapped = await h.gateway.call(ref, tenant, 1, 'wrap', (p, c) => p.wrap(secret, c));
  await h.gateway.call(ref, tenant, 1, 'unwrap', (p, c) => p.unwrap(wrapped.ciphertext, c));
  return ref;
}

/** What CloudTrail recorded for the engine's KMS calls, by correlation id. */
function trailArnFor(correlationId: string): { arn: string; accessKeyId: string } {
  const rec = aws.events({ eventSource: 'kms.amazonaws.com' }).find((r) => typeof r.userAgent === 'string' && r.userAgent.includes(correlationId));
  expect(rec, `CloudTrail record for ${correlationId}`).toBeDefined();
  const id = rec!.userIdentity as { arn: string; accessKeyId: string };
  return { arn: id.arn, accessKeyId: id.accessKeyId };
}

describe('aws: the engine principal on every kms_calls row', () => {
  it('assumed role: principal is the AssumedRoleUser.Arn, exactly as CloudTrail names the caller; access key id is the ASIA session key', async () => {
    const h = harness();
    const stsBefore = aws.sts.requestCount();
    await wrapUnwrap(h, { role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID });
    const rows = h.rows();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.outcome).toBe('ok');
      expect(r.principal).toBe(`arn:aws:sts::${aws.accountId}:assumed-role/KeywardenKMSAccess/keywarden`);
      expect(r.principal_note).toBe('assumed role');
      expect(r.access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
      const trail = trailArnFor(r.correlation_id);
      expect(r.principal).toBe(trail.arn);
      expect(r.access_key_id).toBe(trail.accessKeyId);
    }
    // AssumeRole only: no GetCallerIdentity is needed when STS already named the session.
    expect(aws.sts.requestCount() - stsBefore).toBe(1);
  });

  it('environment credentials: principal from sts:GetCallerIdentity, asked once per credential set; the AKIA key id is recorded', async () => {
    const h = harness();
    const stsBefore = aws.sts.requestCount();
    await wrapUnwrap(h, {});
    await wrapUnwrap(h, {}, 'tenant-b');
    const rows = h.rows();
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.principal).toBe(FAKE_USER_ARN);
      expect(r.principal_note).toBe('sts:GetCallerIdentity');
      expect(r.access_key_id).toBe(FAKE_ACCESS_KEY_ID);
      expect(trailArnFor(r.correlation_id)).toEqual({ arn: FAKE_USER_ARN, accessKeyId: FAKE_ACCESS_KEY_ID });
    }
    expect(aws.sts.requestCount() - stsBefore).toBe(1);
    // GetCallerIdentity is not key use: it is not a kms_calls row and not a KMS record.
    expect(rows.every((r) => r.operation === 'wrap' || r.operation === 'unwrap')).toBe(true);
  });

  it('GetCallerIdentity refused: the call still runs and is recorded, principal NULL with why', async () => {
    aws.sts.setFault({ kind: 'deny' });
    const h = harness();
    await wrapUnwrap(h, {});
    const rows = h.rows();
    expect(rows.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    for (const r of rows) {
      expect(r.principal).toBeNull();
      expect(r.principal_note).toBe('GetCallerIdentity failed: access denied (AccessDenied)');
      expect(r.access_key_id).toBe(FAKE_ACCESS_KEY_ID);
    }
  });

  it('STS unreachable: principal NULL, the note says unreachable; not asked again on every call, but a minute later', async () => {
    aws.sts.setFault({ kind: 'refuse' });
    const clock = new ManualClock(Date.now());
    const h = harness(fakeAwsEnv(), clock);
    const ref = await wrapUnwrap(h, {});
    for (const r of h.rows()) {
      expect(r.outcome).toBe('ok');
      expect(r.principal).toBeNull();
      expect(r.principal_note).toMatch(/^GetCallerIdentity failed: unreachable/);
    }
    const asked = aws.sts.requestCount();
    aws.sts.setFault(PASS);
    await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
    expect(h.rows().at(-1)!.principal_note).toMatch(/^GetCallerIdentity failed: unreachable/);
    expect(aws.sts.requestCount()).toBe(asked);
    clock.advance(60_000);
    await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
    expect(h.rows().at(-1)).toMatchObject({ principal: FAKE_USER_ARN, principal_note: 'sts:GetCallerIdentity' });
  });

  it('a failed KMS call still carries the principal and access key id of the credentials it was signed with', async () => {
    const denied = aws.createKey({ alias: 'keywarden-principal-denied' });
    aws.setFault({ kind: 'deny' }, denied.arn);
    try {
      const h = harness();
      const ref = h.ref('aws', denied.arn, { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint });
      await expect(h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c))).rejects.toMatchObject({ reason: 'access_denied' });
      const [row] = h.rows();
      expect(row).toMatchObject({ outcome: 'access_denied', principal: FAKE_USER_ARN, principal_note: 'sts:GetCallerIdentity', access_key_id: FAKE_ACCESS_KEY_ID });
    } finally {
      aws.setFault(PASS, denied.arn);
    }
  });

  it('the secret access key and session token never reach a kms_calls row', async () => {
    const h = harness();
    await wrapUnwrap(h, { role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID });
    await wrapUnwrap(h, {});
    const dump = JSON.stringify(h.store.db.prepare('SELECT * FROM kms_calls').all());
    expect(dump).not.toContain(FAKE_SECRET_ACCESS_KEY);
    expect(dump).not.toContain('FwoGZXIvYXdzEFAKE');
  });
});

describe('aws: long-lived credentials are flagged, not refused', () => {
  it('an AKIA key in the environment is flagged with its source', async () => {
    const h = harness();
    const ref = await wrapUnwrap(h, {});
    expect(h.gateway.provider(ref).credentialSource!()).toEqual({ source: 'environment (AWS_ACCESS_KEY_ID)', longLived: true });
  });

  it('an AKIA key used only to assume a role is still flagged; temporary environment credentials are not', () => {
    const h = harness();
    const role = h.gateway.provider(h.ref('aws', key.arn, { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID }));
    expect(role.credentialSource!()).toEqual({ source: `environment (AWS_ACCESS_KEY_ID), assuming role ${FAKE_ROLE_ARN}`, longLived: true });
    const temp = harness({ AWS_ACCESS_KEY_ID: 'ASIAFAKEKEYWARDEN001', AWS_SECRET_ACCESS_KEY: 'x', AWS_SESSION_TOKEN: 'y', AWS_EC2_METADATA_DISABLED: 'true' });
    expect(temp.gateway.provider(temp.ref('aws', key.arn, { region: aws.region })).credentialSource!()).toEqual({ source: 'environment (AWS_ACCESS_KEY_ID)', longLived: false });
  });

  it('an AKIA key in the shared credentials file (profile) is flagged with the file and profile', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-aws-ini-'));
    try {
      const file = path.join(dir, 'credentials');
      fs.writeFileSync(file, `[other]\naws_access_key_id = ASIAOTHER\n\n[ops]\naws_access_key_id = ${FAKE_ACCESS_KEY_ID}\naws_secret_access_key = ${FAKE_SECRET_ACCESS_KEY}\n`);
      const h = harness({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_EC2_METADATA_DISABLED: 'true' });
      const ref = h.ref('aws', key.arn, { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, profile: 'ops' });
      await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
      expect(h.gateway.provider(ref).credentialSource!()).toEqual({ source: `shared credentials file ${file} (profile ops)`, longLived: true });
      expect(h.rows()[0]).toMatchObject({ principal: FAKE_USER_ARN, principal_note: 'sts:GetCallerIdentity', access_key_id: FAKE_ACCESS_KEY_ID });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
