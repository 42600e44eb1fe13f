/**
 * kms.calls carries drill_id: the failures a simulated drill's fault layer made up name
 * their drill (and read "simulated (drill xxxxxxxx)" in the CLI and the window), real
 * calls carry null; newest_first pages backwards with before_id.
 */
import { describe, expect, it } from 'vitest';
import { simulatedCallLabel } from '../../core/api/kms-call-label';
import { MANUAL_FAULT } from '../../core/drills/simulated-calls';
import { renderHuman } from '../../main/cli/render';
import { initializedFixture } from '../support/engine-fixture';

describe('kms.calls views', () => {
  it('names the drill of every injected failure and none of the real calls', async () => {
    const fx = await initializedFixture();
    await fx.call('record.seedSample', { tenant: 'acme', rows: 4 });
    const drill = await fx.call('drill.run', { tenant: 'acme', scenario: 'deny', agents: 2 });
    const calls = await fx.call('kms.calls', { tenant: 'acme', limit: 5000 });
    const failed = calls.filter((c) => c.outcome !== 'ok');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((c) => c.drill_id === drill.id)).toBe(true);
    expect(calls.filter((c) => c.outcome === 'ok').every((c) => c.drill_id === null)).toBe(true);
    const text = renderHuman('kms.calls', failed.slice(0, 1), { utc: true });
    expect(text).toContain(`simulated (drill ${drill.id.slice(0, 8)}) access_denied`);
  });

  it('labels simulated calls, and only them', () => {
    expect(simulatedCallLabel('1d7ae1bc-0000-4000-8000-000000000000')).toBe('simulated (drill 1d7ae1bc)');
    expect(simulatedCallLabel(MANUAL_FAULT)).toBe('simulated (fault set by hand)');
    expect(simulatedCallLabel(null)).toBeNull();
    expect(simulatedCallLabel('')).toBeNull();
  });

  it('pages newest first with before_id, and oldest first with after_id, over the same calls', async () => {
    const fx = await initializedFixture();
    await fx.call('record.seedSample', { tenant: 'acme', rows: 2 });
    for (let i = 0; i < 3; i++) await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    const all = (await fx.call('kms.calls', { limit: 5000 })).map((c) => c.id);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const newest = await fx.call('kms.calls', { order: 'newest_first', limit: 2 });
    expect(newest.map((c) => c.id)).toEqual(all.slice(-2).reverse());
    const next = await fx.call('kms.calls', { order: 'newest_first', limit: 2, before_id: newest[1]!.id });
    expect(next.map((c) => c.id)).toEqual(all.slice(-4, -2).reverse());
    expect(await fx.fail('kms.calls', { order: 'sideways' })).toMatchObject({ code: 'invalid_input', details: { field: 'order' } });
    expect(await fx.fail('kms.calls', { before_id: 0 })).toMatchObject({ code: 'invalid_input', details: { field: 'before_id' } });
  });
});
