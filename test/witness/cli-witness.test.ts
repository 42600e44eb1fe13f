/**
 * The witness commands from the CLI: `witness add` asks for the passphrase (step-up
 * scoped to the installation) and refuses bad input with the field named, `witness list`
 * and `status` show the state and the last failure, `audit witness` writes now (exit 1
 * when a witness failed), `witness remove` keeps the history; every change is audited.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv } from '../fakes/aws';
import { PASSPHRASE } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { witnessFixture, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
beforeEach(async () => {
  fx = await witnessFixture();
  await fx.closeEngine();
});
afterEach(async () => {
  await fx.dispose();
});

async function cli(args: string[], passphrase: string | undefined = PASSPHRASE) {
  let out = '';
  let err = '';
  const env = fakeAwsEnv(passphrase ? { KEYWARDEN_PASSPHRASE: passphrase } : {});
  const code = await runCli([...args, '--data-dir', fx.dataDir], { stdout: (t) => (out += t), stderr: (t) => (err += t), env, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err, json: <T>() => JSON.parse(out) as T, error: () => (JSON.parse(err) as { error: { code: string; message: string } }).error };
}

describe('keywarden witness', () => {
  it('adds, lists, witnesses, shows a failure in status and removes, each change audited', async () => {
    const empty = await cli(['witness', 'list']);
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('witnesses: none: no witness configured');

    const added = await cli(['witness', 'add', '--kind', 'aws_kms', '--target-ref', fx.witnessKey.arn, '--tenant', 'acme', '--read-endpoint', fx.aws.cloudtrail.endpoint, '--json']);
    expect(added.code).toBe(0);
    const w = added.json<{ id: string; state: string; tenant: string; permission: string }>();
    expect(w).toMatchObject({ state: 'never_run', tenant: 'acme' });
    expect(w.permission).toContain('kms:Encrypt');

    const now = await cli(['audit', 'witness']);
    expect(now.code).toBe(0);
    expect(now.out).toMatch(new RegExp(`${w.id}  ok  .* entries  root .*call [0-9a-f-]{36}`));

    const listed = await cli(['witness', 'list']);
    expect(listed.out).toContain(`${w.id}  aws_kms  AWS KMS Encrypt, recorded by CloudTrail`);
    expect(listed.out).toContain("uses       tenant acme's onboarded config and credentials");
    expect(listed.out).toContain('witnesses: ok: last witnessed');

    fx.aws.setFault({ kind: 'deny' }, fx.witnessKey.arn);
    const denied = await cli(['audit', 'witness']);
    expect(denied.code).toBe(1);
    expect(denied.out).toContain('FAILED');
    expect(denied.out).toContain('access_denied');
    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/witnesses: FAILING: 1 witness failing \(aws_kms: access_denied\)/);
    const statusJson = await cli(['status', '--json']);
    expect(statusJson.json<{ witness: { state: string } }>().witness.state).toBe('failing');
    expect((await cli(['witness', 'list'])).out).toContain('last run   FAILED');

    const removed = await cli(['witness', 'remove', '--id', w.id]);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain(`witness ${w.id} removed`);
    const log = (await cli(['audit', 'list', '--action', 'witness.', '--json'])).json<{ action: string; payload: Record<string, unknown> }[]>();
    expect(log.map((e) => e.action)).toEqual(['witness.removed', 'witness.added']);
    expect(log[1]!.payload).toMatchObject({ kind: 'aws_kms', target: `…${fx.witnessKey.arn.slice(-12)}`, uses: 'tenant config' });
  });

  it('needs the passphrase to add or remove a witness', async () => {
    const wrong = await cli(['witness', 'add', '--kind', 'aws_kms', '--target-ref', fx.witnessKey.arn, '--tenant', 'acme', '--json'], 'not the passphrase at all');
    expect(wrong.code).toBe(1);
    expect(wrong.error().code).toBe('step_up_invalid');
    expect((await cli(['witness', 'list', '--json'])).json<{ witnesses: unknown[] }>().witnesses).toEqual([]);
  });

  it('takes its own config from a file, and refuses bad input naming the field', async () => {
    const file = path.join(fx.dataDir, 'witness-config.json');
    const own = { region: fx.aws.region, endpoint: fx.aws.endpoint, sts_endpoint: fx.aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID };
    fs.writeFileSync(file, JSON.stringify(own));
    const ok = await cli(['witness', 'add', '--kind', 'aws_kms', '--target-ref', fx.witnessKey.arn, '--config-file', file, '--read-endpoint', fx.aws.cloudtrail.endpoint, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json<{ config: Record<string, unknown>; tenant: null }>()).toMatchObject({ tenant: null, config: own });
    expect((await cli(['audit', 'witness', '--json'])).json<{ runs: { state: string }[] }>().runs.map((r) => r.state)).toEqual(['ok']);

    const cases: [string[], string, RegExp][] = [
      [['--kind', 'aws_kms', '--target-ref', fx.witnessKey.arn, '--tenant', 'acme'], 'conflict', /exists already/],
      [['--kind', 'oci_vault', '--target-ref', 'x', '--tenant', 'acme'], 'invalid_input', /kind/],
      [['--kind', 'aws_kms', '--target-ref', 'not-an-arn', '--tenant', 'acme'], 'invalid_input', /^target_ref: /],
      [['--kind', 'aws_kms', '--target-ref', fx.tenantKey.arn], 'invalid_input', /^tenant: give tenant/],
      [['--kind', 'aws_kms', '--target-ref', fx.tenantKey.arn, '--tenant', 'acme', '--config-file', file], 'invalid_input', /^config: give either tenant/],
      [['--kind', 'aws_kms', '--target-ref', fx.tenantKey.arn, '--tenant', 'nobody'], 'not_found', /no tenant "nobody"/],
      [['--kind', 'aws_kms', '--target-ref', fx.tenantKey.arn, '--tenant', 'acme', '--read-endpoint', 'http://127.0.0.1:9/'], 'endpoint_not_allowed', /read_endpoint: http:\/\/127\.0\.0\.1:9 is not a aws-cloudtrail endpoint/],
      [['--kind', 'aws_kms', '--target-ref', fx.tenantKey.arn.replace('us-east-1', 'eu-west-1'), '--tenant', 'acme'], 'invalid_input', /^config\.region: /],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(['witness', 'add', ...args, '--json']);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.error().code, args.join(' ')).toBe(code);
      expect(r.error().message, args.join(' ')).toMatch(message);
    }
    // A static key in a witness's own config is refused as onboarding refuses it; nothing is stored.
    fs.writeFileSync(file, JSON.stringify({ ...own, access_key_id: 'AKIAEXAMPLEEXAMPLE00', secret_access_key: 'x'.repeat(40) }));
    const creds = await cli(['witness', 'add', '--kind', 'aws_kms', '--target-ref', fx.tenantKey.arn, '--config-file', file, '--json']);
    expect(creds.code).toBe(1);
    expect(creds.error().code).toBe('invalid_input');
    expect(creds.err).not.toContain('x'.repeat(40));
    expect((await cli(['witness', 'list', '--json'])).json<{ witnesses: unknown[] }>().witnesses).toHaveLength(1);
  });
});
