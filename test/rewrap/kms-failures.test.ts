/** KMS behaviour under rewrap: one provider call per version, retry on transient errors, pause and seal on persistent ones. */
import { describe, expect, it } from 'vitest';
import { runPendingRewraps } from '../../core/rewrap';
import type { Fixture } from '../support/engine-fixture';
import { auditActions, expectAllReadable, instantTimer, rotatedFixture, versionCounts } from './support';

/** Unwrap calls the engine recorded since `afterId`, per key version. */
function unwrapsByVersion(fx: Fixture, afterId: number): Record<number, { ok: number; failed: number }> {
  const out: Record<number, { ok: number; failed: number }> = {};
  for (const c of fx.kw.ctx.store.listKmsCalls({ afterId, limit: 10_000 })) {
    if (c.operation !== 'unwrap') continue;
    const v = (out[c.key_version] ??= { ok: 0, failed: 0 });
    if (c.outcome === 'ok') v.ok++;
    else v.failed++;
  }
  return out;
}

function lastCallId(fx: Fixture): number {
  return fx.kw.ctx.store.listKmsCalls({ limit: 10_000 }).at(-1)?.id ?? 0;
}

/** Rows on version 2 (customer KMS), rotated to 3, every master key evicted: the run must ask the provider. */
async function coldCustomerKmsFixture(rows: number) {
  const setup = await rotatedFixture(rows, { memoryKms: true });
  setup.fx.kw.ctx.cache.clear();
  return { ...setup, baseline: lastCallId(setup.fx) };
}

