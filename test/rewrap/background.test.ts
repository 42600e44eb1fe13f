/** The hosts' background runner: runs what is runnable, wakes on a poke or a poll, stops cleanly. */
import { describe, expect, it } from 'vitest';
import { startBackgroundRewrap } from '../../core/rewrap/background';
import type { RewrapRunResult, RewrapTimer } from '../../core/rewrap';
import { makeFixture, unlockFixture } from '../support/engine-fixture';
import { auditActions, expectAllReadable, rotatedFixture, versionCounts } from './support';

/** A timer whose sleeps end only when the test says so (or their signal aborts them). */
function heldTimer(): RewrapTimer & { pending: number; release(): void } {
  let waiting: (() => void)[] = [];
  let t = 0;
  return {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const end = () => {
          waiting = waiting.filter((f) => f !== end);
          t += ms;
          resolve();
        };
        if (signal?.aborted) return end();
        signal?.addEventListener('abort', end, { once: true });
        waiting.push(end);
      }),
    get pending() {
      return waiting.length;
    },
    release() {
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('background rewrap runner', () => {
  it('runs queued jobs, then waits; a poke or the poll wakes it for the next one', async () => {
    const { fx, leaseId } = await rotatedFixture(30);
    const timer = heldTimer();
    const results: RewrapRunResult[] = [];
    const runner = startBackgroundRewrap(fx.kw.ctx, { timer, pollMs: 2000, onResult: (r) => results.push(r) });
    await until(() => timer.pending === 1, 'the first pass to finish');
    expect(results.map((r) => [r.job.lease_id, r.outcome])).toEqual([[leaseId, 'done']]);
    expect(runner.passes).toBe(1);

    const second = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    runner.poke();
    await until(() => results.length === 2, 'the poked pass');
    expect(results[1]).toMatchObject({ outcome: 'done', job: { lease_id: second.rewrap_lease_id, processed: 30 } });

    await until(() => runner.passes === 2 && timer.pending === 1, 'the runner to idle');
    const third = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(results).toHaveLength(2); // no poke: it waits for the poll
    timer.release();
    await until(() => results.length === 3, 'the polled pass');
    expect(results[2]).toMatchObject({ outcome: 'done', job: { lease_id: third.rewrap_lease_id } });
    await runner.stop();
    expect(versionCounts(fx)).toEqual({ 'secret@v4': 15, 'integration@v4': 15 });
  });

  it('stop() pauses the job in flight for shutdown; the next start resumes it', async () => {
    const { fx, leaseId } = await rotatedFixture(60);
    let stopping: Promise<void> | undefined;
    const runner = startBackgroundRewrap(fx.kw.ctx, {
      timer: heldTimer(),
      job: { batchSize: 10 },
      onProgress: (p) => {
        if (p.processed === 20) stopping = runner.stop();
      },
    });
    await until(() => stopping !== undefined, 'two batches');
    await stopping;
    const paused = fx.kw.ctx.store.rewrapJob(leaseId)!;
    expect(paused).toMatchObject({ state: 'paused', pause_reason: 'shutdown', processed: 20, lease_owner: null });
    await fx.kw.close();

    // The next start of the host (a new engine on the same file) carries on.
    const next = await unlockFixture(makeFixture({ dataDir: fx.dataDir, clock: fx.clock }));
    const timer = heldTimer();
    const again = startBackgroundRewrap(next.kw.ctx, { timer, job: { batchSize: 10 } });
    await until(() => timer.pending === 1, 'the resumed job');
    await again.stop();
    expect(next.kw.ctx.store.rewrapJob(leaseId)).toMatchObject({ state: 'done', processed: 60, total: 60 });
    expect(await expectAllReadable(next)).toBe(60);
    expect(auditActions(next).map((a) => [a.action, a.payload.reason ?? a.payload.outcome ?? null])).toEqual([
      ['rewrap.started', null],
      ['rewrap.paused', 'shutdown'],
      ['rewrap.resumed', 'restart'],
      ['rewrap.finished', 'done'],
    ]);
  });

  it('logs a failed pass and carries on at the next poll', async () => {
    const fx = makeFixture();
    const timer = heldTimer();
    const errors: unknown[] = [];
    const store = fx.kw.ctx.store;
    const real = store.listTenants.bind(store);
    let broken = true;
    store.listTenants = () => {
      if (broken) throw new Error('disk trouble');
      return real();
    };
    const runner = startBackgroundRewrap(fx.kw.ctx, { timer, onError: (e) => errors.push(e) });
    await until(() => timer.pending === 1, 'the failed pass');
    expect(errors).toHaveLength(1);
    broken = false;
    timer.release();
    await until(() => runner.passes === 2, 'the next pass');
    expect(errors).toHaveLength(1);
    await runner.stop();
  });
});
