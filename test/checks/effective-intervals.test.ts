/**
 * Settings and `keywarden status` show the intervals the checks really run at: the check's
 * default, the user's setting (checks.settings / `keywarden checks`), or the running host's
 * own override (`keywarden watch --...-interval-s`), which wins while that host lives. The
 * scheduler runs at the same effective interval it reports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckScheduler } from '../../core/checks/scheduler';
import { runCli } from '../../main/cli/run';
import { runWatch } from '../../main/cli/watch-command';
import { initializedFixture, rawDb } from '../support/engine-fixture';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const byName = (v: { checks: { name: string; interval_s: number; interval_source: string }[] }) => Object.fromEntries(v.checks.map((c) => [c.name, `${c.interval_s} ${c.interval_source}`]));

describe('effective check intervals', () => {
  it('default, then the user setting, then the running host override; the scheduler keeps to them', async () => {
    const fx = await initializedFixture();
    let status = await fx.call('checks.status', {});
    expect(byName(status)).toEqual({ audit_verify: '86400 default', evidence_crosscheck: '3600 default', drill_cadence: '86400 default', rotation_age: '86400 default', access_review: '86400 default' });
    expect(status.host).toBeNull();

    status = await fx.call('checks.settings', { audit_verify_interval_s: 7200, rotation_age_interval_s: 43_200 });
    expect(byName(status)).toMatchObject({ audit_verify: '7200 setting', rotation_age: '43200 setting', evidence_crosscheck: '3600 default' });
    expect(status.checks.find((c) => c.name === 'audit_verify')!.default_interval_s).toBe(86_400);

    // The scheduler runs audit verify every 2 h now, not daily.
    const scheduler = new CheckScheduler(fx.kw, {});
    await scheduler.tick();
    const verifies = () => rawDb(fx).prepare("SELECT COUNT(*) FROM check_runs WHERE check_name = 'audit_verify'").pluck().get();
    expect(verifies()).toBe(1);
    fx.clock.advance(HOUR);
    await scheduler.tick();
    expect(verifies()).toBe(1);
    fx.clock.advance(HOUR + 1000);
    await scheduler.tick();
    expect(verifies()).toBe(2);
    status = await fx.call('checks.status', {});
    const verify = status.checks.find((c) => c.name === 'audit_verify')!;
    expect(Date.parse(verify.next_run_at) - Date.parse(verify.last_run!.finished_at)).toBe(2 * HOUR);

    // A host started with its own override: status (read through the handler, as another process would) says so.
    const host = new CheckScheduler(fx.kw, { host: 'watch', tickMs: 60_000, intervals: { evidence_crosscheck: 600_000, audit_verify: 1_800_000 } }).start();
    status = await fx.call('checks.status', {});
    expect(byName(status)).toMatchObject({ audit_verify: '1800 host', evidence_crosscheck: '600 host', rotation_age: '43200 setting', drill_cadence: '86400 default' });
    expect(status.host).toMatchObject({ name: 'watch', pid: process.pid, tick_s: 60 });
    await host.stop();
    status = await fx.call('checks.status', {});
    expect(status.host).toBeNull();
    expect(byName(status)).toMatchObject({ audit_verify: '7200 setting', evidence_crosscheck: '3600 default' });

    // 0 puts a check back to its default.
    status = await fx.call('checks.settings', { audit_verify_interval_s: 0 });
    expect(byName(status)).toMatchObject({ audit_verify: '86400 default', rotation_age: '43200 setting' });
  });

  it('with two hosts, the newest is the one shown; the older takes over when it stops', async () => {
    const fx = await initializedFixture();
    const older = new CheckScheduler(fx.kw, { host: 'desktop', tickMs: 60_000, firstTickMs: DAY, intervals: { drill_cadence: 7_200_000 } }).start();
    fx.clock.advance(1000);
    const newer = new CheckScheduler(fx.kw, { host: 'watch', tickMs: 60_000, firstTickMs: DAY, intervals: { drill_cadence: 600_000 } }).start();
    await older.tick();
    let status = await fx.call('checks.status', {});
    expect(status.host?.name).toBe('watch');
    expect(byName(status)).toMatchObject({ drill_cadence: '600 host' });
    await newer.stop();
    expect((await fx.call('checks.status', {})).host).toBeNull();
    await older.tick();
    status = await fx.call('checks.status', {});
    expect(status.host?.name).toBe('desktop');
    expect(byName(status)).toMatchObject({ drill_cadence: '7200 host' });
    await older.stop();
  });

  it('a host that died (no heartbeat for two ticks and a minute) no longer counts', async () => {
    const fx = await initializedFixture();
    const host = new CheckScheduler(fx.kw, { host: 'web-host', tickMs: 60_000, firstTickMs: DAY, intervals: { drill_cadence: 3_600_000 } }).start();
    expect((await fx.call('checks.status', {})).host?.name).toBe('web-host');
    fx.clock.advance(3 * 60_000 + 1);
    const status = await fx.call('checks.status', {});
    expect(status.host).toBeNull();
    expect(byName(status)).toMatchObject({ drill_cadence: '86400 default' });
    await host.stop();
  });

  it('refuses intervals that are not whole seconds from 60 s to 30 days, and changes nothing', async () => {
    const fx = await initializedFixture();
    await fx.call('checks.settings', { evidence_crosscheck_interval_s: 900 });
    for (const bad of [59, -60, 1.5, 30 * 86_400 + 1, Number.MAX_SAFE_INTEGER, '900', null]) {
      await expect(fx.call('checks.settings', { evidence_crosscheck_interval_s: bad as number }), String(bad)).rejects.toMatchObject({ code: 'invalid_input' });
    }
    await expect(fx.call('checks.settings', { sometimes_interval_s: 60 } as never)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(byName(await fx.call('checks.status', {}))).toMatchObject({ evidence_crosscheck: '900 setting' });
    // A hand-edited row cannot make a check run every second: it falls back to the default.
    rawDb(fx).prepare("UPDATE user_settings SET value = ? WHERE key = 'checks'").run(JSON.stringify({ pause_on_battery: false, intervals_s: { evidence_crosscheck: 1, audit_verify: 'x' } }));
    expect(byName(await fx.call('checks.status', {}))).toMatchObject({ evidence_crosscheck: '3600 default', audit_verify: '86400 default' });
  });
});

describe('effective intervals from the CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-intervals-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { KEYWARDEN_PASSPHRASE: 'correct horse battery staple', TZ: 'UTC' };
  async function kw(args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli([...args, '--data-dir', dir], { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
    return { code, out, err };
  }

  it('`checks` sets, `status` shows the setting, then the running watch\'s flags', async () => {
    expect((await kw(['init'])).code).toBe(0);
    const set = await kw(['checks', '--drill-cadence-interval-s', '21600']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/Drill cadence reminder\s+every 6 h \(your setting\)/);
    expect(set.out).toMatch(/checks: no host runs them now/);

    let status = await kw(['status']);
    expect(status.out).toMatch(/Continuous checks: no host runs them now/);
    expect(status.out).toMatch(/Drill cadence reminder\s+every 6 h \(your setting\)/);
    expect(status.out).toMatch(/Audit log verify\s+daily \(default\)/);

    let release!: () => void;
    const stopped = new Promise<void>((r) => (release = r));
    const out: string[] = [];
    const watching = runWatch(['--data-dir', dir, '--tick-seconds', '600', '--evidence-crosscheck-interval-s', '900', '--drill-cadence-interval-s', '120'], { stdout: (t) => void out.push(t), stderr: () => {}, env }, () => stopped);
    await expect.poll(async () => (await kw(['status'])).out, { timeout: 10_000 }).toMatch(/Continuous checks: run by watch \(pid \d+\)/);
    status = await kw(['status']);
    expect(status.out).toMatch(/Evidence fetch and cross-check \(customer-KMS tenants\)\s+every 15 min \(set by the running host\)/);
    expect(status.out).toMatch(/Drill cadence reminder\s+every 2 min \(set by the running host\)/);
    const json = JSON.parse((await kw(['status', '--json'])).out) as { checks: { host: { name: string; tick_s: number }; checks: { name: string; interval_s: number }[] } };
    expect(json.checks.host).toMatchObject({ name: 'watch', tick_s: 600 });
    release();
    expect(await watching).toBe(0);
    status = await kw(['status']);
    expect(status.out).toMatch(/Drill cadence reminder\s+every 6 h \(your setting\)/);
  });

  it('a bad interval flag is one error line with its code', async () => {
    const err: string[] = [];
    expect(await runWatch(['--once', '--data-dir', dir, '--audit-verify-interval-s', '5'], { stdout: () => {}, stderr: (t) => void err.push(t), env })).toBe(1);
    expect(err.join('')).toMatch(/^error \[invalid_input\]: audit_verify_interval_s: must be a whole number of seconds from 60 to 2592000/);
    const bad = await kw(['checks', '--rotation-age-interval-s', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/invalid_input/);
  });
});
