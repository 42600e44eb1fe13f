/**
 * When witnessing happens: on the continuous checks' timer when the log has grown and
 * the last witness is older than the interval (default 15 min, a setting), never on the
 * audit append path (appends make no provider call), at every export (report tests) and
 * on demand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckScheduler } from '../../core/checks/scheduler';
import { addAwsWitness, witnessFixture, work, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
beforeEach(async () => {
  fx = await witnessFixture();
});
afterEach(async () => {
  await fx.dispose();
});

const MIN = 60_000;
const witnessCalls = () => fx.kw.ctx.store.listKmsCalls({ limit: 10_000 }).filter((c) => c.operation === 'witness').length;
const runs = () => fx.kw.witness.store.recentRuns(1000);

describe('scheduled witnessing', () => {
  it('witnesses on the checks timer only when the log grew and the interval passed', async () => {
    await addAwsWitness(fx);
    const scheduler = new CheckScheduler(fx.kw);
    await scheduler.tick();
    expect(runs().map((r) => [r.trigger, r.state])).toEqual([['interval', 'ok']]);

    // Appends alone never reach the provider.
    await work(fx, ['a', 'b', 'c']);
    expect(witnessCalls()).toBe(1);

    // Grown but within the interval: nothing.
    fx.clock.advance(10 * MIN);
    await scheduler.tick();
    expect(runs()).toHaveLength(1);

    fx.clock.advance(6 * MIN);
    await scheduler.tick();
    expect(runs()).toHaveLength(2);
    expect(runs()[0]!.tree_size).toBe(fx.kw.ctx.store.auditCount());

    // The interval passed but the log did not grow: nothing (no provider request, no cost).
    fx.clock.advance(60 * MIN);
    await scheduler.tick();
    expect(runs()).toHaveLength(2);
    expect(witnessCalls()).toBe(2);
  });

  it('follows the interval setting (step-up, audited) and status says when the witness is behind', async () => {
    await addAwsWitness(fx);
    await fx.call('audit.witness', {});
    const set = await fx.call('witness.settings', { interval_minutes: 60, step_up_token: await fx.stepUp('witness') });
    expect(set.interval_minutes).toBe(60);
    expect((await fx.fail('witness.settings', { interval_minutes: 5 })).code).toBe('step_up_required');
    expect((await fx.fail('witness.settings', { interval_minutes: 0, step_up_token: await fx.stepUp('witness') })).message).toMatch(/^interval_minutes: /);
    await work(fx, ['a']);
    fx.clock.advance(30 * MIN);
    expect((await fx.kw.witness.witnessIfDue()).runs).toEqual([]);
    expect((await fx.call('app.status', {})).witness.state).toBe('ok');
    fx.clock.advance(31 * MIN);
    expect((await fx.call('app.status', {})).witness).toMatchObject({ state: 'behind', entries_since: expect.any(Number) });
    expect((await fx.kw.witness.witnessIfDue()).runs).toHaveLength(1);
    const log = fx.kw.ctx.store.auditRange(1, 1000).filter((e) => e.action === 'witness.settings');
    expect(JSON.parse(log[0]!.payload)).toEqual({ interval_minutes: 60, previous_interval_minutes: 15 });
  });

  it('does nothing without a witness', async () => {
    expect(await fx.kw.witness.witnessIfDue()).toMatchObject({ runs: [], checkpoint: null, skipped: 'no witness configured' });
    expect((await fx.call('audit.witness', {})).skipped).toMatch(/no witness configured/);
    expect((await fx.call('app.status', {})).witness).toMatchObject({ state: 'none', witnesses: 0 });
  });
});
