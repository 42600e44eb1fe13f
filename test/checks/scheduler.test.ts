/**
 * The continuous checks on a manual clock: each runs when due and not before, its run is
 * recorded (last and next visible in checks.status), and each problem raises one alert:
 * a drill overdue, a seal, a failed verify, a rotation past the policy. Paused on battery
 * when the user says so; acknowledged alerts leave the badge count.
 */
import { describe, expect, it } from 'vitest';
import { CheckScheduler, timers } from '../../core/checks/scheduler';
import { byokFixture } from '../seal/byok-fixture';
import { initializedFixture, rawDb } from '../support/engine-fixture';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('continuous checks', () => {
  it('runs each check when due, records it, and raises each alert once', async () => {
    const fx = await initializedFixture();
    const seen: string[] = [];
    const scheduler = new CheckScheduler(fx.kw, { onAlert: (a) => seen.push(`${a.kind}:${a.tenant ?? ''}`) });

    const first = await scheduler.tick();
    expect(first.map((a) => a.kind)).toEqual(['drill_overdue']);
    let status = await fx.call('checks.status', {});
    expect(status.checks.map((c) => [c.name, c.last_run?.outcome])).toEqual([
      ['audit_verify', 'ok'],
      ['evidence_crosscheck', 'ok'],
      ['drill_cadence', 'problem'],
      ['rotation_age', 'ok'],
      ['access_review', 'ok'],
    ]);
    expect(status.checks.find((c) => c.name === 'access_review')!.last_run!.summary).toBe('no customer-KMS tenant: no key to review');
    expect(status.checks.find((c) => c.name === 'evidence_crosscheck')!.last_run!.summary).toBe('no customer-KMS tenant: nothing to cross-check');
    expect(status.checks.find((c) => c.name === 'audit_verify')!.next_run_at).toBe(new Date(fx.clock.now() + DAY).toISOString());
    expect(status.checks.find((c) => c.name === 'evidence_crosscheck')!.next_run_at).toBe(new Date(fx.clock.now() + HOUR).toISOString());
    expect(status.unseen).toBe(1);
    expect(status.alerts[0]).toMatchObject({ kind: 'drill_overdue', tenant: 'acme', title: 'Drill due for acme', screen: 'drills', seen: false });

    // Not due yet: nothing runs, nothing is raised again.
    expect(await scheduler.tick()).toEqual([]);
    const runs = () => rawDb(fx).prepare('SELECT check_name FROM check_runs ORDER BY id').pluck().all();
    expect(runs()).toHaveLength(5);

    fx.clock.advance(HOUR);
    expect(await scheduler.tick()).toEqual([]);
    expect(runs().slice(5)).toEqual(['evidence_crosscheck']);

    // A day later the verify fails on a tampered log: one alert, and the drill reminder is not repeated.
    rawDb(fx).prepare("UPDATE audit_log SET action = 'tenant.deleted' WHERE seq = 2").run();
    fx.clock.advance(DAY);
    const later = await scheduler.tick();
    expect(later.map((a) => a.kind)).toEqual(['verify_failed']);
    expect(later[0]!.body).toMatch(/^entry #2 does not check out/);

    status = await fx.call('checks.ack', {});
    expect(status.unseen).toBe(0);
    expect(status.alerts.every((a) => a.seen)).toBe(true);
    expect(seen).toEqual(['drill_overdue:acme', 'verify_failed:']);
  });

  it('raises a seal at the next tick, once per seal, and a rotation past the policy', async () => {
    const fx = await byokFixture(2);
    const scheduler = new CheckScheduler(fx.kw);
    await scheduler.tick();
    fx.kms.fail('access_denied');
    fx.clock.advance(300_001);
    expect((await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).code).toBe('tenant_sealed');
    const sealed = await scheduler.tick();
    expect(sealed.map((a) => [a.kind, a.tenant, a.screen])).toEqual([['sealed', 'acme', 'tenants']]);
    expect(await scheduler.tick()).toEqual([]);

    fx.kms.fail(null);
    await fx.call('tenant.unseal', { tenant: 'acme', step_up_token: await fx.stepUp('unseal') });
    await fx.call('overview.setPolicy', { rotation_max_age_days: 30 });
    fx.clock.advance(31 * DAY);
    const overdue = await scheduler.tick();
    expect(overdue.map((a) => a.kind)).toContain('rotation_overdue');
    expect(overdue.find((a) => a.kind === 'rotation_overdue')!.body).toMatch(/^Active key v2 is 31 days old, past the 30-day policy\.$/);
  });

  it('pauses on battery power only when the user asked for it', async () => {
    const fx = await initializedFixture();
    let battery = true;
    const scheduler = new CheckScheduler(fx.kw, { onBattery: () => battery });
    await fx.call('checks.settings', { pause_on_battery: true });
    await scheduler.tick();
    expect((await fx.call('checks.status', {})).checks.every((c) => c.last_run === null)).toBe(true);
    battery = false;
    await scheduler.tick();
    expect((await fx.call('checks.status', {})).checks.every((c) => c.last_run !== null)).toBe(true);
    expect((await fx.call('checks.settings', { pause_on_battery: false })).pause_on_battery).toBe(false);
  });

  it('runs on its own timer until stopped', async () => {
    const fx = await initializedFixture();
    const ran: string[] = [];
    const scheduler = new CheckScheduler(fx.kw, { tickMs: 10, timer: timers(false), onRun: (name) => ran.push(name) }).start();
    await expect.poll(() => ran.length, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
    await scheduler.stop();
    const count = ran.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(ran.length).toBe(count);
  });
});
