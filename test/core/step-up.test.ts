import { describe, expect, it } from 'vitest';
import { dispatch } from '../../core/api/dispatch';
import { STEP_UP_WINDOW_MS } from '../../core/engine/step-up';
import { CALLER, initializedFixture, makeFixture, PASSPHRASE } from '../support/engine-fixture';

describe('step-up windows on the injected clock', () => {
  it.each(Object.entries(STEP_UP_WINDOW_MS) as [keyof typeof STEP_UP_WINDOW_MS, number][])('%s token lives %i ms and not a millisecond more', async (purpose, windowMs) => {
    const fx = await initializedFixture();
    const live = await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant: 'acme' });
    expect(Date.parse(live.expires_at) - fx.clock.now()).toBe(windowMs);
    fx.clock.advance(windowMs - 1);
    expect(() => fx.kw.ctx.stepUp.require(live.token, purpose, 'acme', CALLER)).not.toThrow();
    const late = await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant: 'acme' });
    fx.clock.advance(windowMs);
    expect(() => fx.kw.ctx.stepUp.require(late.token, purpose, 'acme', CALLER)).toThrow(/expired/);
  });

  it('keeps the seeds: rotate 5 minutes, unseal and revoke 2', () => {
    expect([STEP_UP_WINDOW_MS.rotate, STEP_UP_WINDOW_MS.unseal, STEP_UP_WINDOW_MS.revoke]).toEqual([300_000, 120_000, 120_000]);
  });

  it('refuses a wrong passphrase, a token for another purpose, and a made-up token', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('auth.stepUp', { passphrase: 'not the passphrase', purpose: 'rotate', tenant: 'acme' })).toMatchObject({ code: 'step_up_invalid', status: 401 });
    const revoke = await fx.stepUp('revoke');
    expect(() => fx.kw.ctx.stepUp.require(revoke, 'rotate', 'acme', CALLER)).toThrow(/issued for revoke/);
    expect(() => fx.kw.ctx.stepUp.require('forged', 'rotate', 'acme', CALLER)).toThrow(/unknown/);
  });

  it('sets the passphrase once, as a slow hash, and refuses short ones', async () => {
    const fx = makeFixture();
    expect(await fx.fail('auth.init', { passphrase: 'short' })).toMatchObject({ code: 'invalid_input', details: { field: 'passphrase' } });
    await fx.call('auth.init', { passphrase: PASSPHRASE });
    expect(await fx.fail('auth.init', { passphrase: PASSPHRASE })).toMatchObject({ code: 'already_initialized' });
    const stored = fx.kw.ctx.store.getMeta('operator_passphrase_hash')!;
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/); // the fixture's cheap policy; production cost: test/crypto/passphrase-hash.test.ts
    expect(stored).not.toContain(PASSPHRASE);
  });
});

describe('a step-up token is single-use and bound to its purpose, tenant and caller', () => {
  it('a rotate token rotates once: not twice, and not a second tenant', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
    const token = await fx.stepUp('rotate', 'acme');
    expect(await fx.fail('keys.rotate', { tenant: 'globex', step_up_token: token })).toMatchObject({ code: 'step_up_required' });
    const again = await fx.stepUp('rotate', 'acme');
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: again });
    expect(await fx.fail('keys.rotate', { tenant: 'acme', step_up_token: again })).toMatchObject({ code: 'step_up_required', message: expect.stringMatching(/already used/) });
    expect((await fx.call('keys.versions', { tenant: 'globex' })).length).toBe(1);
    expect((await fx.call('keys.versions', { tenant: 'acme' })).length).toBe(2);
  });

  it('a token presented for another tenant is spent, so it cannot then be used for its own', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
    const token = await fx.stepUp('rotate', 'acme');
    expect(await fx.fail('keys.rotate', { tenant: 'globex', step_up_token: token })).toMatchObject({ message: expect.stringMatching(/issued for tenant "acme"/) });
    expect(await fx.fail('keys.rotate', { tenant: 'acme', step_up_token: token })).toMatchObject({ code: 'step_up_required' });
  });

  it('a token issued to one caller is refused to another', async () => {
    const fx = await initializedFixture();
    const token = await fx.stepUp('rotate');
    const other = await dispatch(fx.handlers, 'keys.rotate', { tenant: 'acme', step_up_token: token }, { actor: 'mallory@elsewhere', address: '127.0.0.1' });
    expect(other).toMatchObject({ ok: false, error: { code: 'step_up_required', message: expect.stringMatching(/another caller/) } });
  });
});