describe('rewrap and the KMS', () => {
  it('calls the provider once per involved version for the whole job, however many batches', async () => {
    const { fx, baseline } = await coldCustomerKmsFixture(300);
    const before = fx.kms.calls.unwrap;
    const runs = await fx.call('rewrap.run', { tenant: 'acme', batch_size: 10 });
    expect(runs.map((r) => r.outcome)).toEqual(['done']);
    expect(runs[0]!.job).toMatchObject({ target_version: 3, processed: 300 });
    expect(unwrapsByVersion(fx, baseline)).toEqual({ 2: { ok: 1, failed: 0 }, 3: { ok: 1, failed: 0 } });
    expect(fx.kms.calls.unwrap - before).toBe(2);
    expect(versionCounts(fx)).toEqual({ 'secret@v3': 150, 'integration@v3': 150 });
  });

  it('retries transient errors with backoff, then carries on', async () => {
    const { fx, baseline } = await coldCustomerKmsFixture(40);
    fx.kms.fail('throttled');
    const timer = instantTimer(() => {
      if (timer.sleeps.length === 2) fx.kms.fail(null);
    });
    const [run] = await runPendingRewraps(fx.kw.ctx, { timer, retry: { attempts: 4, baseMs: 250, maxMs: 5000 } });
    expect(run).toMatchObject({ outcome: 'done', job: { state: 'done', processed: 40 } });
    expect(timer.sleeps).toEqual([250, 500]);
    expect(unwrapsByVersion(fx, baseline)).toEqual({ 2: { ok: 1, failed: 0 }, 3: { ok: 1, failed: 2 } });
    expect(fx.kw.ctx.store.tenantBySlug('acme')!.sealed_since).toBeNull();
  });

  it('a transient error that outlasts the retries pauses the job and seals the tenant when it is the active key', async () => {
    const { fx } = await coldCustomerKmsFixture(20);
    fx.kms.fail('unreachable');
    const timer = instantTimer();
    const [run] = await runPendingRewraps(fx.kw.ctx, { timer, retry: { attempts: 3, baseMs: 100, maxMs: 150 } });
    expect(timer.sleeps).toEqual([100, 150]);
    expect(run).toMatchObject({ outcome: 'paused', job: { state: 'paused', pause_reason: 'sealed' } });
    expect(fx.kw.ctx.store.tenantBySlug('acme')!.sealed_since).not.toBeNull();
  });

  it('stopping during a retry wait pauses for shutdown without using up the retries or sealing', async () => {
    const { fx } = await coldCustomerKmsFixture(20);
    fx.kms.fail('unreachable');
    const stop = new AbortController();
    const timer = instantTimer(() => stop.abort());
    const [run] = await runPendingRewraps(fx.kw.ctx, { timer, signal: stop.signal, retry: { attempts: 4, baseMs: 100, maxMs: 1000 } });
    expect(timer.sleeps).toEqual([100]);
    expect(run).toMatchObject({ outcome: 'paused', job: { state: 'paused', pause_reason: 'shutdown' } });
    expect(fx.kw.ctx.store.tenantBySlug('acme')!.sealed_since).toBeNull();
  });

  it('pauses on a persistent failure of the active key, seals the tenant, and resumes after unseal', async () => {
    const { fx, leaseId } = await coldCustomerKmsFixture(30);
    fx.kms.fail('access_denied');
    const timer = instantTimer();
    const [run] = await runPendingRewraps(fx.kw.ctx, { timer });
    expect(timer.sleeps).toEqual([]); // access denied is not worth retrying
    expect(run).toMatchObject({ outcome: 'paused', job: { lease_id: leaseId, state: 'paused', pause_reason: 'sealed', processed: 0 } });
    expect(run!.job.last_error).toMatch(/sealed/);
    const tenant = fx.kw.ctx.store.tenantBySlug('acme')!;
    expect(tenant.sealed_since).not.toBeNull();
    expect(auditActions(fx, 'byok.kms.seal')).toHaveLength(1);
    expect(auditActions(fx).filter((a) => a.action === 'rewrap.paused').map((a) => a.payload)).toEqual([expect.objectContaining({ reason: 'sealed', error_code: 'tenant_sealed', lease_id: leaseId })]);

    // Still sealed: nothing runs, and an explicit run says why.
    expect(await runPendingRewraps(fx.kw.ctx, { timer })).toEqual([]);
    expect(await fx.fail('rewrap.run', { lease_id: leaseId })).toMatchObject({ code: 'tenant_sealed' });

    // The unseal path clears the seal once the key answers again; the job then resumes by itself.
    fx.kms.fail(null);
    fx.kw.ctx.store.setTenantSeal(tenant.id, { sealed_since: null, last_verify_error: null, sealed_permanently: 0 });
    const [resumed] = await runPendingRewraps(fx.kw.ctx, { timer });
    expect(resumed).toMatchObject({ outcome: 'done', job: { lease_id: leaseId, processed: 30, total: 30, last_error: null } });
    expect(auditActions(fx).find((a) => a.action === 'rewrap.resumed')?.payload).toMatchObject({ reason: 'unsealed' });
    expect(await expectAllReadable(fx)).toBe(30);
  });

  it('pauses with kms_error (no seal) when only a retired version cannot be unwrapped, and resumes on request', async () => {
    const { fx, leaseId } = await coldCustomerKmsFixture(20);
    // The active key is in the cache (a write just used it); the retired version 2 is not.
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'warm', value: 'x' });
    fx.kms.fail('key_disabled');
    const [run] = await runPendingRewraps(fx.kw.ctx, { timer: instantTimer() });
    expect(run).toMatchObject({ outcome: 'paused', job: { state: 'paused', pause_reason: 'kms_error' } });
    expect(run!.job.last_error).toMatch(/version 2/);
    expect(fx.kw.ctx.store.tenantBySlug('acme')!.sealed_since).toBeNull();
    // Not resumed by itself: an operator decides the key is back.
    expect(await runPendingRewraps(fx.kw.ctx, { timer: instantTimer() })).toEqual([]);
    fx.kms.fail(null);
    await fx.call('rewrap.resume', { lease_id: leaseId });
    const [done] = await fx.call('rewrap.run', { tenant: 'acme' });
    expect(done).toMatchObject({ outcome: 'done', job: { processed: 20, skipped: 1, total: 21 } });
  });

  it('counts rows under a revoked version as failed (unreadable), and moves the rest', async () => {
    const { fx } = await rotatedFixture(10);
    // Version 1 (local) holds the seeded rows; version 2 is the rotation's target.
    const revoked = await fx.call('keys.revoke', { tenant: 'acme', version: 1, confirm: 'acme', step_up_token: await fx.stepUp('revoke', 'acme'), force: true });
    expect(revoked).toBeTruthy();
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'after', value: 'y' });
    const [run] = await fx.call('rewrap.run', { tenant: 'acme' });
    expect(run).toMatchObject({ outcome: 'failed', job: { state: 'failed', processed: 0, skipped: 1, failed: 10, total: 11 } });
    expect(run!.job.last_error).toMatch(/revoked/);
  });
});
