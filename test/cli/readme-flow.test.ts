import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';

async function kw(args: string[], env: NodeJS.ProcessEnv = { KEYWARDEN_PASSPHRASE: PASS }) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err, json: () => JSON.parse(out) as Record<string, unknown> & unknown[], error: () => (JSON.parse(err) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error };
}

describe('the README walk-through, from the CLI with --json', () => {
  it('init, tenant, seed 1,000, rotate, read, revoke the retired version, audit', async () => {
    const d = ['--data-dir', tempDir(), '--json'];
    expect((await kw(['init', ...d])).json()).toEqual({ initialized: true });
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).json()).toMatchObject({ slug: 'acme', wrap_method: 'local', active_version: 1 });
    expect((await kw(['seed-sample', '--tenant', 'acme', '--rows', '1000', ...d])).json()).toMatchObject({ seeded: 1000, key_version: 1 });
    await kw(['record', 'put', '--tenant', 'acme', '--table', 'secret_environment_configs', '--name', 'db/prod', '--value', 'postgres://x', ...d]);
    const rotated = (await kw(['rotate', '--tenant', 'acme', ...d])).json();
    expect(rotated).toEqual({ rotated: true, new_version: 2, rewrap_lease_id: expect.any(Number) });
    expect((await kw(['record', 'get', '--tenant', 'acme', '--table', 'secret_environment_configs', '--name', 'db/prod', ...d])).json()).toMatchObject({ value: 'postgres://x', key_version: 1 });

    const refused = await kw(['revoke', '--tenant', 'acme', '--version', '1', '--confirm', 'acme', ...d]);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.error()).toMatchObject({ code: 'records_remain', details: { records: 1001 } });

    const revoked = (await kw(['revoke', '--tenant', 'acme', '--version', '1', '--confirm', 'acme', '--force', ...d])).json();
    expect(revoked).toMatchObject({ revoked: true, records_made_unreadable: 1001 });
    expect((await kw(['record', 'get', '--tenant', 'acme', '--table', 'secret_environment_configs', '--name', 'db/prod', ...d])).error().code).toBe('key_version_revoked');

    const audit = (await kw(['audit', 'list', ...d])).json() as unknown as { action: string }[];
    expect(audit.map((e) => e.action).slice(0, 3)).toEqual(['byok.kms.revoke', 'byok.kms.rotate', 'record.created']);
    expect((await kw(['audit', 'list', '--action', 'byok.kms.*', ...d])).json()).toHaveLength(2);
  });

  it('reports errors as JSON on stderr with the stable code and exit 1', async () => {
    const d = ['--data-dir', tempDir(), '--json'];
    const r = await kw(['versions', '--tenant', 'ghost', ...d]);
    expect(r.code).toBe(1);
    expect(r.error()).toMatchObject({ code: 'not_found', message: 'no tenant "ghost"' });
    const bad = await kw(['seed-sample', '--tenant', 'acme', '--rows', 'many', ...d]);
    expect(bad.error()).toMatchObject({ code: 'invalid_input', details: { field: 'rows' } });
    const unknownFlag = await kw(['tenant', 'list', '--colour', 'red', ...d]);
    expect(unknownFlag.error().code).toBe('invalid_input');
    expect((await kw(['frobnicate', ...d])).error().message).toMatch(/unknown command/);
  });

  it('asks for step-up without a passphrase and says how to give one', async () => {
    const dir = tempDir();
    await kw(['init', '--data-dir', dir]);
    await kw(['tenant', 'create', '--slug', 'acme', '--data-dir', dir]);
    const r = await kw(['rotate', '--tenant', 'acme', '--data-dir', dir, '--json'], {});
    expect(r.error()).toMatchObject({ code: 'step_up_required' });
    expect(r.error().message).toMatch(/KEYWARDEN_PASSPHRASE/);
  });

  it('onboards from the seed-shaped JSON file and refuses a raw credential in it', async () => {
    const dir = tempDir();
    const fs = await import('node:fs');
    const file = `${dir}/aws.json`;
    fs.writeFileSync(file, JSON.stringify({ provider: 'aws', kms_key_ref: 'arn:aws:kms:us-east-1:111122223333:key/abcd', config: { region: 'us-east-1', aws_secret_access_key: 'x' } }));
    await kw(['init', '--data-dir', dir]);
    await kw(['tenant', 'create', '--slug', 'acme', '--data-dir', dir]);
    const r = await kw(['onboard', '--tenant', 'acme', '--file', file, '--data-dir', dir, '--json']);
    expect(r.error()).toMatchObject({ code: 'invalid_input', details: { field: 'config.aws_secret_access_key' } });
    expect(r.err).not.toContain('"x"');
  });
});
