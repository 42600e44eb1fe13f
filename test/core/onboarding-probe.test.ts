import { describe, expect, it } from 'vitest';
import { initializedFixture } from '../support/engine-fixture';

const CONFIG = { tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:key-1', config: { region: 'us-east-1' } };

describe('onboarding with the probe', () => {
  it('onboards after wrap-then-unwrap succeeds, moving new writes to the customer key', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'before', value: 'v1' });
    const result = await fx.call('kms.onboard', { ...CONFIG, step_up_token: await fx.stepUp('onboard') });
    expect(result.probe).toMatchObject({ ok: true, provider: 'aws' });
    expect(result.tenant).toMatchObject({ wrap_method: 'customer_kms', provider: 'aws', customer_controlled: true, active_version: 2 });
    expect(result.rewrap_lease_id).toEqual(expect.any(Number));
    expect((await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'after', value: 'v2' })).key_version).toBe(2);
    expect((await fx.call('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'before' })).value).toBe('v1');
    const probes = fx.kw.ctx.store.listKmsCalls({ limit: 10 }).filter((c) => c.operation.startsWith('probe'));
    expect(probes.map((c) => c.operation)).toEqual(['probe_wrap', 'probe_unwrap']);
    const actions = (await fx.call('audit.list', {})).map((e) => e.action);
    expect(actions).toContain('byok.kms.onboard');
    expect(actions).toContain('tenant-kms.registered');
  });

  it.each(['access_denied', 'unreachable', 'key_disabled'] as const)('writes nothing when the probe fails (%s) and says which step', async (reason) => {
    const fx = await initializedFixture();
    const before = { tenant: await fx.call('tenant.show', { tenant: 'acme' }), versions: await fx.call('keys.versions', { tenant: 'acme' }), audit: fx.kw.ctx.store.auditCount() };
    fx.kms.fail(reason);
    const err = await fx.fail('kms.onboard', { ...CONFIG, step_up_token: await fx.stepUp('onboard') });
    expect(err).toMatchObject({ code: 'probe_failed', details: { step: 'wrap', reason, provider: 'aws' } });
    expect(err.message).toContain(reason);
    expect(await fx.call('tenant.show', { tenant: 'acme' })).toEqual(before.tenant);
    expect(await fx.call('keys.versions', { tenant: 'acme' })).toEqual(before.versions);
    expect(fx.kw.ctx.store.auditCount()).toBe(before.audit);
  });

  it('leaves an existing customer config unchanged when a replacement fails its probe', async () => {
    const fx = await initializedFixture();
    await fx.call('kms.onboard', { ...CONFIG, step_up_token: await fx.stepUp('onboard') });
    const before = await fx.call('tenant.show', { tenant: 'acme' });
    fx.kms.fail('access_denied');
    expect(await fx.fail('kms.onboard', { ...CONFIG, kms_key_ref: 'mem:key-2', step_up_token: await fx.stepUp('onboard') })).toMatchObject({ code: 'probe_failed' });
    expect(await fx.call('tenant.show', { tenant: 'acme' })).toEqual(before);
  });

  it('records a replaced key as tenant-kms.rotated with from/to suffixes', async () => {
    const fx = await initializedFixture();
    await fx.call('kms.onboard', { ...CONFIG, step_up_token: await fx.stepUp('onboard') });
    await fx.call('kms.onboard', { ...CONFIG, kms_key_ref: 'mem:second-key-0000000042', step_up_token: await fx.stepUp('onboard') });
    const [rotated] = await fx.call('audit.list', { action: 'tenant-kms.rotated' });
    expect(rotated!.payload).toEqual({ tenant: 'acme', provider: 'aws', from_key_id_suffix: 'mem:key-1', to_key_id_suffix: '…y-0000000042' });
  });

  it.each([
    [{ config: { access_key_id: 'x' } }, 'config.access_key_id', /static long-lived credentials are refused/],
    [{ config: { region: 'AKIAIOSFODNN7EXAMPLE' } }, 'config.region', /looks like an AWS access key id/],
    [{ config: { creds: { type: 'service_account', private_key: 'k' } } }, 'config.creds', /service-account JSON key/],
    [{ config: { client_secret: 'abc~def' } }, 'config.client_secret', /static long-lived credentials/],
    [{ config: { note: '-----BEGIN PRIVATE KEY-----\nMII' } }, 'config.note', /private key/],
    [{ provider: 'oracle' }, 'provider', /must be one of aws, gcp, azure/],
    [{ kms_key_ref: '' }, 'kms_key_ref', /is required/],
  ])('refuses %j naming the field', async (patch, field, reason) => {
    const fx = await initializedFixture();
    const err = await fx.fail('kms.onboard', { ...CONFIG, ...patch, step_up_token: await fx.stepUp('onboard') });
    expect(err.code).toBe('invalid_input');
    expect(err.details?.field).toBe(field);
    expect(err.message).toMatch(reason);
    expect(JSON.stringify(err)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(fx.kms.calls.wrap).toBe(0);
  });
});
