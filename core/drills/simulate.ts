/**
 * A simulated kill-switch drill on a virtual clock: in a scratch copy of the tenant
 * (sandbox.ts), N agents ask for and renew sessions; at the kill time the fault layer
 * starts answering as the scenario says (deny / partition / key_disabled); at the restore
 * time it passes again. The engine's own code seals, refuses, expires and auto-unseals;
 * the drill only moves the clock from one due event to the next, so a 20-minute scenario
 * takes as long as its KMS calls do.
 */
import type { DrillScenario } from '../api/seal-types';
import { requireTenant, ttlFor } from '../engine/tenant-lookup';
import { KeywardenError } from '../errors';
import type { Keywarden } from '../keywarden';
import { AgentFleet } from './agent-fleet';
import { attemptSession } from './attempt';
import { lostBetween, readableRecords } from './integrity';
import type { DrillRecorder } from './recorder';
import { drillResult, type Observations } from './results';
import { openSandbox } from './sandbox';
import { PollLog } from './poll-log';

export interface SimulatedParams {
  tenant: string;
  scenario: DrillScenario;
  agents: number;
  kill_after_s: number;
  restore_after_s: number;
  duration_s: number;
}

/** A hard stop for a scenario that stops moving forward (a bug, never a normal end). */
const MAX_STEPS = 2_000_000;

/** `checkpoint` is called at every step with the virtual seconds since the start; true cancels. */
export async function runSimulatedDrill(kw: Keywarden, params: SimulatedParams, recorder: DrillRecorder, agentPrefix: string, drillId: string, checkpoint: (elapsedS: number) => boolean = () => false) {
  const wallStart = performance.now();
  const real = requireTenant(kw.ctx.store, params.tenant);
  const start = recorder.startMs;
  const sandbox = openSandbox(kw, real, start, drillId);
  try {
    const { ctx, clock, services } = sandbox;
    const slug = real.slug;
    const tid = real.id;
    const killAt = start + params.kill_after_s * 1000;
    const restoreAt = killAt + params.restore_after_s * 1000;
    const end = start + params.duration_s * 1000;
    recorder.event(start, 'start', `scratch copy of "${slug}" with ${sandbox.records} records; ${params.agents} agents; ${params.scenario} at +${params.kill_after_s} s, restore ${params.restore_after_s} s later`);
    const before = await readableRecords(ctx, slug);
    recorder.event(clock.now(), 'integrity_baseline', `${before.readable.size} of ${before.checked} records read before the kill`);

    const names = Array.from({ length: params.agents }, (_, i) => `${agentPrefix}-${String(i + 1).padStart(3, '0')}`);
    let firstRefusal = false;
    const fleet = new AgentFleet(
      names,
      start,
      (agent) => attemptSession(ctx, services.sessions, slug, agent, (m) => recorder.event(clock.now(), 'error', `${agent}: ${m}`)),
      (at, agent, outcome) => {
        recorder.count(at, outcome);
        if (outcome === 'refused' && !firstRefusal) {
          firstRefusal = true;
          recorder.event(at, 'first_refusal', `${agent} was refused a session: 503 tenant_sealed`);
        }
      },
    );

    const obs: Omit<Observations, 'accepted' | 'refused' | 'issuedWhileSealed' | 'lastSessionExpiredAt' | 'recordsChecked' | 'lostRecords' | 'durationMs' | 'wallMs'> = {
      killAt: null,
      sealedAt: null,
      restoreAt: null,
      unsealedAt: null,
      sealBoundMs: ttlFor(real.wrap_method),
    };
    let wasSealed = false;
    const polls = new PollLog(recorder);
    const observe = (now: number) => {
      const t = ctx.store.tenantById(tid)!;
      const sealedNow = t.sealed_since !== null;
      if (sealedNow && !wasSealed) {
        const at = Date.parse(t.sealed_since!);
        if (obs.killAt !== null && obs.sealedAt === null) obs.sealedAt = at;
        const why = t.last_verify_error ? (JSON.parse(t.last_verify_error) as { reason: string }).reason : 'unknown';
        recorder.event(at, 'sealed', `tenant sealed (${why}); byok.kms.seal audited`);
      }
      if (!sealedNow && wasSealed) {
        if (obs.restoreAt !== null && obs.unsealedAt === null) obs.unsealedAt = now;
        recorder.event(now, 'unsealed', `tenant unsealed by the auto-unseal poller after ${polls.failed} failed polls; byok.kms.unseal (method auto) audited`);
      }
      wasSealed = sealedNow;
      recorder.sample(now, services.sessions.countLive(tid, new Date(now).toISOString()), sealedNow);
    };

    let steps = 0;
    for (;;) {
      if (checkpoint((clock.now() - start) / 1000)) throw new KeywardenError('conflict', 'the drill was cancelled');
      if (++steps > MAX_STEPS) throw new KeywardenError('internal', 'the simulated drill stopped making progress');
      const candidates = [fleet.nextDueAt(), services.monitor.nextDueAt() ?? Infinity, end];
      if (obs.killAt === null) candidates.push(killAt);
      if (obs.restoreAt === null) candidates.push(restoreAt);
      const t = Math.max(clock.now(), Math.min(...candidates));
      if (t > end) break;
      clock.set(t);
      if (obs.killAt === null && t >= killAt) {
        services.faults.set({ tenant_id: tid, mode: params.scenario, latency_ms: null, probability: null, set_at: new Date(t).toISOString(), set_by: ctx.system.actor });
        obs.killAt = t;
        recorder.event(t, 'kill', `fault injection: ${params.scenario} (${params.scenario === 'deny' ? 'IAM grant revoked' : params.scenario === 'partition' ? 'KMS unreachable' : 'KMS key disabled'})`);
      }
      if (obs.restoreAt === null && t >= restoreAt) {
        services.faults.clear(tid);
        obs.restoreAt = t;
        recorder.event(t, 'restore', 'fault injection back to pass (access restored)');
      }
      for (const e of await services.monitor.runDue()) polls.note(clock.now(), e);
      observe(clock.now());
      await fleet.runDue(clock.now());
      observe(clock.now());
      if (t >= end) break;
    }

    const after = await readableRecords(ctx, slug);
    const lost = lostBetween(before, after);
    recorder.event(clock.now(), 'integrity_check', `${after.readable.size} of ${after.checked} records read after the drill; ${lost.length} lost`);
    const sealedIso = obs.sealedAt === null ? null : new Date(obs.sealedAt).toISOString();
    const lastExpiry = sealedIso ? services.sessions.lastExpiryIssuedBefore(tid, sealedIso) : null;
    if (lastExpiry) {
      const after = Date.parse(lastExpiry) > end ? ' (after the drill ended: restore came before it)' : '';
      recorder.event(Date.parse(lastExpiry), 'last_session_expired', `the last session issued before the seal ran out${after}`);
    }
    recorder.timeline.sort((a, b) => a.t_s - b.t_s);
    return drillResult({
      ...obs,
      accepted: fleet.accepted,
      refused: fleet.refused,
      issuedWhileSealed: sealedIso ? services.sessions.countIssuedBetween(tid, sealedIso, new Date(obs.unsealedAt ?? end).toISOString()) : 0,
      lastSessionExpiredAt: lastExpiry,
      recordsChecked: after.checked,
      lostRecords: lost,
      durationMs: clock.now() - start,
      wallMs: performance.now() - wallStart,
    });
  } finally {
    sandbox.close();
  }
}
