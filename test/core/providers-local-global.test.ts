import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGlobalKey, GLOBAL_KEY_ENV } from '../../core/providers/global';
import { LOCAL_KEY_FILE } from '../../core/providers/local';
import { initializedFixture, makeFixture, PASSPHRASE } from '../support/engine-fixture';

describe('local provider', () => {
  it('keeps a 32-byte key file readable by the owner only', async () => {
    const fx = await initializedFixture();
    const file = path.join(fx.dataDir, LOCAL_KEY_FILE);
    expect(fs.statSync(file).size).toBe(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const tenant = await fx.call('tenant.show', { tenant: 'acme' });
    expect(tenant).toMatchObject({ wrap_method: 'local', customer_controlled: false });
  });

  it('refuses a key file others can read, saying how to fix it', async () => {
    const fx = await initializedFixture();
    fs.chmodSync(path.join(fx.dataDir, LOCAL_KEY_FILE), 0o644);
    await fx.kw.close();
    const again = fx.reopen();
    const err = await again.fail('tenant.create', { slug: 'other' });
    expect(err.message).toMatch(/readable by other users.*chmod 600/);
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