describe('failed passphrase checks are audited and throttled', () => {
  it('five wrong passphrases in 15 minutes: each audited without the secret, then a wait that grows, named in seconds', async () => {
    const fx = await initializedFixture();
    const wrong = 'wrong passphrase, guess number';
    for (let i = 1; i <= 5; i++) {
      const err = await fx.fail('auth.stepUp', { passphrase: `${wrong} ${i}`, purpose: 'rotate', tenant: 'acme' });
      expect(err.code).toBe('step_up_invalid');
      fx.clock.advance(1000);
    }
    const entries = await fx.call('audit.list', { action: 'auth.stepup.failed' });
    expect(entries).toHaveLength(5);
    expect(JSON.stringify(entries)).not.toContain(wrong);
    expect(entries[0]!.payload).toMatchObject({ purpose: 'rotate', tenant: 'acme', failures_in_window: 5, retry_after_s: 30 });

    // Even the right passphrase waits: the throttle is checked before the passphrase.
    const throttled = await fx.fail('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' });
    expect(throttled).toMatchObject({ code: 'step_up_throttled', status: 429, details: { retry_after_s: 29 } });
    expect(throttled.message).toMatch(/wait 29 s/);

    fx.clock.advance(29_000);
    expect(await fx.fail('auth.stepUp', { passphrase: 'sixth wrong try', purpose: 'rotate', tenant: 'acme' })).toMatchObject({ code: 'step_up_invalid', details: { retry_after_s: 60 } });
    expect(await fx.fail('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' })).toMatchObject({ code: 'step_up_throttled', details: { retry_after_s: 60 } });
    fx.clock.advance(60_000);
    await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' });
    // A success clears the count: the next wrong passphrase starts over.
    expect(await fx.fail('auth.stepUp', { passphrase: 'wrong again', purpose: 'rotate', tenant: 'acme' })).toMatchObject({ details: { retry_after_s: 0 } });
  });

  it('the count survives a new process (the CLI runs one per command)', async () => {
    const fx = await initializedFixture();
    for (let i = 0; i < 5; i++) await fx.fail('auth.stepUp', { passphrase: `wrong ${i}`, purpose: 'unseal', tenant: 'acme' });
    const reopened = fx.reopen();
    expect(await reopened.fail('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'unseal', tenant: 'acme' })).toMatchObject({ code: 'step_up_throttled' });
  });

  it('failures older than 15 minutes no longer count', async () => {
    const fx = await initializedFixture();
    for (let i = 0; i < 4; i++) await fx.fail('auth.stepUp', { passphrase: `wrong ${i}`, purpose: 'rotate', tenant: 'acme' });
    fx.clock.advance(15 * 60_000 + 1);
    expect(await fx.fail('auth.stepUp', { passphrase: 'wrong 5', purpose: 'rotate', tenant: 'acme' })).toMatchObject({ code: 'step_up_invalid', details: { retry_after_s: 0 } });
  });
});

describe('step-up guards every method that lets plaintext out or changes who holds the keys', () => {
  it('record.get, record.delete, session.issue and fault.set (outside the sandbox) refuse without a token and work with one', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'n1', value: 'v1' });
    expect(await fx.fail('record.get', { tenant: 'acme', table: 'integration_configs', name: 'n1' })).toMatchObject({ code: 'step_up_required' });
    expect((await fx.call('record.get', { tenant: 'acme', table: 'integration_configs', name: 'n1', step_up_token: await fx.stepUp('record_read') })).value).toBe('v1');
    expect(await fx.fail('session.issue', { tenant: 'acme' })).toMatchObject({ code: 'step_up_required' });
    await fx.call('session.issue', { tenant: 'acme', step_up_token: await fx.stepUp('session') });
    expect(await fx.fail('fault.set', { tenant: 'acme', mode: 'deny' })).toMatchObject({ code: 'step_up_required' });
    await fx.call('fault.set', { tenant: 'acme', mode: 'pass', step_up_token: await fx.stepUp('fault') });
    expect(await fx.fail('record.delete', { tenant: 'acme', table: 'integration_configs', name: 'n1' })).toMatchObject({ code: 'step_up_required' });
    await fx.call('record.delete', { tenant: 'acme', table: 'integration_configs', name: 'n1', step_up_token: await fx.stepUp('record_delete') });
  });

  it('fault.set on the local drill sandbox needs no step-up', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'sandbox', wrap: 'local' });
    expect((await fx.call('fault.set', { tenant: 'sandbox', mode: 'deny' })).mode).toBe('deny');
  });
});
