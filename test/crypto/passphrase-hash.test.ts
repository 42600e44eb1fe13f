/**
 * The operator passphrase hash: production cost N=2^17, r=8, p=1; stored parameters
 * below the floor are refused rather than trusted; a weaker hash that matches is
 * upgraded on the next successful unlock (through step-up, the only unlock there is).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPassphrase, hashPassphrase, PASSPHRASE_POLICY, storedCost, type PassphrasePolicy } from '../../core/crypto/passphrase';
import { KeywardenError } from '../../core/errors';
import { StepUp } from '../../core/engine/step-up';
import { CALLER, initializedFixture, PASSPHRASE } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

/** A hash written the way an older Keywarden (or an attacker with the database) would. */
function legacyHash(passphrase: string, N: number, r = 8, p = 1): string {
  const salt = randomBytes(16);
  const hash = scryptSync(passphrase.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 256 * 1024 * 1024 });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

describe('passphrase hash cost', () => {
  it('hashes at N=2^17, r=8, p=1 by default (maxmem raised so Node accepts it)', async () => {
    expect(PASSPHRASE_POLICY.cost).toEqual({ N: 131072, r: 8, p: 1 });
    const stored = await hashPassphrase(PASSPHRASE);
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await checkPassphrase(PASSPHRASE, stored)).toEqual({ ok: true, rehash: null });
    expect(await checkPassphrase('not the passphrase', stored)).toEqual({ ok: false, rehash: null });
  }, 30_000);

  it('unlocks a hash from the previous default (N=2^15) once and upgrades it', async () => {
    const old = legacyHash(PASSPHRASE, 2 ** 15);
    const r = await checkPassphrase(PASSPHRASE, old);
    expect(r.ok).toBe(true);
    expect(storedCost(r.rehash!)).toEqual({ N: 131072, r: 8, p: 1 });
    // A wrong passphrase upgrades nothing.
    expect(await checkPassphrase('wrong passphrase!', old)).toEqual({ ok: false, rehash: null });
  }, 30_000);
});

describe('stored parameters are not trusted', () => {
  const refusals: [string, string, RegExp][] = [
    ['N below the floor', legacyHash(PASSPHRASE, 2 ** 14), /N=16384, r=8, p=1, below the floor N=32768/],
    ['N=2 (guessing made free)', legacyHash(PASSPHRASE, 2), /below the floor/],
    ['r below the floor', legacyHash(PASSPHRASE, 2 ** 15, 1), /r=1, p=1, below the floor/],
    ['N not a power of two', 'scrypt$100000$8$1$' + randomBytes(16).toString('base64') + '$' + randomBytes(32).toString('base64'), /N a power of two/],
    ['N absurdly large', 'scrypt$1073741824$8$1$' + randomBytes(16).toString('base64') + '$' + randomBytes(32).toString('base64'), /beyond what Keywarden ever writes/],
    ['another scheme', 'bcrypt$2b$12$abc', /not in the scrypt/],
    ['truncated hash', 'scrypt$32768$8$1$' + randomBytes(16).toString('base64') + '$' + randomBytes(4).toString('base64'), /4-byte hash/],
    ['empty salt', 'scrypt$32768$8$1$$' + randomBytes(32).toString('base64'), /not in the scrypt/],
    ['extra field', 'scrypt$32768$8$1$a$b$c', /not in the scrypt/],
  ];
  for (const [name, stored, reason] of refusals) {
    it(`refuses ${name} without verifying`, async () => {
      const started = performance.now();
      const err = await checkPassphrase(PASSPHRASE, stored).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(KeywardenError);
      expect((err as KeywardenError).code).toBe('database_tampered');
      expect((err as KeywardenError).message).toMatch(reason);
      expect((err as KeywardenError).message).not.toContain(PASSPHRASE);
      expect(performance.now() - started).toBeLessThan(200);
    });
  }

  it('an injected policy sets its own floor', async () => {
    const cheap: PassphrasePolicy = { cost: { N: 2 ** 11, r: 8, p: 1 }, floor: { N: 2 ** 11, r: 8, p: 1 } };
    await expect(checkPassphrase(PASSPHRASE, legacyHash(PASSPHRASE, 2 ** 10), cheap)).rejects.toMatchObject({ code: 'database_tampered' });
  });
});

describe('step-up upgrades a weaker stored hash on the next successful unlock', () => {
  it('re-hashes at the policy cost after a right passphrase, not after a wrong one', async () => {
    const fx = await initializedFixture();
    // An engine whose cost is above the stored hash's (as production's 2^17 is above 2^15).
    const upgrading: PassphrasePolicy = { cost: { N: 2 ** 11, r: 8, p: 1 }, floor: FAST_PASSPHRASE_POLICY.floor };
    const stepUp = new StepUp(fx.kw.ctx.store, fx.clock, undefined, upgrading);
    const old = legacyHash(PASSPHRASE, 2 ** 10);
    fx.kw.ctx.store.setMeta('operator_passphrase_hash', old);

    await expect(stepUp.issue('not the passphrase', 'rotate', 'acme', CALLER)).rejects.toMatchObject({ code: 'step_up_invalid' });
    expect(fx.kw.ctx.store.getMeta('operator_passphrase_hash')).toBe(old);

    await stepUp.issue(PASSPHRASE, 'rotate', 'acme', CALLER);
    const upgraded = fx.kw.ctx.store.getMeta('operator_passphrase_hash')!;
    expect(storedCost(upgraded)).toEqual({ N: 2048, r: 8, p: 1 });
    expect(upgraded).not.toContain(PASSPHRASE);
    // The upgraded hash unlocks, and is not re-hashed again.
    await stepUp.issue(PASSPHRASE, 'revoke', 'acme', CALLER);
    expect(fx.kw.ctx.store.getMeta('operator_passphrase_hash')).toBe(upgraded);
  });

  it('a hash below the floor makes step-up fail with database_tampered, and the hash is left for inspection', async () => {
    const fx = await initializedFixture();
    const weak = legacyHash(PASSPHRASE, 2 ** 4);
    fx.kw.ctx.store.setMeta('operator_passphrase_hash', weak);
    expect(await fx.fail('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' })).toMatchObject({ code: 'database_tampered' });
    expect(fx.kw.ctx.store.getMeta('operator_passphrase_hash')).toBe(weak);
  });
});
