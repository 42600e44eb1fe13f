/**
 * Runs the continuous checks while a host lives (Electron main, the web host, `keywarden
 * watch`): at every tick, each check whose last run is older than its interval runs, one
 * at a time, its outcome is recorded and its new alerts handed to the host (a desktop
 * notification, an in-page notice). Seals are looked at every tick. The clock and the
 * timer are injected, so tests run days of checks in milliseconds. Work that is heavy
 * (audit verify over a large log, large cross-checks) already runs on worker threads.
 */
import type { CheckAlertView, CheckView, ChecksStatusView } from '../api/checks-types';
import type { Keywarden } from '../keywarden';
import { dbOf } from '../seal/db';
import { lastCheckRun, recordCheckRun, type CheckName } from '../overview/check-runs';
import { listAlerts, raiseAlert, unseenAlerts } from './alerts';
import { CHECKS, sealAlerts, type CheckDefinition } from './definitions';
import { readChecksSettings, type ChecksSettings } from './settings';
import { effectiveInterval, type EffectiveInterval, type IntervalsS } from './intervals';
import { beatHostRecord, clearHostRecord, liveHostRecord, writeHostRecord, type ChecksHostRecord } from './host-record';

export interface CheckTimer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Timers that keep the process alive (`keywarden watch`) or not (hosts with their own life). */
export const timers = (keepAlive: boolean): CheckTimer => ({
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    if (!keepAlive) h.unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
});

export interface SchedulerOptions {
  /** How often due checks are looked for; default one minute. */
  tickMs?: number;
  /** Delay before the first tick; default one tick. */
  firstTickMs?: number;
  /** Overrides of each check's interval in ms (`keywarden watch` flags, tests); they win over the user's setting. */
  intervals?: Partial<Record<CheckName, number>>;
  /** The host's name in its record (desktop, web-host, watch): what Settings says runs the checks. */
  host?: string;
  timer?: CheckTimer;
  onAlert?: (alert: CheckAlertView) => void;
  onRun?: (name: CheckName, outcome: string, summary: string) => void;
  /** True while the machine is on battery power (Electron's powerMonitor); checks pause then if the user said so. */
  onBattery?: () => boolean;
  log?: (line: string) => void;
}

/** The host's overrides in seconds, as the host record and effectiveInterval take them. */
function overridesS(options: Pick<SchedulerOptions, 'intervals'>): IntervalsS {
  return Object.fromEntries(Object.entries(options.intervals ?? {}).map(([k, ms]) => [k, ms / 1000])) as IntervalsS;
}

/** This check's interval in the host that runs it: its override, else the user's setting, else the default. */
export function intervalOf(check: CheckDefinition, settings: ChecksSettings, host: IntervalsS | undefined): EffectiveInterval {
  return effectiveInterval(check.name, check.intervalMs, settings.intervals_s, host);
}

/** When a check is due: its last run's end plus its interval; never run: now. */
export function nextRunAt(kw: Keywarden, check: CheckDefinition, intervalMs: number): number {
  const last = lastCheckRun(dbOf(kw.ctx), check.name);
  return last ? Date.parse(last.finished_at) + intervalMs : kw.ctx.clock.now();
}

/**
 * What Settings and `status` show. The intervals are those of the host running the checks
 * now (its record), or, when none runs, what a host started now would use.
 */
export function checksStatus(kw: Keywarden): ChecksStatusView {
  const db = dbOf(kw.ctx);
  const settings = readChecksSettings(db);
  const host = liveHostRecord(db, kw.ctx.clock.now());
  const checks: CheckView[] = CHECKS.map((c) => {
    const last = lastCheckRun(db, c.name);
    const interval = intervalOf(c, settings, host?.intervals_s);
    return {
      name: c.name,
      label: c.label,
      interval_s: Math.round(interval.ms / 1000),
      interval_source: interval.source,
      default_interval_s: Math.round(c.intervalMs / 1000),
      last_run: last ? { started_at: last.started_at, finished_at: last.finished_at, outcome: last.outcome, summary: last.summary } : null,
      next_run_at: new Date(nextRunAt(kw, c, interval.ms)).toISOString(),
    };
  });
  return {
    checks,
    alerts: listAlerts(db),
    unseen: unseenAlerts(db),
    pause_on_battery: settings.pause_on_battery,
    host: host ? { name: host.host, pid: host.pid, started_at: host.started_at, heartbeat_at: host.heartbeat_at, tick_s: host.tick_s } : null,
  };
}

