import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';

async function kw(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: PASS }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

describe('the sealing and drills README commands', () => {
  it('issue a session, inject and clear a fault, run, list and show a drill, and get 409 from unseal', async () => {
    const d = ['--data-dir', tempDir()];
    await kw(['init', ...d]);
    await kw(['tenant', 'create', '--slug', 'acme', ...d]);
    await kw(['seed-sample', '--tenant', 'acme', '--rows', '50', ...d]);
    const session = JSON.parse((await kw(['session', 'issue', '--tenant', 'acme', '--agent', 'billing-1', '--json', ...d])).out);
    expect(session).toMatchObject({ agent: 'billing-1', ttl_s: 3600, renew_after_s: 240 });
    expect(JSON.parse((await kw(['session', 'check', '--token', session.token, '--json', ...d])).out)).toMatchObject({ valid: true });

    expect(JSON.parse((await kw(['fault', 'set', '--tenant', 'acme', '--mode', 'latency', '--latency-ms', '5', '--json', ...d])).out)).toMatchObject({ mode: 'latency', latency_ms: 5 });
    expect(JSON.parse((await kw(['status', '--json', ...d])).out).drill_faults).toEqual([expect.objectContaining({ tenant: 'acme', mode: 'latency' })]);
    const bad = await kw(['fault', 'set', '--tenant', 'acme', '--mode', 'flaky', '--json', ...d]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.err).error).toMatchObject({ code: 'invalid_input', details: { field: 'probability' } });
    await kw(['fault', 'set', '--tenant', 'acme', '--mode', 'pass', ...d]);

    const run = await kw(['drill', 'run', '--tenant', 'acme', '--scenario', 'partition', '--agents', '6', '--restore-after', '2h', '--json', ...d]);
    expect(run.code).toBe(0);
    const drill = JSON.parse(run.out);
    // The headline figures sit at the top level too, for `jq .time_to_seal_s`.
    for (const f of ['time_to_seal_s', 'sessions_refused', 'time_to_unseal_s', 'records_checked', 'records_lost', 'sealed_within_bound']) expect(drill[f]).toEqual(drill.result[f]);
    expect(drill.result).toMatchObject({ sealed_within_bound: true, sessions_issued_while_sealed: 0, unsealed_within_bound: true, records_checked: 50, records_lost: 0 });
    expect(drill.result.sessions_refused).toBeGreaterThan(0);
    expect(drill.params).toMatchObject({ restore_after_s: 7200 });

    const human = await kw(['drill', 'show', '--id', drill.id, ...d]);
    expect(human.out).toMatch(/time to seal: +\d+ s \(bound 3600 s: within\)/);
    expect(human.out).toMatch(/records: +50 checked, 0 lost/);
    expect((await kw(['drill', 'list', ...d])).out).toContain(drill.id);

    const unseal = await kw(['unseal', '--tenant', 'acme', '--json', ...d]);
    expect(unseal.code).toBe(1);
    expect(JSON.parse(unseal.err).error).toMatchObject({ code: 'not_sealed', status: 409 });
  });
});
