/** One worker per job: a live lease is refused, a stale or dead one is taken over; pause, resume, expiry. */
import { describe, expect, it } from 'vitest';
import { claimJob, LEASE_STALE_MS, runRewrapJob } from '../../core/rewrap';
import { auditActions, expectAllReadable, rotatedFixture, versionCounts } from './support';

/** An owner id on another machine: its liveness can only be judged by its heartbeat. */
const OTHER_HOST_OWNER = 'other-host:4242:deadbeef';

function claimAsOther(fx: Awaited<ReturnType<typeof rotatedFixture>>['fx'], leaseId: number) {
  return claimJob(fx.kw.ctx, leaseId, OTHER_HOST_OWNER, { staleAfterMs: LEASE_STALE_MS, batchSize: 100, pace: undefined, caller: fx.kw.ctx.system });
}

describe('rewrap lease', () => {
  it('refuses a second worker while the lease is live, and names the holder', async () => {
    const { fx, leaseId } = await rotatedFixture(20);
    expect(claimAsOther(fx, leaseId).claimed).toBe(true);
    await expect(runRewrapJob(fx.kw.ctx, leaseId)).rejects.toMatchObject({ code: 'lease_held', details: { lease_id: leaseId, lease_owner: OTHER_HOST_OWNER } });
    expect(await fx.fail('rewrap.run', { lease_id: leaseId })).toMatchObject({ code: 'lease_held', status: 423 });
    // Not picked up by a run over all jobs either, and nothing moved.
    expect(await fx.call('rewrap.run', {})).toEqual([]);
    expect(versionCounts(fx)).toEqual({ 'secret@v1': 10, 'integration@v1': 10 });
    const [view] = await fx.call('rewrap.status', { tenant: 'acme' });
    expect(view).toMatchObject({ state: 'running', lease_owner: OTHER_HOST_OWNER, lease_live: true });
  });

  it('takes over a lease whose heartbeat went stale and resumes from the cursors', async () => {
    const { fx, leaseId } = await rotatedFixture(40);
    const stop = new AbortController();
    await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 10, signal: stop.signal, onProgress: () => stop.abort() });
    // Another machine resumes it, moves nothing, and goes silent.
    claimAsOther(fx, leaseId);
    fx.clock.advance(LEASE_STALE_MS - 1);
    await expect(runRewrapJob(fx.kw.ctx, leaseId)).rejects.toMatchObject({ code: 'lease_held' });
    fx.clock.advance(1);
    const [view] = await fx.call('rewrap.status', { tenant: 'acme' });
    expect(view).toMatchObject({ state: 'running', lease_live: false });
    const run = await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 10 });
    expect(run.outcome).toBe('done');
    expect(run.job).toMatchObject({ processed: 40, skipped: 0, failed: 0, total: 40 });
    expect(versionCounts(fx)).toEqual({ 'secret@v2': 20, 'integration@v2': 20 });
    const takeover = auditActions(fx).find((a) => a.action === 'rewrap.resumed' && a.payload.reason === 'lease_takeover');
    expect(takeover?.payload).toMatchObject({ previous_worker: OTHER_HOST_OWNER, processed: 10 });
  });

  it('fences a worker that lost its lease: its batch in flight does not commit', async () => {
    const { fx, leaseId } = await rotatedFixture(40);
    let stolen = false;
    const run = await runRewrapJob(fx.kw.ctx, leaseId, {
      batchSize: 10,
      onProgress: () => {
        if (stolen) return;
        stolen = true;
        fx.clock.advance(LEASE_STALE_MS);
        claimAsOther(fx, leaseId);
      },
    });
    expect(run.outcome).toBe('lost_lease');
    expect(run.job).toMatchObject({ state: 'running', lease_owner: OTHER_HOST_OWNER, processed: 10 });
    expect(versionCounts(fx)).toEqual({ 'secret@v1': 15, 'secret@v2': 5, 'integration@v1': 15, 'integration@v2': 5 });
  });

  it('pauses on request (between batches), refuses to run while paused, and resumes where it stopped', async () => {
    const { fx, leaseId } = await rotatedFixture(60);
    let paused = false;
    const run = await runRewrapJob(fx.kw.ctx, leaseId, {
      batchSize: 20,
      onProgress: async () => {
        if (paused) return;
        paused = true;
        await fx.call('rewrap.pause', { lease_id: leaseId });
      },
    });
    expect(run.outcome).toBe('paused');
    expect(run.job).toMatchObject({ state: 'paused', pause_reason: 'operator', processed: 20 });
    expect(await fx.fail('rewrap.run', { lease_id: leaseId })).toMatchObject({ code: 'conflict', details: { pause_reason: 'operator' } });
    expect(await fx.call('rewrap.run', {})).toEqual([]);

    expect(await fx.call('rewrap.resume', { lease_id: leaseId })).toMatchObject({ state: 'queued', pause_reason: null, processed: 20 });
    const [done] = await fx.call('rewrap.run', {});
    expect(done).toMatchObject({ outcome: 'done', job: { processed: 60, total: 60 } });
    expect(await expectAllReadable(fx)).toBe(60);
    expect(auditActions(fx).map((a) => [a.action, a.payload.reason ?? a.payload.outcome])).toEqual([
      ['rewrap.started', undefined],
      ['rewrap.paused', 'operator'],
      ['rewrap.resumed', 'operator'],
      ['rewrap.finished', 'done'],
    ]);
    expect(await fx.fail('rewrap.pause', { lease_id: leaseId })).toMatchObject({ code: 'conflict', details: { state: 'done' } });
    expect(await fx.fail('rewrap.resume', { lease_id: leaseId })).toMatchObject({ code: 'conflict' });
    expect(await fx.fail('rewrap.pause', { lease_id: 999 })).toMatchObject({ code: 'not_found' });
    expect(await fx.fail('rewrap.run', { batch_size: 1 })).toMatchObject({ code: 'invalid_input', details: { field: 'batch_size' } });
  });

  it('expires a job at the end of its 7-day term; resume gives it a new term', async () => {
    const { fx, leaseId } = await rotatedFixture(10);
    fx.clock.advance(7 * 24 * 3600_000);
    const [run] = await fx.call('rewrap.run', { lease_id: leaseId });
    expect(run).toMatchObject({ outcome: 'expired', job: { state: 'expired', processed: 0 } });
    expect(auditActions(fx).map((a) => a.action)).toEqual(['rewrap.expired']);
    const resumed = await fx.call('rewrap.resume', { lease_id: leaseId });
    expect(resumed).toMatchObject({ state: 'queued' });
    expect(Date.parse(resumed.lease_expires_at)).toBe(fx.clock.now() + 7 * 24 * 3600_000);
    const [done] = await fx.call('rewrap.run', {});
    expect(done).toMatchObject({ outcome: 'done', job: { processed: 10 } });
  });
});
