import { describe, expect, it } from 'vitest';
import { AUTO_UNSEAL_INTERVAL_MS, runMonitor, type Timer } from '../../core/seal/monitor';
import { sealServices } from '../../core/seal/services';
import type { Fixture } from '../support/engine-fixture';
import { auditActions, byokFixture, tenantRow } from './byok-fixture';

/** Moves the fixture's virtual clock from one due time to the next until `until`, running the monitor. */
async function driveMonitor(fx: Fixture, until: number, onStep: (now: number) => void = () => {}): Promise<void> {
  const monitor = sealServices(fx.kw.ctx).monitor;
  for (let steps = 0; steps < 10_000; steps++) {
    const due = monitor.nextDueAt();
    if (due === undefined || due > until) break;
    fx.clock.set(Math.max(due, fx.clock.now()));
    onStep(fx.clock.now());
    await monitor.runDue();
  }
  fx.clock.set(Math.max(until, fx.clock.now()));
}

describe('seal monitor on a virtual clock', () => {
  it('seals within one cache TTL of the kill even when no agent asks, because it re-verifies at cache expiry', async () => {
    const fx = await byokFixture(0);
    const start = fx.clock.now(); // the onboarding cached the key now
    await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'a' });
    fx.clock.advance(120_000);
    const kill = fx.clock.now();
    fx.kms.fail('access_denied');
    fx.clock.set(start + 240_000); // the agent renews on time, from the still-cached key
    await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'a' });
    // Its next renewal would be at +480 s, past kill + TTL (+420 s): the monitor must not wait for it.
    await driveMonitor(fx, start + 470_000);
    const sealedAt = Date.parse(tenantRow(fx).sealed_since!);
    expect(sealedAt).toBe(start + 300_000);
    expect(sealedAt - kill).toBeLessThanOrEqual(300_000);
  });

  it('auto-unseals within 30 s of restore, audited with method auto', async () => {
    const fx = await byokFixture(0);
    fx.kms.fail('unreachable');
    fx.clock.advance(300_001);
    expect((await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).code).toBe('tenant_sealed');
    await driveMonitor(fx, fx.clock.now() + 95_000); // three failed polls
    expect(tenantRow(fx).sealed_since).not.toBeNull();
    const restore = fx.clock.now() + 17_000;
    let restored = false;
    await driveMonitor(fx, restore + 120_000, (now) => {
      if (!restored && now >= restore) {
        fx.kms.fail(null);
        restored = true;
      }
    });
    // The clock may have passed `restore` between polls: the restore took effect at the first step after it.
    const unseal = (await fx.call('audit.list', { action: 'byok.kms.unseal' }))[0]!;
    expect(unseal.payload).toMatchObject({ method: 'auto' });
    expect(Date.parse(unseal.at) - restore).toBeLessThanOrEqual(AUTO_UNSEAL_INTERVAL_MS);
    expect(Date.parse(unseal.at)).toBeGreaterThanOrEqual(restore);
    expect(tenantRow(fx).sealed_since).toBeNull();
    expect((await auditActions(fx, 'byok.kms.seal')).length).toBe(1);
  });

  it('polls a sealed tenant every 30 s and never more often', async () => {
    const fx = await byokFixture(0);
    fx.kms.fail('access_denied');
    fx.clock.advance(300_001);
    await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' });
    const sealedAt = fx.clock.now();
    const before = fx.kms.calls.unwrap;
    await driveMonitor(fx, sealedAt + 5 * 60_000);
    expect(fx.kms.calls.unwrap - before).toBe(10);
  });

  it('runs on injected timers, sleeping at most one interval, and stops cleanly', async () => {
    const fx = await byokFixture(0);
    const delays: number[] = [];
    let pending: (() => void) | undefined;
    const timer: Timer = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        pending = fn;
        return delays.length;
      },
      clearTimeout: () => {
        pending = undefined;
      },
    };
    const running = runMonitor(sealServices(fx.kw.ctx).monitor, fx.clock, { timer });
    expect(delays).toEqual([AUTO_UNSEAL_INTERVAL_MS]); // nothing watched: sleep one interval
    await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' }); // now watched: its cached key expires 300 s after onboarding
    fx.clock.advance(290_000);
    pending!();
    await new Promise((r) => setTimeout(r, 10));
    expect(delays[1]).toBe(10_000); // wakes exactly at the cache expiry
    await running.stop();
    expect(pending).toBeUndefined();
  });
});
