/** The rewrap worker on real SQLite files: counts, skips, interleaving, pinning, supersession. */
import { describe, expect, it } from 'vitest';
import { runRewrapJob, supersedeOlderJobs } from '../../core/rewrap';
import { rawDb } from '../support/engine-fixture';
import { auditActions, expectAllReadable, instantTimer, rotatedFixture, versionCounts } from './support';

describe('rewrap worker', () => {
  it('moves every record to the target version and the counts add up', async () => {
    const { fx, leaseId } = await rotatedFixture(301);
    const [run] = await fx.call('rewrap.run', { lease_id: leaseId, batch_size: 40 });
    expect(run).toMatchObject({ lease_id: leaseId, outcome: 'done' });
    expect(run!.job).toMatchObject({ state: 'done', processed: 301, skipped: 0, failed: 0, total: 301, remaining: 0, percent: 100, eta_seconds: 0 });
    expect(versionCounts(fx)).toEqual({ 'secret@v2': 151, 'integration@v2': 150 });
    expect(await expectAllReadable(fx)).toBe(301);
    const actions = auditActions(fx);
    expect(actions.map((a) => a.action)).toEqual(['rewrap.started', 'rewrap.finished']);
    expect(actions[1]!.payload).toMatchObject({ outcome: 'done', processed: 301, skipped: 0, failed: 0, total: 301, lease_id: leaseId, target_version: 2 });
  });

  it('skips rows already on the target and counts them complete', async () => {
    const { fx, leaseId } = await rotatedFixture(50);
    // Written after the rotation: already under version 2.
    for (let i = 0; i < 7; i++) await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: `new-${i}`, value: `v${i}` });
    const [run] = await fx.call('rewrap.run', { lease_id: leaseId });
    expect(run!.job).toMatchObject({ state: 'done', processed: 50, skipped: 7, failed: 0, total: 57, percent: 100 });
    expect(await expectAllReadable(fx)).toBe(57);
  });

  it('takes each batch half from each table, and fills from the other when one runs out', async () => {
    const { fx, leaseId } = await rotatedFixture(40); // 20 + 20
    const stop = new AbortController();
    const batches: Record<string, number>[] = [];
    const first = await runRewrapJob(fx.kw.ctx, leaseId, {
      batchSize: 10,
      signal: stop.signal,
      onProgress: () => {
        batches.push(versionCounts(fx));
        if (batches.length === 2) stop.abort();
      },
    });
    expect(first.outcome).toBe('paused');
    expect(first.job).toMatchObject({ state: 'paused', pause_reason: 'shutdown', processed: 20 });
    expect(batches[0]).toMatchObject({ 'secret@v2': 5, 'integration@v2': 5 });
    expect(batches[1]).toMatchObject({ 'secret@v2': 10, 'integration@v2': 10 });

    // 70/30 shares: the secret table runs out first and the integration table fills the batch.
    const resumed: Record<string, number>[] = [];
    const done = await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 10, secretShare: 0.7, onProgress: () => void resumed.push(versionCounts(fx)) });
    expect(done.outcome).toBe('done');
    expect(resumed[0]).toMatchObject({ 'secret@v2': 17, 'integration@v2': 13 });
    expect(resumed[1]).toMatchObject({ 'secret@v2': 20, 'integration@v2': 20 });
    expect(done.job).toMatchObject({ processed: 40, skipped: 0, total: 40 });
    expect(auditActions(fx).map((a) => a.action)).toEqual(['rewrap.started', 'rewrap.paused', 'rewrap.resumed', 'rewrap.finished']);
    expect(auditActions(fx)[2]!.payload).toMatchObject({ reason: 'restart', processed: 20 });
  });

  it('keeps its pinned target across a later rotation, then hands over to the newer job', async () => {
    const { fx, leaseId } = await rotatedFixture(60);
    const stop = new AbortController();
    await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 20, signal: stop.signal, onProgress: () => stop.abort() });
    expect(versionCounts(fx)).toEqual({ 'secret@v1': 20, 'secret@v2': 10, 'integration@v1': 20, 'integration@v2': 10 });

    const second = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    const before = await fx.call('rewrap.status', { tenant: 'acme' });
    expect(before.find((j) => j.lease_id === leaseId)).toMatchObject({ target_version: 2, state: 'paused' });

    const runs = await fx.call('rewrap.run', { tenant: 'acme' });
    expect(runs.map((r) => [r.lease_id, r.outcome])).toEqual([[second.rewrap_lease_id, 'done']]);
    const after = await fx.call('rewrap.status', { tenant: 'acme' });
    expect(after.find((j) => j.lease_id === leaseId)).toMatchObject({ state: 'superseded', target_version: 2, superseded_by: second.rewrap_lease_id });
    expect(after.find((j) => j.lease_id === second.rewrap_lease_id)).toMatchObject({ state: 'done', processed: 60, total: 60 });
    // No row is left on a version older than the newest finished target.
    expect(versionCounts(fx)).toEqual({ 'secret@v3': 30, 'integration@v3': 30 });
    expect(await expectAllReadable(fx)).toBe(60);
    expect(auditActions(fx, 'rewrap.superseded')[0]!.payload).toMatchObject({ lease_id: leaseId, superseded_by: second.rewrap_lease_id, new_target_version: 3 });
  });

  it('stops a running older job at its next batch when a newer rotation queues its own', async () => {
    const { fx, leaseId } = await rotatedFixture(100);
    let rotated = false;
    const older = await runRewrapJob(fx.kw.ctx, leaseId, {
      batchSize: 10,
      onProgress: async () => {
        if (rotated) return;
        rotated = true;
        await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
      },
    });
    expect(older.outcome).toBe('superseded');
    expect(older.job).toMatchObject({ state: 'superseded', processed: 10, target_version: 2 });
    // Rows it moved stay on its own target (never the newer one) until the newer job runs.
    expect(versionCounts(fx)).toEqual({ 'secret@v1': 45, 'secret@v2': 5, 'integration@v1': 45, 'integration@v2': 5 });
    const [newer] = await fx.call('rewrap.run', { tenant: 'acme' });
    expect(newer).toMatchObject({ outcome: 'done', job: { target_version: 3, processed: 100 } });
    expect(versionCounts(fx)).toEqual({ 'secret@v3': 50, 'integration@v3': 50 });
  });

  it('superseding leaves finished jobs alone and is idempotent', async () => {
    const { fx, leaseId } = await rotatedFixture(10);
    await fx.call('rewrap.run', { lease_id: leaseId });
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    expect(supersedeOlderJobs(fx.kw.ctx, fx.kw.ctx.store.tenantBySlug('acme')!.id)).toEqual([]);
    expect((await fx.call('rewrap.status', { tenant: 'acme' })).map((j) => j.state)).toEqual(['queued', 'done']);
  });

  it('counts rows whose DEK no longer opens as failed, leaves them as they are, and ends failed', async () => {
    const { fx, leaseId } = await rotatedFixture(20);
    const db = rawDb(fx);
    const victim = db.prepare('SELECT id, wrapped_dek FROM integration_configs ORDER BY id LIMIT 1').get() as { id: string; wrapped_dek: Buffer };
    const altered = Buffer.from(victim.wrapped_dek);
    altered[altered.length - 1]! ^= 0xff;
    db.prepare('UPDATE integration_configs SET wrapped_dek = ? WHERE id = ?').run(altered, victim.id);
    const [run] = await fx.call('rewrap.run', { lease_id: leaseId });
    expect(run!.job).toMatchObject({ state: 'failed', processed: 19, failed: 1, total: 20 });
    expect(run!.job.last_error).toContain(victim.id);
    expect((db.prepare('SELECT key_version, wrapped_dek FROM integration_configs WHERE id = ?').get(victim.id) as { key_version: number; wrapped_dek: Buffer }).wrapped_dek.equals(altered)).toBe(true);
  });

  it('paces the run when a pace is set (rows per second, on the injected timer)', async () => {
    const { fx, leaseId } = await rotatedFixture(40);
    const timer = instantTimer();
    const run = await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 10, paceRowsPerSecond: 20, timer });
    expect(run.outcome).toBe('done');
    // 10 rows a batch at 20 rows/s: half a second of waiting after each batch.
    expect(timer.sleeps).toEqual([500, 500, 500, 500]);
    expect(run.job.pace_rows_s).toBe(20);
  });
});
