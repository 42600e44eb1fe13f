import { describe, expect, it } from 'vitest';
import { initializedFixture } from '../support/engine-fixture';

describe('rotate', () => {
  it('keeps rows written before a rotation readable, and writes new rows under the new version', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'db/prod', value: 'postgres://old' });
    const rotated = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    expect(rotated).toEqual({ rotated: true, new_version: 2, rewrap_lease_id: expect.any(Number) });

    const old = await fx.call('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'secret_environment_configs', name: 'db/prod' });
    expect(old).toMatchObject({ value: 'postgres://old', key_version: 1 });
    const fresh = await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'slack', value: 'xoxb' });
    expect(fresh.key_version).toBe(2);

    const versions = await fx.call('keys.versions', { tenant: 'acme' });
    expect(versions.map((v) => [v.version, v.status, v.record_count])).toEqual([
      [2, 'active', 1],
      [1, 'retired', 1],
    ]);
    expect(versions[1]!.retired_at).toBe(versions[0]!.created_at);
  });

  it('still reads old rows after a restart (keys come back from the provider, not memory)', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'a', value: 'one' });
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    await fx.kw.close();
    const again = fx.reopen();
    expect((await again.call('record.get', { step_up_token: await again.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'a' })).value).toBe('one');
  });

  it('queues a rewrap job pinned to the new version, and audits the rotation with the seed fields', async () => {
    const fx = await initializedFixture();
    await fx.call('record.seedSample', { tenant: 'acme', rows: 10 });
    const { rewrap_lease_id } = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    const jobs = await fx.call('rewrap.status', { tenant: 'acme' });
    expect(jobs[0]).toMatchObject({ lease_id: rewrap_lease_id, target_version: 2, total: 10 });
    const [entry] = await fx.call('audit.list', { action: 'byok.kms.rotate' });
    expect(entry!.payload).toMatchObject({ new_version: 2, wrap_method: 'local', rewrap_lease_id, tenant: 'acme' });
    expect(entry!.actor).toBe('tester@test-host');
    expect(entry!.address).toBe('test');
  });

  it('needs a step-up token and refuses while sealed', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('keys.rotate', { tenant: 'acme' })).toMatchObject({ code: 'step_up_required', status: 401 });
    const unseal = await fx.stepUp('unseal');
    expect(await fx.fail('keys.rotate', { tenant: 'acme', step_up_token: unseal })).toMatchObject({ code: 'step_up_required' });

    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:key-1', config: {} });
    fx.kw.ctx.cache.clear();
    fx.kms.fail('access_denied');
    expect(await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'y' })).toMatchObject({ code: 'tenant_sealed', status: 503 });
    expect(await fx.fail('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') })).toMatchObject({ code: 'tenant_sealed' });
  });
});
