/**
 * The overview judges real engine state: a sealed tenant comes first and clears when it
 * is unsealed; keys age past the user's rotation policy; a rewrap backlog, an unverified
 * or tampered audit log, a drill overdue against the cadence and cross-check exceptions
 * each show as a problem with the action that fixes it.
 */
import { describe, expect, it } from 'vitest';
import { seedCrosscheckRun } from './support';
import { byokFixture } from '../seal/byok-fixture';
import { initializedFixture, rawDb } from '../support/engine-fixture';

const DAY = 86_400_000;

describe('overview.get', () => {
  it('a fresh tenant: never verified and never drilled, nothing critical', async () => {
    const fx = await initializedFixture();
    const o = await fx.call('overview.get', {});
    expect(o.problems.map((p) => [p.severity, p.area, p.title])).toEqual([
      ['warning', 'audit', 'The audit log has never been verified.'],
      ['warning', 'drills', 'Tenant acme has never had a kill-switch drill.'],
    ]);
    expect(o.problems[0]!.command).toBe('keywarden audit verify');
    expect(o.cards.tenants).toMatchObject({ state: 'ok', details: { total: 1, sealed: [], customer_controlled: 0, platform_key: 1 } });
    expect(o.cards.keys.details.tenants).toEqual([{ tenant: 'acme', active_version: 1, active_since: '2026-03-01T12:00:00.000Z', age_days: 0, overdue: false }]);
    expect(o.cards.evidence.state).toBe('none');
    expect(o.cards.reports).toMatchObject({ state: 'none', details: { last_export: null } });
    expect(o.policy).toEqual({ rotation_max_age_days: 365, drill_cadence_days: 90 });
  });

  it('a verify is recorded whoever runs it; a tampered log makes it the first problem', async () => {
    const fx = await initializedFixture();
    expect((await fx.call('audit.verify', {})).ok).toBe(true);
    let o = await fx.call('overview.get', {});
    expect(o.cards.audit).toMatchObject({ state: 'ok', details: { last_verify: { ok: true, at: '2026-03-01T12:00:00.000Z' } } });
    expect(o.problems.some((p) => p.area === 'audit')).toBe(false);

    fx.clock.advance(3 * DAY);
    o = await fx.call('overview.get', {});
    expect(o.problems.find((p) => p.area === 'audit')?.title).toBe('The audit log was last verified 3 days ago.');

    rawDb(fx).prepare("UPDATE audit_log SET actor = 'mallory@elsewhere' WHERE seq = 1").run();
    expect((await fx.call('audit.verify', {})).ok).toBe(false);
    o = await fx.call('overview.get', {});
    expect(o.problems[0]).toMatchObject({ severity: 'critical', area: 'audit', title: expect.stringMatching(/^The last audit log verification failed: entry #1 does not check out/) });
    expect(o.cards.audit.state).toBe('critical');
  });

  it('a sealed tenant is the first problem, with the unseal command, and clears once unsealed', async () => {
    const fx = await byokFixture();
    await fx.call('tenant.create', { slug: 'beta', wrap: 'local' });
    fx.kms.fail('access_denied');
    fx.clock.advance(300_001);
    expect((await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).code).toBe('tenant_sealed');
    let o = await fx.call('overview.get', {});
    expect(o.problems[0]).toMatchObject({ severity: 'critical', area: 'tenants', tenant: 'acme', screen: 'tenants', command: 'keywarden unseal --tenant acme' });
    expect(o.problems[0]!.title).toMatch(/^Tenant acme is sealed: its master key could not be unwrapped/);
    expect(o.cards.tenants).toMatchObject({ state: 'critical', headline: '1 tenant sealed of 2.', details: { customer_controlled: 1, platform_key: 1 } });

    fx.kms.fail(null);
    await fx.call('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal') });
    o = await fx.call('overview.get', {});
    expect(o.problems.some((p) => p.area === 'tenants')).toBe(false);
    expect(o.cards.tenants.state).toBe('ok');
  });

  it('rotation age is judged against the policy the user sets; a rotation clears it and queues a visible rewrap', async () => {
    const fx = await byokFixture(4);
    fx.clock.advance(40 * DAY);
    let o = await fx.call('overview.get', {});
    expect(o.problems.some((p) => p.area === 'keys')).toBe(false);
    expect(await fx.call('overview.setPolicy', { rotation_max_age_days: 30 })).toEqual({ rotation_max_age_days: 30, drill_cadence_days: 90 });
    o = await fx.call('overview.get', {});
    const overdue = o.problems.find((p) => p.area === 'keys')!;
    expect(overdue.title).toBe("Tenant acme's active key v2 is 40 days old, past the 30-day rotation policy.");
    expect(overdue.command).toBe('keywarden rotate --tenant acme');

    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate') });
    o = await fx.call('overview.get', {});
    expect(o.problems.filter((p) => p.area === 'keys').map((p) => p.title)).toEqual(['4 records of acme still sit on a retired key version.']);
    expect(o.cards.keys.details.awaiting_rewrap).toEqual([{ tenant: 'acme', records: 4 }]);
    await fx.call('rewrap.run', { tenant: 'acme' });
    o = await fx.call('overview.get', {});
    expect(o.cards.keys.state).toBe('ok');
  });

  it('refuses a policy outside 1..3650 whole days and keeps the old one', async () => {
    const fx = await initializedFixture();
    for (const bad of [0, -5, 3651, 1.5]) {
      expect((await fx.fail('overview.setPolicy', { rotation_max_age_days: bad })).code).toBe('invalid_input');
    }
    expect((await fx.fail('overview.setPolicy', { rotation_max_age_days: 30, extra: 1 } as never)).code).toBe('invalid_input');
    expect(await fx.call('overview.policy', {})).toEqual({ rotation_max_age_days: 365, drill_cadence_days: 90 });
  });

  it('a drill clears the never-drilled problem until the cadence passes', async () => {
    const fx = await byokFixture(2);
    const d = await fx.call('drill.run', { tenant: 'acme', scenario: 'deny', agents: 2 });
    let o = await fx.call('overview.get', {});
    expect(o.problems.some((p) => p.area === 'drills')).toBe(false);
    expect(o.cards.drills.details.tenants[0]!.last_drill).toMatchObject({ id: d.id, scenario: 'deny', seal_bound_s: 300, sealed_within_bound: true });
    fx.clock.advance(91 * DAY);
    o = await fx.call('overview.get', {});
    expect(o.problems.find((p) => p.area === 'drills')?.title).toMatch(/^Tenant acme has not had a drill for 91 days \(cadence: every 90 days\)\.$/);
  });

  it('cross-check exceptions by class and coverage gaps, provider_only first as critical', async () => {
    const fx = await byokFixture(0);
    let o = await fx.call('overview.get', {});
    expect(o.problems.find((p) => p.area === 'evidence')?.title).toMatch(/never cross-checked/);
    seedCrosscheckRun(rawDb(fx), fx.kw.ctx.store.tenantBySlug('acme')!.id, '2026-03-01T12:00:00.000Z', { matched: 40, provider_only: 2, app_only_missing: 1 }, [
      { tenant: 'acme', provider: 'aws', fraction: 0.8, health: 'poor', diagnosis: 'the trail excludes KMS events' },
    ]);
    o = await fx.call('overview.get', {});
    const evidence = o.problems.filter((p) => p.area === 'evidence');
    expect(evidence.map((p) => [p.severity, p.title])).toEqual([
      ['critical', 'The last cross-check found 2 uses of a customer key that Keywarden did not make.'],
      ['warning', "The last cross-check found 1 call missing from the provider's log past its delivery delay (a logging gap)."],
      ['warning', "The aws log of acme shows 80 % of the engine's calls: the trail excludes KMS events."],
    ]);
    expect(o.problems[0]!.area).toBe('evidence');
    expect(o.cards.evidence).toMatchObject({ state: 'critical', details: { exceptions: { provider_only: 2, app_only_missing: 1 } } });
  });
});
