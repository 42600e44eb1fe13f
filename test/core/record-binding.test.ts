import { describe, expect, it } from 'vitest';
import { randomKey, seal } from '../../core/crypto/aead';
import { dekBinding, payloadBinding } from '../../core/crypto/bindings';
import { activeKey } from '../../core/engine/master-keys';
import { initializedFixture, rawDb, type Fixture } from '../support/engine-fixture';

describe('a ciphertext is bound to its row and tenant', () => {
  it('fails to decrypt when copied into another row', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'a', value: 'secret A' });
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'b', value: 'secret B' });
    const db = rawDb(fx);
    db.prepare(
      "UPDATE integration_configs SET wrapped_dek = (SELECT wrapped_dek FROM integration_configs WHERE name = 'a'), ciphertext = (SELECT ciphertext FROM integration_configs WHERE name = 'a') WHERE name = 'b'",
    ).run();
    const err = await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'b' });
    expect(err).toMatchObject({ code: 'decrypt_failed', status: 422 });
    expect(err.message).toMatch(/altered, or moved/);
    expect(JSON.stringify(err)).not.toMatch(/secret A|stack|at Object/);
  });

  it('fails to decrypt when moved to another tenant', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'x', value: 'acme only' });
    await fx.call('record.put', { tenant: 'globex', table: 'secret_environment_configs', name: 'x', value: 'globex' });
    const db = rawDb(fx);
    const acme = fx.kw.ctx.store.tenantBySlug('acme')!.id;
    const globex = fx.kw.ctx.store.tenantBySlug('globex')!.id;
    db.prepare(
      'UPDATE secret_environment_configs SET wrapped_dek = (SELECT wrapped_dek FROM secret_environment_configs WHERE tenant_id = ?), ciphertext = (SELECT ciphertext FROM secret_environment_configs WHERE tenant_id = ?) WHERE tenant_id = ?',
    ).run(acme, acme, globex);
    expect(await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'globex'), tenant: 'globex', table: 'secret_environment_configs', name: 'x' })).toMatchObject({ code: 'decrypt_failed' });
  });
});

/** Swaps two rows' names in place, as someone with write access to the database could. */
function swapNames(fx: Fixture, table: string, a: string, b: string): void {
  const db = rawDb(fx);
  db.transaction(() => {
    db.prepare(`UPDATE ${table} SET name = '__swap__' WHERE name = ?`).run(a);
    db.prepare(`UPDATE ${table} SET name = ? WHERE name = ?`).run(a, b);
    db.prepare(`UPDATE ${table} SET name = ? WHERE name = '__swap__'`).run(b);
  })();
}

/** A row sealed the way Keywarden did before migration 008: payload AAD without the name. */
async function putLegacyRecord(fx: Fixture, table: 'integration_configs' | 'secret_environment_configs', name: string, value: string): Promise<void> {
  const tenant = fx.kw.ctx.store.tenantBySlug('acme')!;
  const { version, key } = await activeKey(fx.kw.ctx, tenant);
  const id = `legacy-${name}`;
  const dek = randomKey();
  rawDb(fx)
    .prepare(`INSERT INTO ${table} (id, tenant_id, name, key_version, wrapped_dek, ciphertext, binding_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 'then', 'then')`)
    .run(id, tenant.id, name, version.version, seal(key, dek, dekBinding(tenant.id, table, id, version.version)), seal(dek, Buffer.from(value), payloadBinding(tenant.id, table, id)));
}

