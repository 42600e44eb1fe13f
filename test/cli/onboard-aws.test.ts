/**
 * Onboarding a customer's AWS KMS key from the CLI with the seed-shaped JSON file, against
 * the wire-level AWS fake through the real SDK: the probe runs as the assumed role, the
 * tenant moves to customer_kms/aws, `kms calls` lists the probe with correlation ids that
 * CloudTrail carries back in the user agent, and a revoked grant is refused as
 * access_denied with AWS's own code while the saved config stays unchanged.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';
let aws: AwsFake;
let key: FakeKeyInfo;
let deniedKey: FakeKeyInfo;
// One data dir for the whole walk-through (the fixture's temp dirs vanish after each test).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-aws-'));

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'keywarden-cli' });
  deniedKey = aws.createKey({ alias: 'keywarden-cli-denied' });
  aws.setFault({ kind: 'deny' }, deniedKey.arn);
});
afterAll(async () => {
  await aws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface CliError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

async function kw(args: string[]) {
  let out = '';
  let err = '';
  // The default credential chain finds the fake operator's keys here, and only here.
  const env = fakeAwsEnv({ KEYWARDEN_PASSPHRASE: PASS });
  const code = await runCli([...args, '--json'], { stdout: (t) => (out += t), stderr: (t) => (err += t), env, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err, json: <T>() => JSON.parse(out) as T, error: () => (JSON.parse(err) as { error: CliError }).error };
}

/** The seeds' onboarding shape, as an operator would save it next to the key's IaC. */
function configFile(dir: string, name: string, keyArn: string): string {
  const file = path.join(dir, name);
  const doc = {
    provider: 'aws',
    kms_key_ref: keyArn,
    config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint },
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

interface KmsCall {
  operation: string;
  provider: string;
  outcome: string;
  correlation_id: string;
  principal: string | null;
  key_version: number;
  error_message: string | null;
}

describe('onboard an AWS KMS key from the CLI (fake AWS, real SDK)', () => {
  const d = ['--data-dir', dir];

  it('sets up a tenant on the embedded KMS', async () => {
    expect((await kw(['init', ...d])).code).toBe(0);
    allowEndpoints(dir, aws.endpoint, aws.sts.endpoint);
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).json()).toMatchObject({ slug: 'acme', wrap_method: 'local' });
  });

  it('probe --file: wraps and unwraps as the assumed role, saves nothing', async () => {
    const r = await kw(['probe', '--tenant', 'acme', '--file', configFile(dir, 'aws.json', key.arn), ...d]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, provider: 'aws', key_id: `…${key.arn.slice(-12)}`, principal: expect.stringMatching(/^arn:aws:sts::111122223333:assumed-role\/KeywardenKMSAccess\//) });
    expect((await kw(['tenant', 'show', '--tenant', 'acme', ...d])).json()).toMatchObject({ wrap_method: 'local' });
  });

  it('onboard --file: the tenant is now customer_kms on AWS with a new master key version', async () => {
    const r = await kw(['onboard', '--tenant', 'acme', '--file', path.join(dir, 'aws.json'), ...d]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ new_version: 2, probe: { ok: true, provider: 'aws' } });
    const tenant = (await kw(['tenant', 'show', '--tenant', 'acme', ...d])).json<Record<string, unknown>>();
    expect(tenant).toMatchObject({ wrap_method: 'customer_kms', provider: 'aws', kms_key_ref: key.arn, customer_controlled: true, active_version: 2 });
    // The stored config is the validated one: no credential value, endpoints kept.
    expect(tenant.config).toEqual({ region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint });
    expect(JSON.stringify(tenant)).not.toMatch(/fakeSecret|AKIA/);
  });

  it('kms calls shows the probe, and CloudTrail carries each correlation id back', async () => {
    const calls = (await kw(['kms', 'calls', '--tenant', 'acme', ...d])).json<KmsCall[]>();
    const probes = calls.filter((c) => c.operation === 'probe_wrap' || c.operation === 'probe_unwrap');
    // Two probes (probe, then onboard's own probe), each a wrap and an unwrap.
    expect(probes.filter((c) => c.operation === 'probe_wrap')).toHaveLength(2);
    expect(probes.filter((c) => c.operation === 'probe_unwrap')).toHaveLength(2);
    expect(probes.every((c) => c.provider === 'aws' && c.outcome === 'ok' && c.key_version === 0)).toBe(true);
    expect(probes.every((c) => /assumed-role\/KeywardenKMSAccess\//.test(c.principal ?? ''))).toBe(true);
    expect(calls.some((c) => c.operation === 'wrap' && c.key_version === 2 && c.outcome === 'ok')).toBe(true);
    const trail = aws.events({ eventSource: 'kms.amazonaws.com' });
    for (const c of probes) {
      const record = trail.find((e) => e.userAgent.includes(`keywarden-cid/${c.correlation_id}`));
      expect(record, c.correlation_id).toBeDefined();
      expect(record!.eventName).toBe(c.operation === 'probe_wrap' ? 'Encrypt' : 'Decrypt');
      expect(record!.requestParameters).toMatchObject({ keyId: key.arn, encryptionContext: { 'keywarden:key_version': '0' } });
    }
  });

  it('a key the role may not use: probe_failed with access_denied and AWS’s code; nothing changes', async () => {
    const r = await kw(['onboard', '--tenant', 'acme', '--file', configFile(dir, 'denied.json', deniedKey.arn), ...d]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const e = r.error();
    expect(e).toMatchObject({ code: 'probe_failed', details: { step: 'wrap', reason: 'access_denied', provider: 'aws', provider_code: 'AccessDeniedException' } });
    expect(e.message).toContain('AccessDeniedException');
    expect(r.err).not.toMatch(/fakeSecret|AKIA[A-Z0-9]{16}|ASIA[A-Z0-9]{16}/);
    expect((await kw(['tenant', 'show', '--tenant', 'acme', ...d])).json()).toMatchObject({ provider: 'aws', kms_key_ref: key.arn, active_version: 2 });
    const calls = (await kw(['kms', 'calls', '--tenant', 'acme', ...d])).json<KmsCall[]>();
    const refused = calls.filter((c) => c.outcome === 'access_denied');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ operation: 'probe_wrap', provider: 'aws' });
    expect(refused[0]!.error_message).toContain('AccessDeniedException');
  });

  it('STS refusing AssumeRole: probe_failed names sts:AssumeRole and what to check, not KMS Encrypt', async () => {
    aws.sts.setFault({ kind: 'deny' });
    try {
      const r = await kw(['probe', '--tenant', 'acme', '--file', path.join(dir, 'aws.json'), ...d]);
      expect(r.code).toBe(1);
      const e = r.error();
      expect(e).toMatchObject({ code: 'probe_failed', details: { step: 'wrap', reason: 'access_denied', provider: 'aws', provider_code: 'AccessDenied', failed_call: 'sts:AssumeRole' } });
      expect(e.message).toMatch(/^probe failed at wrap: aws access_denied — AWS STS AssumeRole failed: access denied \(AccessDenied\)/);
      expect(e.message).toMatch(/external id.*trust policy/);
      expect(e.message).not.toContain('KMS Encrypt');
    } finally {
      aws.sts.setFault({ kind: 'pass' });
    }
    // The human form says the same on one line.
    aws.sts.setFault({ kind: 'deny' });
    try {
      let err = '';
      const code = await runCli(['probe', '--tenant', 'acme', '--file', path.join(dir, 'aws.json'), ...d], { stdout: () => {}, stderr: (t) => (err += t), env: fakeAwsEnv({ KEYWARDEN_PASSPHRASE: PASS }), passphrasePolicy: FAST_PASSPHRASE_POLICY });
      expect(code).toBe(1);
      expect(err).toMatch(/error \[probe_failed\]: probe failed at wrap: aws access_denied — AWS STS AssumeRole failed/);
    } finally {
      aws.sts.setFault({ kind: 'pass' });
    }
  });
});
