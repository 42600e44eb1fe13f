import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGlobalKey, GLOBAL_KEY_ENV } from '../../core/providers/global';
import { LOCAL_KEY_FILE } from '../../core/providers/local';
import { initializedFixture, makeFixture, PASSPHRASE } from '../support/engine-fixture';

describe('local provider', () => {
  it('keeps its 32-byte key sealed under the passphrase, owner-only, never as a plain file', async () => {
    const fx = await initializedFixture();
    const sealed = path.join(fx.dataDir, `${LOCAL_KEY_FILE}.sealed`);
    if (process.platform !== 'win32') expect(fs.statSync(sealed).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(fx.dataDir, LOCAL_KEY_FILE))).toBe(false);
    const key = fx.kw.secrets.get(LOCAL_KEY_FILE);
    expect(key.length).toBe(32);
    expect(fs.readFileSync(sealed).includes(key)).toBe(false);
    const tenant = await fx.call('tenant.show', { tenant: 'acme' });
    expect(tenant).toMatchObject({ wrap_method: 'local', customer_controlled: false });
  });

  it('refuses to wrap or unwrap before the unlock, recording no call and sealing nothing', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'a', value: 'v' });
    await fx.kw.close();
    const again = fx.reopen();
    const calls = again.kw.ctx.store.listKmsCalls({ limit: 1000 }).length;
    const err = await again.fail('tenant.create', { slug: 'other' });
    expect(err).toMatchObject({ code: 'secrets_locked', status: 423, message: expect.stringContaining('KEYWARDEN_PASSPHRASE') });
    expect(await again.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'b', value: 'v' })).toMatchObject({ code: 'secrets_locked' });
    expect(again.kw.ctx.store.listKmsCalls({ limit: 1000 })).toHaveLength(calls);
    expect((await again.call('tenant.show', { tenant: 'acme' })).sealed_since).toBeNull();
    expect(await again.call('tenant.list', {})).toHaveLength(1);
  });
});

describe('global provider (MASTER_KEY_B64)', () => {
  it.each([
    [{}, /is not set/],
    [{ [GLOBAL_KEY_ENV]: 'not base64!!' }, /not valid base64/],
    [{ [GLOBAL_KEY_ENV]: Buffer.alloc(16).toString('base64') }, /decodes to 16 bytes; it must decode to exactly 32/],
  ])('says why %j cannot be used', (env, reason) => {
    expect(() => decodeGlobalKey(env)).toThrow(reason);
  });

  it('never echoes the variable value in an error', () => {
    const value = Buffer.alloc(20, 9).toString('base64');
    try {
      decodeGlobalKey({ [GLOBAL_KEY_ENV]: value });
    } catch (e) {
      expect((e as Error).message).not.toContain(value);
    }
  });

  it('creates a tenant under a valid key, and refuses to when the key is missing', async () => {
    const fx = makeFixture({ env: { [GLOBAL_KEY_ENV]: Buffer.alloc(32, 1).toString('base64') } });
    await fx.call('auth.init', { passphrase: PASSPHRASE });
    const t = await fx.call('tenant.create', { slug: 'plat', wrap: 'global' });
    expect(t).toMatchObject({ wrap_method: 'global', kms_key_ref: 'env:MASTER_KEY_B64' });
    await fx.call('record.put', { tenant: 'plat', table: 'integration_configs', name: 'n', value: 'v' });

    const bare = makeFixture({ env: {} });
    const err = await bare.fail('tenant.create', { slug: 'plat', wrap: 'global' });
    expect(err).toMatchObject({ code: 'probe_failed' });
    expect(err.message).toMatch(/MASTER_KEY_B64 is not set/);
    expect(await bare.call('tenant.list', {})).toEqual([]);
  });
});
