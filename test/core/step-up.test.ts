import { describe, expect, it } from 'vitest';
import { initializedFixture, makeFixture, PASSPHRASE } from '../support/engine-fixture';

describe('step-up windows on the injected clock', () => {
  it.each([
    ['rotate', 5 * 60_000],
    ['unseal', 2 * 60_000],
    ['revoke', 2 * 60_000],
  ] as const)('%s token lives %i ms and not a millisecond more', async (purpose, windowMs) => {
    const fx = await initializedFixture();
    const t = await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose });
    expect(Date.parse(t.expires_at) - fx.clock.now()).toBe(windowMs);
    fx.clock.advance(windowMs - 1);
    expect(() => fx.kw.ctx.stepUp.require(t.token, purpose)).not.toThrow();
    fx.clock.advance(1);
    expect(() => fx.kw.ctx.stepUp.require(t.token, purpose)).toThrow(/expired/);
  });

  it('refuses a wrong passphrase, a token for another purpose, and a made-up token', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('auth.stepUp', { passphrase: 'not the passphrase', purpose: 'rotate' })).toMatchObject({ code: 'step_up_invalid', status: 401 });
    const revoke = await fx.stepUp('revoke');
    expect(() => fx.kw.ctx.stepUp.require(revoke, 'rotate')).toThrow(/issued for revoke/);
    expect(() => fx.kw.ctx.stepUp.require('forged', 'rotate')).toThrow(/unknown/);
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
