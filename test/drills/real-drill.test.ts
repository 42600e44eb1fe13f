import { describe, expect, it } from 'vitest';
import { CALLER, rawDb } from '../support/engine-fixture';
import { DrillService } from '../../core/drills/service';
import { followDrillProgress } from '../../main/cli/drill-progress';
import { auditActions, byokFixture, tenantRow } from '../seal/byok-fixture';

describe('real drills (watching the provider while the operator revokes access)', () => {
  it('records the kill, the seal within the TTL, the restore and the auto-unseal of the REAL tenant', async () => {
    const fx = await byokFixture(5);
    const start = fx.clock.now();
    // The operator's console, on the drill's clock: revoke at +95 s, re-grant at +700 s.
    const sleep = async (ms: number) => {
      fx.clock.advance(ms);
      const t = fx.clock.now() - start;
      fx.kms.fail(t >= 95_000 && t < 700_000 ? 'access_denied' : null);
    };
    const drills = new DrillService(fx.kw, { sleep });
    const lines: string[] = [];
    const stop = followDrillProgress((l) => lines.push(l));
    const d = await drills.run({ tenant: 'acme', scenario: 'deny', agents: 4, real: true, poll_interval: 10, duration: '30m', wait: true }, CALLER).finally(stop);
    // What the CLI prints on stderr while it watches: events as they happen, a status per poll.
    expect(lines.find((l) => l.includes(' KILL '))).toMatch(/\+100 s {2}KILL {2}the provider refused the active master key: access_denied/);
    expect(lines.filter((l) => l.includes(' poll ')).length).toBe(73);
    expect(lines.some((l) => / poll {2}provider access_denied · SEALED · \d+ live sessions/.test(l))).toBe(true);
    expect(d).toMatchObject({ kind: 'real', state: 'done', error: null });
    const r = d.result!;
    expect(r.kill_at).toBe(new Date(start + 100_000).toISOString()); // first poll after the revoke
    expect(r.sealed_within_bound).toBe(true);
    expect(r.time_to_seal_s!).toBeLessThanOrEqual(300);
    expect(r.sessions_refused).toBeGreaterThan(0);
    expect(r.sessions_issued_while_sealed).toBe(0);
    expect(r.restore_at).toBe(new Date(start + 700_000).toISOString());
    expect(r.time_to_unseal_s!).toBeLessThanOrEqual(30);
    expect(r).toMatchObject({ records_checked: 5, records_lost: 0 });
    expect(d.timeline.find((e) => e.kind === 'stop')!.detail).toBe('sealed, restored and unsealed');
    // It really happened to the tenant: sealed, audited, unsealed.
    expect(tenantRow(fx).sealed_since).toBeNull();
    expect(await auditActions(fx, 'byok.kms.seal')).toHaveLength(1);
    expect((await auditActions(fx, 'byok.kms.unseal'))[0]!.payload).toMatchObject({ method: 'auto' });
    expect((await auditActions(fx, 'drill.run'))[0]!.payload).toMatchObject({ kind: 'real', state: 'done' });
  });

  it('ends at its duration when nobody revokes anything, saying the tenant never sealed', async () => {
    const fx = await byokFixture(2);
    const drills = new DrillService(fx.kw, { sleep: async (ms) => fx.clock.advance(ms) });
    const d = await drills.run({ tenant: 'acme', scenario: 'partition', agents: 2, real: true, poll_interval: 30, duration: 300, wait: true }, CALLER);
    expect(d.result).toMatchObject({ kill_at: null, time_to_seal_s: null, sealed_within_bound: false, sessions_refused: 0, records_checked: 2, records_lost: 0 });
    expect(d.timeline.find((e) => e.kind === 'stop')!.detail).toBe('duration reached');
    expect(d.result!.duration_s).toBe(300);
  });

  it('runs in real time in the background and stops when cancelled', async () => {
    const fx = await byokFixture(1);
    const drills = new DrillService(fx.kw); // the real, cancellable sleep
    const started = await drills.run({ tenant: 'acme', scenario: 'deny', agents: 1, real: true, poll_interval: 60, duration: 600, wait: false }, CALLER);
    expect(started.state).toBe('running');
    expect(drills.list({ limit: 10 })[0]).toMatchObject({ id: started.id, state: 'running' });
    drills.cancel(started.id);
    await drills.settle(); // a 600 s drill: only a working cancel lets this resolve within the test's timeout
    const done = drills.show(started.id);
    expect(done.state).toBe('cancelled');
    expect(done.timeline.find((e) => e.kind === 'stop')!.detail).toBe('cancelled by the operator');
    expect(() => drills.cancel(started.id)).toThrow(/only a running drill can be cancelled/);
  });

  it('marks a running drill whose process died as interrupted', async () => {
    const fx = await byokFixture(0);
    const drills = new DrillService(fx.kw);
    const started = await drills.run({ tenant: 'acme', scenario: 'deny', agents: 1, real: true, poll_interval: 60, duration: 600, wait: false }, CALLER);
    drills.cancel(started.id);
    await drills.settle();
    // A second process (a fresh service) finds a row left running by a runner that stopped beating.
    rawDb(fx).prepare("UPDATE drills SET state = 'running', heartbeat_at = ? WHERE id = ?").run(new Date(fx.clock.now()).toISOString(), started.id);
    const other = new DrillService(fx.kw);
    expect(other.show(started.id).state).toBe('running');
    fx.clock.advance(181_000);
    expect(other.show(started.id)).toMatchObject({ state: 'interrupted', error: expect.stringMatching(/stopped before it finished/) });
  });
});