describe('a record is bound to its name', () => {
  it('swapping two rows\' names makes both fail to decrypt instead of returning the other secret', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'prod/db-password', value: 'prod secret' });
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'dev/db-password', value: 'dev secret' });
    swapNames(fx, 'secret_environment_configs', 'prod/db-password', 'dev/db-password');
    for (const name of ['prod/db-password', 'dev/db-password']) {
      const err = await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'secret_environment_configs', name });
      expect(err).toMatchObject({ code: 'decrypt_failed', status: 422, details: { name, table: 'secret_environment_configs' } });
      expect(err.message).toBe(`record "${name}" does not decrypt: its ciphertext was altered, or moved from another row, name or tenant`);
      expect(JSON.stringify(err)).not.toMatch(/prod secret|dev secret/);
    }
    // Swapped back, both read again: nothing was lost.
    swapNames(fx, 'secret_environment_configs', 'prod/db-password', 'dev/db-password');
    expect((await fx.call('record.get', { tenant: 'acme', table: 'secret_environment_configs', name: 'prod/db-password' })).value).toBe('prod secret');
  });

  it('a rename alone is caught too', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'stripe', value: 'sk' });
    rawDb(fx).prepare("UPDATE integration_configs SET name = 'paypal' WHERE name = 'stripe'").run();
    expect(await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'paypal' })).toMatchObject({ code: 'decrypt_failed' });
  });

  it('new and rewritten records are on binding 2', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'n', value: 'v' });
    await fx.call('record.seedSample', { tenant: 'acme', rows: 10 });
    const versions = rawDb(fx).prepare('SELECT DISTINCT binding_version AS v FROM integration_configs UNION SELECT DISTINCT binding_version FROM secret_environment_configs').all();
    expect(versions).toEqual([{ v: 2 }]);
  });
});

describe('records sealed before the name binding (binding 1)', () => {
  it('still read, are counted, and move to binding 2 when rewritten', async () => {
    const fx = await initializedFixture();
    const tenant = fx.kw.ctx.store.tenantBySlug('acme')!;
    await putLegacyRecord(fx, 'integration_configs', 'old-a', 'old secret A');
    await putLegacyRecord(fx, 'secret_environment_configs', 'old-b', 'old secret B');
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'new', value: 'new secret' });
    expect(fx.kw.ctx.store.countRecordsOnBinding(tenant.id, 1)).toBe(2);

    expect((await fx.call('record.get', { tenant: 'acme', table: 'integration_configs', name: 'old-a' })).value).toBe('old secret A');
    expect((await fx.call('record.get', { tenant: 'acme', table: 'secret_environment_configs', name: 'old-b' })).value).toBe('old secret B');

    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'old-a', value: 'rewritten A' });
    expect(rawDb(fx).prepare("SELECT binding_version FROM integration_configs WHERE name = 'old-a'").get()).toEqual({ binding_version: 2 });
    expect(fx.kw.ctx.store.countRecordsOnBinding(tenant.id, 1)).toBe(1);
    expect((await fx.call('record.get', { tenant: 'acme', table: 'integration_configs', name: 'old-a' })).value).toBe('rewritten A');

    // Once upgraded, a rename is caught.
    rawDb(fx).prepare("UPDATE integration_configs SET name = 'old-z' WHERE name = 'old-a'").run();
    expect(await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'old-z' })).toMatchObject({ code: 'decrypt_failed' });
  });

  it('a binding-2 row relabelled as binding 1 does not open (no downgrade)', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'v' });
    rawDb(fx).prepare("UPDATE integration_configs SET binding_version = 1 WHERE name = 'x'").run();
    expect(await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'x' })).toMatchObject({ code: 'decrypt_failed' });
  });

  it('a rewrap keeps a legacy row readable (it moves only the DEK)', async () => {
    const fx = await initializedFixture();
    await putLegacyRecord(fx, 'integration_configs', 'old', 'kept');
    const rotate = await fx.stepUp('rotate');
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: rotate });
    await fx.call('rewrap.run', {});
    expect(rawDb(fx).prepare("SELECT key_version, binding_version FROM integration_configs WHERE name = 'old'").get()).toEqual({ key_version: 2, binding_version: 1 });
    expect((await fx.call('record.get', { tenant: 'acme', table: 'integration_configs', name: 'old' })).value).toBe('kept');
  });
});
