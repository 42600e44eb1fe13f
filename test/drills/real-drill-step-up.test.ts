/**
 * A real drill (agents get real sessions, the real tenant seals when the operator
 * revokes access) needs a step-up for the purpose `drill` on that tenant; a simulated
 * one does not. Parameters are checked before the token is spent. The window can start
 * one without waiting (wait: false) and stop it with drill.cancel.
 */
import { describe, expect, it } from 'vitest';
import { isWindowMethod } from '../../core/api/window-reach';
import { drillService } from '../../core/drills/service';
import { runCli } from '../../main/cli/run';
import { initializedFixture, tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

describe('real drill safeguards', () => {
  it('refuses a real drill without a drill step-up, with one for another purpose or tenant, and runs with one', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
    const real = { tenant: 'acme', scenario: 'deny' as const, real: true, poll_interval: 60, duration: 600, wait: false };
    expect(await fx.fail('drill.run', real)).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('drill.run', { ...real, step_up_token: await fx.stepUp('unseal', 'acme') })).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('drill.run', { ...real, step_up_token: await fx.stepUp('drill', 'globex') })).toMatchObject({ code: 'step_up_required' });
    // A bad parameter is named first; the token is not spent on it.
    const token = await fx.stepUp('drill', 'acme');
    expect(await fx.fail('drill.run', { ...real, kill_after: 5, step_up_token: token })).toMatchObject({ code: 'invalid_input', details: { field: 'kill_after' } });
    const started = await fx.call('drill.run', { ...real, step_up_token: token });
    expect(started).toMatchObject({ kind: 'real', state: 'running', tenant: 'acme' });
    // The token was single-use.
    expect(await fx.fail('drill.run', { ...real, step_up_token: token })).toMatchObject({ code: expect.stringMatching(/^step_up_/) });
    const cancelled = await fx.call('drill.cancel', { id: started.id });
    expect(cancelled.id).toBe(started.id);
    await drillService(fx.kw).settle();
    expect((await fx.call('drill.show', { id: started.id })).state).toBe('cancelled');
    // Simulated drills need none.
    expect((await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny', agents: 0 })).code).toBe('invalid_input');
  });

  it('the window reaches drill.run and drill.cancel', () => {
    expect(isWindowMethod('drill.run')).toBe(true);
    expect(isWindowMethod('drill.cancel')).toBe(true);
  });

  it('the CLI asks for the passphrase for --real only', async () => {
    const dir = tempDir();
    const run = async (args: string[], env: Record<string, string> = { KEYWARDEN_PASSPHRASE: 'correct horse battery staple' }) => {
      let out = '';
      let err = '';
      const code = await runCli([...args, '--data-dir', dir, '--json'], { stdout: (t) => (out += t), stderr: (t) => (err += t), env, passphrasePolicy: FAST_PASSPHRASE_POLICY });
      return { code, out, err };
    };
    expect((await run(['init'])).code).toBe(0);
    expect((await run(['tenant', 'create', '--slug', 'acme'])).code).toBe(0);
    // No passphrase at hand and no terminal: the real drill cannot get its step-up.
    const refused = await run(['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--real', '--duration', '1', '--poll-interval', '1'], {});
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/passphrase/i);
    const ran = await run(['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--real', '--duration', '1', '--poll-interval', '1']);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.out)).toMatchObject({ kind: 'real', state: 'done' });
    // A simulated drill asks no step-up; on a local tenant it still opens the sealed local
    // key, so without the passphrase it says how to unlock, and with it it runs.
    const locked = await run(['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--agents', '2'], {});
    expect(locked.code).not.toBe(0);
    expect(locked.out + locked.err).toMatch(/secrets_locked/);
    const simulated = await run(['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--agents', '2']);
    expect(simulated.code).toBe(0);
  });
});
