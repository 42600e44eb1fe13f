/**
 * The seal monitor, one per engine, driven by whatever clock the engine has:
 * - auto-unseal (seed 002): every 30 s while a tenant is sealed (not permanently), one
 *   unseal attempt; success audits `byok.kms.unseal` with method `auto`;
 * - kill-switch watch: for a tenant with live agent sessions, the active key is
 *   re-verified the moment its cache entry expires, so a revoked grant seals the tenant
 *   within one cache TTL of the kill even when no agent happens to renew just then.
 * `nextDueAt` and `runDue` let a virtual clock drive it; `startSealMonitor` runs it on
 * real timers in the hosts.
 */
import { isoAt } from '../clock';
import type { EngineContext } from '../engine/context';
import { activeKey } from '../engine/master-keys';
import { MasterKeyCache } from '../engine/master-key-cache';
import { isKeywardenError } from '../errors';
import type { SessionStore } from './session-store';
import { unsealTenant } from './unseal';

export const AUTO_UNSEAL_INTERVAL_MS = 30_000;

export interface MonitorEvent {
  at: string;
  tenant: string;
  kind: 'unsealed' | 'unseal_failed' | 'sealed' | 'verified' | 'error';
  detail: string;
}

export class SealMonitor {
  /** When each tenant was last tried (unseal or verify): the next try is 30 s later. */
  private readonly lastTry = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly sessions: SessionStore,
    readonly intervalMs = AUTO_UNSEAL_INTERVAL_MS,
  ) {}

  /** When the next unseal attempt or key verification is due (ms), or undefined if nothing is watched. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    const take = (t: number) => (next = next === undefined ? t : Math.min(next, t));
    for (const t of this.ctx.store.listTenants()) {
      if (t.sealed_since !== null && t.sealed_permanently === 0) take((this.lastTry.get(t.id) ?? Date.parse(t.sealed_since)) + this.intervalMs);
    }
    for (const id of this.sessions.tenantsWithLiveSessions(isoAt(this.ctx.clock))) {
      const due = this.verifyDueAt(id);
      if (due !== undefined) take(due);
    }
    return next;
  }

  /** Runs every attempt that is due now; never throws. */
  async runDue(): Promise<MonitorEvent[]> {
    const now = this.ctx.clock.now();
    const events: MonitorEvent[] = [];
    const event = (tenant: string, kind: MonitorEvent['kind'], detail: string) => events.push({ at: isoAt(this.ctx.clock), tenant, kind, detail });
    for (const t of this.ctx.store.listTenants()) {
      if (t.sealed_since === null || t.sealed_permanently === 1) continue;
      if ((this.lastTry.get(t.id) ?? Date.parse(t.sealed_since)) + this.intervalMs > now) continue;
      this.lastTry.set(t.id, now);
      try {
        const r = await unsealTenant(this.ctx, t, 'auto', this.ctx.system);
        this.lastTry.delete(t.id);
        event(t.slug, 'unsealed', `auto-unsealed after ${r.sealed_for_s} s sealed`);
      } catch (e) {
        if (isKeywardenError(e) && e.code === 'not_sealed') continue;
        event(t.slug, isKeywardenError(e) && e.code === 'unseal_failed' ? 'unseal_failed' : 'error', isKeywardenError(e) ? e.message : 'unexpected error');
      }
    }
    for (const id of this.sessions.tenantsWithLiveSessions(isoAt(this.ctx.clock))) {
      const due = this.verifyDueAt(id);
      if (due === undefined || due > now) continue;
      const t = this.ctx.store.tenantById(id)!;
      try {
        await activeKey(this.ctx, t);
        this.lastTry.delete(id);
        event(t.slug, 'verified', 'active master key re-verified at cache expiry');
      } catch (e) {
        this.lastTry.set(id, now);
        const sealed = isKeywardenError(e) && e.code === 'tenant_sealed';
        event(t.slug, sealed ? 'sealed' : 'error', isKeywardenError(e) ? e.message : 'unexpected error');
      }
    }
    return events;
  }

  private verifyDueAt(tenantId: string): number | undefined {
    const t = this.ctx.store.tenantById(tenantId);
    if (!t || t.sealed_since !== null) return undefined;
    const v = this.ctx.store.activeKeyVersion(tenantId);
    if (!v) return undefined;
    const expires = this.ctx.cache.expiresAt(MasterKeyCache.keyFor(tenantId, v.version));
    const retry = this.lastTry.get(tenantId);
    const due = expires ?? this.ctx.clock.now();
    return retry !== undefined ? Math.max(due, retry + this.intervalMs) : due;
  }
}

export interface Timer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimer: Timer = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface RunningMonitor {
  stop(): Promise<void>;
}

/** Runs a monitor on timers: it sleeps until the next due time, never longer than its interval. */
export function runMonitor(monitor: SealMonitor, clock: { now(): number }, opts: { timer?: Timer; onEvent?: (e: MonitorEvent) => void } = {}): RunningMonitor {
  const timer = opts.timer ?? realTimer;
  let handle: unknown;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    const next = monitor.nextDueAt();
    const delay = next === undefined ? monitor.intervalMs : Math.min(monitor.intervalMs, Math.max(0, next - clock.now()));
    handle = timer.setTimeout(() => {
      running = monitor
        .runDue()
        .then((events) => events.forEach((e) => opts.onEvent?.(e)))
        .catch(() => {})
        .finally(schedule);
    }, delay);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      timer.clearTimeout(handle);
      await running;
    },
  };
}
