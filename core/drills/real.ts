/**
 * A real drill: the operator revokes the grant (or disables the key, or cuts the network)
 * in the cloud console while Keywarden watches the REAL tenant in real time. Every poll
 * interval the drill asks the provider directly for the active master key (one unwrap,
 * bypassing the cache), lets due agents renew real sessions, runs the seal monitor, and
 * writes down what changed. It stops at its duration, when cancelled, or once the tenant
 * has sealed, been restored and unsealed again.
 */
import type { DrillScenario } from '../api/seal-types';
import type { Clock } from '../clock';
import { refOf } from '../engine/master-keys';
import { requireTenant, ttlFor } from '../engine/tenant-lookup';
import type { Keywarden } from '../keywarden';
import { KmsError } from '../providers/types';
import { sealServices } from '../seal/services';
import { AgentFleet } from './agent-fleet';
import { attemptSession } from './attempt';
import { lostBetween, readableRecords } from './integrity';
import type { DrillRecorder } from './recorder';
import { PollLog } from './poll-log';
import { drillResult } from './results';

export interface RealParams {
  tenant: string;
  scenario: DrillScenario;
  agents: number;
  poll_interval_s: number;
  duration_s: number;
}

export interface RealDeps {
  clock: Clock;
  /** Waits `ms` (real time in production; tests may move a manual clock instead). */
  sleep: (ms: number) => Promise<void>;
  isCancelled: () => boolean;
  /** Called after every poll with the drill's progress so far and a one-line status. */
  onProgress: (status: string) => void;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runRealDrill(kw: Keywarden, params: RealParams, recorder: DrillRecorder, agentPrefix: string, deps: RealDeps) {
  const ctx = kw.ctx;
  const services = sealServices(ctx);
  const wallStart = performance.now();
  const tenant = requireTenant(ctx.store, params.tenant);
  const start = recorder.startMs;
  const end = start + params.duration_s * 1000;
  const now = () => deps.clock.now();
  recorder.event(start, 'start', `watching "${tenant.slug}" every ${params.poll_interval_s} s for up to ${params.duration_s} s with ${params.agents} agents; revoke access now (${params.scenario})`);
  const before = await readableRecords(ctx, tenant.slug);
  recorder.event(now(), 'integrity_baseline', `${before.readable.size} of ${before.checked} records read before the kill`);

  const names = Array.from({ length: params.agents }, (_, i) => `${agentPrefix}-${String(i + 1).padStart(3, '0')}`);
  let firstRefusal = false;
  const fleet = new AgentFleet(
    names,
    start,
    (agent) => attemptSession(ctx, services.sessions, tenant.slug, agent, (m) => recorder.event(now(), 'error', `${agent}: ${m}`)),
    (at, agent, outcome) => {
      recorder.count(at, outcome);
      if (outcome === 'refused' && !firstRefusal) {
        firstRefusal = true;
        recorder.event(at, 'first_refusal', `${agent} was refused a session: 503 tenant_sealed`);
      }
    },
  );

  let killAt: number | null = null;
  let restoreAt: number | null = null;
  let sealedAt: number | null = null;
  let unsealedAt: number | null = null;
  let wasSealed = ctx.store.tenantById(tenant.id)!.sealed_since !== null;
  let stopReason = 'duration reached';
  const polls = new PollLog(recorder);

  const probe = async (): Promise<{ ok: true } | { ok: false; reason: string; message: string }> => {
    const v = ctx.store.activeKeyVersion(tenant.id);
    if (!v || v.wrapped_key === null) return { ok: false, reason: 'key_version_revoked', message: 'no active master key version' };
    const wrapped = v.wrapped_key;
    try {
      const r = await ctx.gateway.call(refOf(v), tenant.id, v.version, 'unwrap', (p, c) => p.unwrap(wrapped, c));
      r.plaintext.fill(0);
      return { ok: true };
    } catch (e) {
      if (e instanceof KmsError) return { ok: false, reason: e.reason, message: e.message };
      throw e;
    }
  };

  for (let poll = 0; ; poll++) {
    const t = now();
    const p = await probe();
    if (!p.ok && killAt === null) {
      killAt = t;
      recorder.event(t, 'kill', `the provider refused the active master key: ${p.reason} — ${p.message}`);
    } else if (p.ok && killAt !== null && restoreAt === null) {
      restoreAt = t;
      recorder.event(t, 'restore', 'the provider unwraps the active master key again');
    }
    for (const e of await services.monitor.runDue()) polls.note(now(), e);
    await fleet.runDue(now());
    const row = ctx.store.tenantById(tenant.id)!;
    const sealedNow = row.sealed_since !== null;
    if (sealedNow && !wasSealed) {
      sealedAt ??= Date.parse(row.sealed_since!);
      recorder.event(Date.parse(row.sealed_since!), 'sealed', 'tenant sealed; byok.kms.seal audited');
    }
    if (!sealedNow && wasSealed) {
      if (restoreAt !== null) unsealedAt ??= now();
      recorder.event(now(), 'unsealed', `tenant unsealed after ${polls.failed} failed auto-unseal polls; byok.kms.unseal audited`);
    }
    wasSealed = sealedNow;
    const live = services.sessions.countLive(tenant.id, new Date(now()).toISOString());
    recorder.sample(now(), live, sealedNow);
    deps.onProgress(`provider ${p.ok ? 'ok' : p.reason} · ${sealedNow ? 'SEALED' : 'not sealed'} · ${live} live sessions · ${fleet.accepted} accepted, ${fleet.refused} refused`);
    if (unsealedAt !== null) {
      stopReason = 'sealed, restored and unsealed';
      break;
    }
    if (deps.isCancelled()) {
      stopReason = 'cancelled by the operator';
      break;
    }
    const next = start + (poll + 1) * params.poll_interval_s * 1000;
    if (next > end) break;
    await deps.sleep(Math.max(0, next - now()));
  }
  recorder.event(now(), 'stop', stopReason);

  const stillSealed = ctx.store.tenantById(tenant.id)!.sealed_since !== null;
  let recordsChecked = 0;
  let lost: string[] = [];
  if (stillSealed) {
    recorder.event(now(), 'integrity_skipped', 'the tenant is still sealed: records cannot be read until it unseals (nothing is lost by a seal)');
  } else {
    const after = await readableRecords(ctx, tenant.slug);
    recordsChecked = after.checked;
    lost = lostBetween(before, after);
    recorder.event(now(), 'integrity_check', `${after.readable.size} of ${after.checked} records read after the drill; ${lost.length} lost`);
  }
  const sealedIso = sealedAt === null ? null : new Date(sealedAt).toISOString();
  recorder.timeline.sort((a, b) => a.t_s - b.t_s);
  return {
    cancelled: stopReason === 'cancelled by the operator',
    result: drillResult({
      killAt,
      sealedAt: killAt === null ? null : sealedAt,
      restoreAt,
      unsealedAt,
      sealBoundMs: ttlFor(tenant.wrap_method),
      accepted: fleet.accepted,
      refused: fleet.refused,
      issuedWhileSealed: sealedIso ? services.sessions.countIssuedBetween(tenant.id, sealedIso, new Date(unsealedAt ?? now()).toISOString()) : 0,
      lastSessionExpiredAt: sealedIso ? services.sessions.lastExpiryIssuedBefore(tenant.id, sealedIso) : null,
      recordsChecked,
      lostRecords: lost,
      durationMs: now() - start,
      wallMs: performance.now() - wallStart,
    }),
  };
}
