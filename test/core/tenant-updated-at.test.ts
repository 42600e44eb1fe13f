/**
 * A tenant's "Updated" time follows changes to its keys: a rotation and a revoke move it
 * to the engine clock's now; a seal and an unseal (passing states with their own time,
 * sealed_since) leave it where it was.
 */
import { describe, expect, it } from 'vitest';
import { initializedFixture } from '../support/engine-fixture';

describe("a tenant's updated_at", () => {
  it('moves on rotation, to the time of the rotation', async () => {
    const fx = await initializedFixture();
    const created = (await fx.call('tenant.show', { tenant: 'acme' })).updated_at;
    fx.clock.advance(3_600_000);
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    const after = await fx.call('tenant.show', { tenant: 'acme' });
    expect(after.updated_at).toBe(new Date(fx.clock.now()).toISOString());
    expect(Date.parse(after.updated_at) - Date.parse(created)).toBe(3_600_000);
    // Listing shows the same time as tenant.show.
    expect((await fx.call('tenant.list', {})).find((t) => t.slug === 'acme')!.updated_at).toBe(after.updated_at);
  });

  it('moves on revoke of a retired version', async () => {
    const fx = await initializedFixture();
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    fx.clock.advance(60_000);
    await fx.call('keys.revoke', { tenant: 'acme', version: 1, confirm: 'acme', force: true, step_up_token: await fx.stepUp('revoke', 'acme') });
    expect((await fx.call('tenant.show', { tenant: 'acme' })).updated_at).toBe(new Date(fx.clock.now()).toISOString());
  });

  it('does not move on a failed rotation, nor on a seal and an auto-unseal', async () => {
    const fx = await initializedFixture();
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:key-1', config: {} });
    const onboarded = (await fx.call('tenant.show', { tenant: 'acme' })).updated_at;
    fx.clock.advance(60_000);
    fx.kw.ctx.cache.clear();
    fx.kms.fail('access_denied');
    expect(await fx.fail('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') })).toMatchObject({ code: expect.stringMatching(/kms_error|tenant_sealed/) });
    expect(await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'y' })).toMatchObject({ code: 'tenant_sealed' });
    const sealed = await fx.call('tenant.show', { tenant: 'acme' });
    expect(sealed.sealed_since).not.toBeNull();
    expect(sealed.updated_at).toBe(onboarded);
    fx.kms.fail(null);
    fx.clock.advance(60_000);
    await fx.call('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal', 'acme') });
    const unsealed = await fx.call('tenant.show', { tenant: 'acme' });
    expect(unsealed.sealed_since).toBeNull();
    expect(unsealed.updated_at).toBe(onboarded);
  });
});
