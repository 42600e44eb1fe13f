import { describe, expect, it } from 'vitest';
import { initializedFixture, type Fixture } from '../support/engine-fixture';

async function rotated(): Promise<Fixture> {
  const fx = await initializedFixture();
  await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'old', value: 'under v1' });
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
  return fx;
}

describe('revoke (cryptographic erasure)', () => {
  it('makes rows under the revoked version fail with key_version_revoked, never a crypto error', async () => {
    const fx = await rotated();
    const result = await fx.call('keys.revoke', { tenant: 'acme', version: 1, confirm: 'acme', force: true, step_up_token: await fx.stepUp('revoke', 'acme') });
    expect(result).toEqual({ revoked: true, version: 1, records_made_unreadable: 1, tenant_sealed_permanently: false });
    const err = await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'secret_environment_configs', name: 'old' });
    expect(err).toMatchObject({ code: 'key_version_revoked', status: 410, details: { version: 1 } });
    expect(err.message).toMatch(/permanently unreadable/);
    const row = fx.kw.ctx.store.keyVersion(fx.kw.ctx.store.tenantBySlug('acme')!.id, 1)!;
    expect(row.wrapped_key).toBeNull();
    expect(row.status).toBe('revoked');
    // Survives a restart: the material is gone from the file, not just the cache.
    await fx.kw.close();
    const reopened = fx.reopen();
    expect(await reopened.fail('record.get', { tenant: 'acme', table: 'secret_environment_configs', name: 'old', step_up_token: await reopened.stepUp('record_read') })).toMatchObject({ code: 'key_version_revoked' });
  });

  it('refuses while records remain under the version, saying how many', async () => {
    const fx = await rotated();
    const preview = await fx.call('keys.revokePreview', { tenant: 'acme', version: 1 });
    expect(preview).toMatchObject({ records_under_version: 1, is_active: false });
    const err = await fx.fail('keys.revoke', { tenant: 'acme', version: 1, confirm: 'acme', step_up_token: await fx.stepUp('revoke', 'acme') });
    expect(err).toMatchObject({ code: 'records_remain', details: { records: 1 } });
    expect(err.message).toMatch(/1 records are still under version 1/);
  });

  it('needs the typed slug and a revoke step-up', async () => {
    const fx = await rotated();
    expect(await fx.fail('keys.revoke', { tenant: 'acme', version: 1, confirm: 'acme', force: true })).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('keys.revoke', { tenant: 'acme', version: 1, confirm: 'acm', force: true, step_up_token: await fx.stepUp('revoke', 'acme') })).toMatchObject({
      code: 'confirmation_mismatch',
      details: { field: 'confirm' },
    });
  });

  it('refuses the active version unless forced; forcing seals the tenant permanently', async () => {
    const fx = await rotated();
    const token = await fx.stepUp('revoke');
    expect(await fx.fail('keys.revoke', { tenant: 'acme', version: 2, confirm: 'acme', step_up_token: token })).toMatchObject({ code: 'conflict', details: { active: true } });
    const result = await fx.call('keys.revoke', { tenant: 'acme', version: 2, confirm: 'acme', force: true, step_up_token: await fx.stepUp('revoke') });
    expect(result.tenant_sealed_permanently).toBe(true);
    const tenant = await fx.call('tenant.show', { tenant: 'acme' });
    expect(tenant).toMatchObject({ sealed_permanently: true, sealed_since: expect.any(String), active_version: null });
    expect(await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'n', value: 'v' })).toMatchObject({ code: 'tenant_sealed' });
    const actions = (await fx.call('audit.list', { action: 'byok.kms.' })).map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['byok.kms.seal', 'byok.kms.revoke']);
  });
});