export class CheckScheduler {
  private handle: unknown;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private readonly timer: CheckTimer;
  private readonly tickMs: number;
  /** This host's record while started (see host-record.ts). */
  private record: ChecksHostRecord | undefined;

  constructor(
    private readonly kw: Keywarden,
    private readonly options: SchedulerOptions = {},
  ) {
    this.timer = options.timer ?? timers(false);
    this.tickMs = options.tickMs ?? 60_000;
  }

  private raise(alerts: Parameters<typeof raiseAlert>[1][]): CheckAlertView[] {
    const db = dbOf(this.kw.ctx);
    const at = new Date(this.kw.ctx.clock.now()).toISOString();
    const raised = alerts.map((a) => raiseAlert(db, a, at)).filter((a): a is CheckAlertView => a !== null);
    for (const a of raised) this.options.onAlert?.(a);
    return raised;
  }

  /**
   * Checkpoint witnesses due by their own interval (the log grew and the last witness is
   * older): a few provider calls, off the audit append path. A failing witness is a
   * failed run in witness_runs (status and Settings show it), never a stopped tick.
   */
  private async witness(): Promise<void> {
    try {
      const out = await this.kw.witness.witnessIfDue();
      for (const r of out.runs) this.options.log?.(`[witness] ${r.witness_id} ${r.state}${r.failure_reason ? ` (${r.failure_reason})` : ''} at ${r.tree_size} entries`);
    } catch (e) {
      const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : 'internal';
      this.options.log?.(`[witness] run failed: ${code}`);
    }
  }

  /** Runs every due check once (and the seal watch); returns the alerts raised. */
  async tick(): Promise<CheckAlertView[]> {
    const db = dbOf(this.kw.ctx);
    if (this.record) beatHostRecord(db, (this.record = { ...this.record, heartbeat_at: new Date(this.kw.ctx.clock.now()).toISOString() }), this.kw.ctx.clock.now());
    const raised = this.raise(sealAlerts(this.kw));
    // Read every tick: a changed setting applies without restarting the host.
    const settings = readChecksSettings(db);
    if (settings.pause_on_battery && this.options.onBattery?.()) return raised;
    await this.witness();
    for (const check of CHECKS) {
      if (this.stopped) break;
      if (nextRunAt(this.kw, check, intervalOf(check, settings, overridesS(this.options)).ms) > this.kw.ctx.clock.now()) continue;
      const started = new Date(this.kw.ctx.clock.now()).toISOString();
      try {
        const out = await check.run(this.kw);
        if (!out.recorded) recordCheckRun(db, { check_name: check.name, started_at: started, finished_at: new Date(this.kw.ctx.clock.now()).toISOString(), outcome: out.outcome, summary: out.summary, details: {} });
        this.options.onRun?.(check.name, out.outcome, out.summary);
        raised.push(...this.raise(out.alerts));
      } catch (e) {
        // The code only: an unexpected error's text may hold anything.
        const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : 'internal';
        const message = e && typeof e === 'object' && 'code' in e && e instanceof Error ? e.message : 'internal error';
        if (check.name !== 'audit_verify') recordCheckRun(db, { check_name: check.name, started_at: started, finished_at: new Date(this.kw.ctx.clock.now()).toISOString(), outcome: 'error', summary: `${code}: ${message}`, details: {} });
        this.options.onRun?.(check.name, 'error', code);
        this.options.log?.(`[checks] ${check.name} failed: ${code}`);
      }
    }
    return raised;
  }

  start(): this {
    const at = new Date(this.kw.ctx.clock.now()).toISOString();
    this.record = { host: this.options.host ?? 'host', pid: process.pid, started_at: at, heartbeat_at: at, tick_s: this.tickMs / 1000, intervals_s: overridesS(this.options) };
    writeHostRecord(dbOf(this.kw.ctx), this.record);
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((e: unknown) => this.options.log?.(`[checks] tick failed: ${e instanceof Error ? e.name : typeof e}`))
        .finally(() => {
          if (!this.stopped) this.handle = this.timer.setTimeout(loop, this.tickMs);
        });
    };
    // The first tick waits one tick (or firstTickMs): the host answers its window first.
    this.handle = this.timer.setTimeout(loop, this.options.firstTickMs ?? this.tickMs);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.clearTimeout(this.handle);
    await this.running;
    if (this.record) clearHostRecord(dbOf(this.kw.ctx), this.record);
    this.record = undefined;
  }
}
