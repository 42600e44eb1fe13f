import { describe, expect, it } from 'vitest';
import { sealServices } from '../../core/seal/services';
import type { Fixture } from '../support/engine-fixture';
import { auditActions, byokFixture, tenantRow } from './byok-fixture';

/** Seals `acme` the way a revoked grant does: the cache runs out, the next session request fails. */
async function sealed(reason: 'access_denied' | 'unreachable' | 'key_disabled' = 'access_denied'): Promise<Fixture> {
  const fx = await byokFixture();
  fx.kms.fail(reason);
  fx.clock.advance(300_001);
  expect((await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).code).toBe('tenant_sealed');
  return fx;
}

describe('manual unseal', () => {
  it('answers 409 not_sealed for a tenant that is not sealed', async () => {
    const fx = await byokFixture(0);
    expect(await fx.fail('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal', 'acme') })).toMatchObject({ code: 'not_sealed', status: 409 });
  });

  it('needs an unseal step-up, within its 2-minute window', async () => {
    const fx = await sealed();
    expect(await fx.fail('tenant.unseal', { tenant: 'acme' })).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') })).toMatchObject({ code: 'step_up_required' });
    const token = await fx.stepUp('unseal');
    fx.clock.advance(120_001);
    expect(await fx.fail('tenant.unseal', { tenant: 'acme', step_up_token: token })).toMatchObject({ code: 'step_up_required', message: expect.stringMatching(/2 minutes/) });
  });

  it.each([
    ['access_denied', 'access_denied'],
    ['key_disabled', 'access_denied'],
    ['unreachable', 'unreachable'],
  ] as const)('answers 502 unseal_failed while the KMS still says %s (reason %s) and stays sealed', async (kmsReason, reason) => {
    const fx = await sealed(kmsReason);
    const err = await fx.fail('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal', 'acme') });
    expect(err).toMatchObject({ code: 'unseal_failed', status: 502, details: { reason, kms_reason: kmsReason, provider: 'aws' } });
    expect(err.message).toMatch(/memory KMS says/);
    expect(tenantRow(fx).sealed_since).not.toBeNull();
    expect(await auditActions(fx, 'byok.kms.unseal')).toHaveLength(0);
  });

  it('unseals once access is back: audited with method manual, sessions issue again', async () => {
    const fx = await sealed();
    const sealedSince = tenantRow(fx).sealed_since!;
    fx.clock.advance(45_000);
    fx.kms.fail(null);
    const r = await fx.call('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal', 'acme') });
    expect(r).toEqual({ unsealed: true, tenant: 'acme', method: 'manual', sealed_since: sealedSince, sealed_for_s: 45 });
    expect(tenantRow(fx)).toMatchObject({ sealed_since: null, last_verify_error: null });
    const [entry] = await auditActions(fx, 'byok.kms.unseal');
    expect(entry!.payload).toMatchObject({ tenant: 'acme', method: 'manual', sealed_for_s: 45 });
    expect(JSON.stringify(entry!.payload)).not.toContain('mem:arn');
    const calls = fx.kms.calls.unwrap;
    expect((await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).agent).toBe('agent');
    expect(fx.kms.calls.unwrap).toBe(calls); // the unseal's unwrap filled the cache
  });

  it('seals permanently when the active version is revoked, and unseal says it cannot undo that', async () => {
    const fx = await byokFixture(0);
    await fx.call('keys.revoke', { tenant: 'acme', version: 2, confirm: 'acme', force: true, step_up_token: await fx.stepUp('revoke', 'acme') });
    expect(await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).toMatchObject({ code: 'tenant_sealed', details: { permanent: true } });
    const err = await fx.fail('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal', 'acme') });
    expect(err).toMatchObject({ code: 'key_version_revoked', status: 410, details: { permanent: true } });
    expect(err.message).toMatch(/sealed permanently.*unseal cannot undo/);
    // The auto-unseal poller leaves it alone: nothing is ever due for a permanent seal.
    expect(sealServices(fx.kw.ctx).monitor.nextDueAt()).toBeUndefined();
    fx.clock.advance(3_600_000);
    expect(await sealServices(fx.kw.ctx).monitor.runDue()).toEqual([]);
    expect(tenantRow(fx).sealed_permanently).toBe(1);
  });
});
