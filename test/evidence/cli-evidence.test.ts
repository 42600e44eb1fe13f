/**
 * `keywarden evidence fetch` and `evidence crosscheck --from --to` from the CLI, against the
 * AWS fake with the default credential chain (env keys): matched calls, then a rogue
 * Decrypt raises the ALARM line and shows under --class provider_only.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';
let aws: AwsFake;
let key: FakeKeyInfo;

async function kw(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: PASS, ...fakeAwsEnv() }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'cli-evidence' });
});
afterAll(async () => aws?.close());

describe('evidence from the CLI', () => {
  it('fetches CloudTrail, cross-checks a period and raises the alarm for a rogue Decrypt', async () => {
    const dir = tempDir();
    const d = ['--data-dir', dir];
    expect((await kw(['init', ...d])).code).toBe(0);
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).code).toBe(0);
    allowEndpoints(dir, aws.endpoint, aws.cloudtrail.endpoint);
    const cfg = path.join(dir, 'aws.json');
    fs.writeFileSync(cfg, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }));
    expect((await kw(['onboard', '--tenant', 'acme', '--file', cfg, ...d])).code).toBe(0);
    const set = await kw(['evidence', 'settings', '--tenant', 'acme', '--aws-cloudtrail-endpoint', aws.cloudtrail.endpoint, '--json', ...d]);
    expect(JSON.parse(set.out)).toMatchObject({ aws_cloudtrail_endpoint: aws.cloudtrail.endpoint, aws_delivery_delay_minutes: 15 });

    const fetched = await kw(['evidence', 'fetch', ...d]);
    expect(fetched.code).toBe(0);
    expect(fetched.out).toMatch(/acme\s+aws\s+…\S+\s+done/);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = () => new Date(Date.now() + 1000).toISOString();
    const clean = await kw(['evidence', 'crosscheck', '--from', from, '--to', to(), ...d]);
    expect(clean.out).toMatch(/matched\s+[1-9]/);
    expect(clean.out).not.toMatch(/ALARM/);

    aws.cloudtrail.inject(key.arn);
    await kw(['evidence', 'fetch', ...d]);
    const alarmed = await kw(['evidence', 'crosscheck', '--from', from, '--to', to(), ...d]);
    expect(alarmed.out).toMatch(/provider_only\s+1/);
    expect(alarmed.out).toMatch(/ALARM: 1 key use/);
    const rows = await kw(['evidence', 'results', '--class', 'provider_only', '--json', ...d]);
    expect((JSON.parse(rows.out) as { rows: { provider_principal: string }[] }).rows[0]!.provider_principal).toContain('SomeoneElse');

    const bad = await kw(['evidence', 'crosscheck', '--from', to(), '--to', from, '--json', ...d]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.err)).toMatchObject({ error: { code: 'invalid_input', details: { field: 'to' } } });
  });
});
