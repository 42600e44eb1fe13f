/**
 * Long-lived credentials picked up from the environment are used, not refused, but flagged
 * wherever the tenant is shown: the onboarding result, the tenant view (API and
 * `tenant show`), and `kms calls` names the engine's principal and the access key id of
 * every call (or "unknown" with why). Keys in the config itself stay refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { PASS as NO_FAULT } from '../fakes/fault-mode';
import { FAKE_ACCESS_KEY_ID, FAKE_USER_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';

const PASS = 'correct horse battery staple';
let aws: AwsFake;
let key: FakeKeyInfo;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-long-lived-'));
const d = ['--data-dir', dir];

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'keywarden-long-lived' });
});
afterAll(async () => {
  await aws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function kw(args: string[], json = true) {
  let out = '';
  let err = '';
  const env = fakeAwsEnv({ KEYWARDEN_PASSPHRASE: PASS });
  const code = await runCli([...args, ...(json ? ['--json'] : [])], { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err, json: <T>() => JSON.parse(out) as T };
}

function configFile(name: string, config: Record<string, unknown>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, ...config } }));
  return file;
}

const WARNING = 'long-lived credentials in use: environment (AWS_ACCESS_KEY_ID)';

describe('AKIA keys from the environment: onboarded, flagged, and every call names its principal', () => {
  it('onboarding succeeds and its result flags the long-lived key, with the principal from GetCallerIdentity', async () => {
    expect((await kw(['init', ...d])).code).toBe(0);
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).code).toBe(0);
    allowEndpoints(dir, aws.endpoint, aws.sts.endpoint);
    const r = await kw(['onboard', '--tenant', 'acme', '--file', configFile('env.json', {}), ...d]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      probe: {
        ok: true,
        principal: FAKE_USER_ARN,
        principal_note: 'sts:GetCallerIdentity',
        access_key_id: FAKE_ACCESS_KEY_ID,
        credentials: { source: 'environment (AWS_ACCESS_KEY_ID)', long_lived: true, warning: WARNING },
      },
      tenant: { credentials: { long_lived: true, warning: WARNING } },
    });
  });

  it('the tenant view says so, in JSON and in `tenant show`', async () => {
    expect((await kw(['tenant', 'show', '--tenant', 'acme', ...d])).json()).toMatchObject({ credentials: { source: 'environment (AWS_ACCESS_KEY_ID)', long_lived: true, warning: WARNING } });
    const human = await kw(['tenant', 'show', '--tenant', 'acme', ...d], false);
    expect(human.code).toBe(0);
    expect(human.out).toContain(`WARNING: ${WARNING}`);
  });

  it('`kms calls` shows each call’s principal, how it was learnt and the access key id; never the secret', async () => {
    const all = (await kw(['kms', 'calls', '--tenant', 'acme', ...d])).json<Array<Record<string, unknown>>>();
    const calls = all.filter((c) => c.provider === 'aws');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    // The embedded key's calls say why they have no cloud principal.
    for (const c of all.filter((x) => x.provider === 'local')) expect(c).toMatchObject({ principal: null, access_key_id: null, principal_note: expect.stringContaining('no cloud principal') as unknown });
    for (const c of calls) expect(c).toMatchObject({ principal: FAKE_USER_ARN, principal_note: 'sts:GetCallerIdentity', access_key_id: FAKE_ACCESS_KEY_ID });
    const human = await kw(['kms', 'calls', '--tenant', 'acme', ...d], false);
    expect(human.out).toMatch(/PRINCIPAL\s+ACCESS KEY/);
    expect(human.out).toContain(FAKE_USER_ARN);
    expect(human.out).not.toContain(fakeAwsEnv().AWS_SECRET_ACCESS_KEY);
  });

  it('when STS refuses GetCallerIdentity, calls still run and `kms calls` says "unknown" and why', async () => {
    // A new credential set (a second user), so the cached answer for the first does not apply.
    aws.sts.addUser({ accessKeyId: 'AKIAFAKEKEYWARDEN002', secretAccessKey: 'second/fake/secret/0000000000000000000', arn: `arn:aws:iam::${aws.accountId}:user/second` });
    aws.sts.setFault({ kind: 'deny' });
    try {
      let out = '';
      const env = fakeAwsEnv({ KEYWARDEN_PASSPHRASE: PASS, AWS_ACCESS_KEY_ID: 'AKIAFAKEKEYWARDEN002', AWS_SECRET_ACCESS_KEY: 'second/fake/secret/0000000000000000000' });
      const code = await runCli(['probe', '--tenant', 'acme', '--file', path.join(dir, 'env.json'), ...d, '--json'], { stdout: (t) => (out += t), stderr: () => undefined, env });
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ ok: true, principal: null, principal_note: 'GetCallerIdentity failed: access denied (AccessDenied)', access_key_id: 'AKIAFAKEKEYWARDEN002' });
    } finally {
      aws.sts.setFault(NO_FAULT);
    }
    const human = await kw(['kms', 'calls', '--tenant', 'acme', ...d], false);
    expect(human.out).toMatch(/unknown \(GetCallerIdentity failed: access denied \(AccessDenied\)\)\s+AKIAFAKEKEYWARDEN002/);
  });

  it('access keys in the config itself are still refused', async () => {
    const r = await kw(['probe', '--tenant', 'acme', '--file', configFile('keys.json', { access_key_id: FAKE_ACCESS_KEY_ID }), ...d]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/access_key_id/);
  });
});
