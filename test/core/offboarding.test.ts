/**
 * A tenant leaves the customer's KMS key for a platform key: new writes are under the
 * platform key at once, the rewrap moves the old records, and after it the customer's key
 * can go without a record becoming unreadable. Audited as `tenant-kms.disabled`.
 */
import { describe, expect, it } from 'vitest';
import { actionLabel } from '../../core/report/pdf/sections';
import { initializedFixture, type Fixture } from '../support/engine-fixture';

async function onCustomerKey(): Promise<Fixture> {
  const fx = await initializedFixture();
  await fx.call('record.seedSample', { tenant: 'acme', rows: 30 });
  await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:customer-key-0001', config: {} });
  await fx.call('rewrap.run', { tenant: 'acme' });
  await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'slack', value: 'xoxb-under-the-customer-key' });
  return fx;
}

describe('kms.offboard', () => {
  it('moves the tenant onto the platform key and, after the rewrap, off the customer key entirely', async () => {
    const fx = await onCustomerKey();
    const out = await fx.call('kms.offboard', { tenant: 'acme', to: 'local', step_up_token: await fx.stepUp('offboard', 'acme') });
    expect(out).toMatchObject({ new_version: 3, rewrap_lease_id: expect.any(Number), tenant: { slug: 'acme', wrap_method: 'local', active_version: 3 } });

    const versions = await fx.call('keys.versions', { tenant: 'acme' });
    expect(versions.map((v) => [v.version, v.status, v.wrap_method])).toEqual([
      [3, 'active', 'local'],
      [2, 'retired', 'customer_kms'],
      [1, 'retired', 'local'],
    ]);
    const fresh = await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'pagerduty', value: 'pd-key' });
    expect(fresh.key_version).toBe(3);

    const [entry] = await fx.call('audit.list', { action: 'tenant-kms.disabled' });
    expect(entry!.payload).toEqual({
      tenant: 'acme',
      provider: 'aws',
      from_key_id_suffix: '…mer-key-0001',
      new_version: 3,
      wrap_method: 'local',
      rewrap_lease_id: out.rewrap_lease_id,
    });

    // Before the rewrap, old records still need the customer's key; after it they do not.
    await fx.call('rewrap.run', { tenant: 'acme' });
    fx.kw.ctx.cache.clear();
    fx.kms.fail('access_denied');
    const read = await fx.call('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'slack' });
    expect(read).toMatchObject({ value: 'xoxb-under-the-customer-key', key_version: 3 });
    expect((await fx.call('tenant.show', { tenant: 'acme' })).sealed_since).toBeNull();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: true });
  });

  it('needs step-up, a tenant on a customer key, and an unsealed tenant; a refusal changes nothing', async () => {
    const fx = await onCustomerKey();
    expect(await fx.fail('kms.offboard', { tenant: 'acme', to: 'local' })).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('kms.offboard', { tenant: 'acme', to: 'vault', step_up_token: await fx.stepUp('offboard', 'acme') })).toMatchObject({ code: 'invalid_input' });

    await fx.call('tenant.create', { slug: 'sandbox', wrap: 'local' });
    expect(await fx.fail('kms.offboard', { tenant: 'sandbox', to: 'global', step_up_token: await fx.stepUp('offboard', 'sandbox') })).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('is not on a customer KMS key'),
    });

    fx.kw.ctx.cache.clear();
    fx.kms.fail('access_denied');
    expect(await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'y' })).toMatchObject({ code: 'tenant_sealed' });
    expect(await fx.fail('kms.offboard', { tenant: 'acme', to: 'local', step_up_token: await fx.stepUp('offboard', 'acme') })).toMatchObject({ code: 'tenant_sealed' });
    expect((await fx.call('keys.versions', { tenant: 'acme' }))[0]).toMatchObject({ version: 2, status: 'active', wrap_method: 'customer_kms' });
    expect(await fx.call('audit.list', { action: 'tenant-kms.disabled' })).toEqual([]);
  });

  it('writes nothing when the platform key cannot wrap (no global master key configured)', async () => {
    const fx = await onCustomerKey();
    const refused = await fx.fail('kms.offboard', { tenant: 'acme', to: 'global', step_up_token: await fx.stepUp('offboard', 'acme') });
    expect(refused).toMatchObject({ code: 'probe_failed', details: { field: 'to' } });
    expect((await fx.call('tenant.show', { tenant: 'acme' })).wrap_method).toBe('customer_kms');
    expect(await fx.call('keys.versions', { tenant: 'acme' })).toHaveLength(2);
  });
});

describe('the SOC 2 report names key changes from the fields the engine writes', () => {
  it('labels a replaced customer key and an offboarding with their key suffixes', async () => {
    const fx = await onCustomerKey();
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:customer-key-0002', config: {} });
    await fx.call('kms.offboard', { tenant: 'acme', to: 'local', step_up_token: await fx.stepUp('offboard', 'acme') });
    const label = async (action: string) => {
      const [e] = await fx.call('audit.list', { action });
      return actionLabel({ seq: e!.seq, at: e!.at, actor: e!.actor, action: e!.action, tenant: 'acme', payload: e!.payload });
    };
    expect(await label('tenant-kms.rotated')).toBe('Customer KMS key replaced (…mer-key-0001 to …mer-key-0002)');
    expect(await label('tenant-kms.disabled')).toBe('Customer KMS key dropped (…mer-key-0002): back on the local key, v4');
  });
});
