/**
 * Job control outside the worker's loop: claiming a job (start, resume, take over),
 * pausing and resuming it (operator, after unseal), expiring it at the end of its lease
 * term, and superseding older jobs when a newer rotation queues its own.
 *
 * Older jobs: a rotation pins its job's target; a later rotation queues a new job with a
 * newer target, and every unfinished older job of the tenant becomes `superseded` (its
 * worker stops at its next batch boundary; the batch in flight rolls back). The newest
 * job covers every row not on its target, including rows the older job had already
 * moved, so rows are never split across an abandoned target: they end on the newest
 * target, and no job ever writes a version other than its own pinned target.
 */
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { sealedError } from '../engine/master-keys';
import { keySuffix } from '../engine/redact';
import { REWRAP_LEASE_MS } from '../engine/rewrap-queue';
import { KeywardenError } from '../errors';
import type { RewrapJobFields, RewrapJobRecord } from '../store/keyring-store';
import { leaseIsLive, leaseTermOver } from './lease';

const UNFINISHED = new Set(['queued', 'running', 'paused', 'expired']);

export function jobPayload(ctx: EngineContext, j: RewrapJobRecord): Record<string, unknown> {
  const tenant = ctx.store.tenantById(j.tenant_id);
  return {
    tenant: tenant?.slug ?? j.tenant_id,
    lease_id: j.lease_id,
    target_version: j.target_version,
    processed: j.processed,
    skipped: j.skipped,
    failed: j.failed,
    total: j.total,
  };
}

export function requireJob(ctx: EngineContext, leaseId: number): RewrapJobRecord {
  const j = ctx.store.rewrapJob(leaseId);
  if (!j) throw new KeywardenError('not_found', `no rewrap job with lease id ${leaseId}`, { field: 'lease_id' });
  return j;
}

/** A paused job the engine may resume by itself: stopped for shutdown, or sealed and since unsealed. */
export function autoResumable(ctx: EngineContext, j: RewrapJobRecord): boolean {
  if (j.state !== 'paused') return false;
  if (j.pause_reason === 'shutdown') return true;
  return j.pause_reason === 'sealed' && ctx.store.tenantById(j.tenant_id)?.sealed_since === null;
}

/** Jobs `runPendingRewraps` picks up. */
export function isRunnable(ctx: EngineContext, j: RewrapJobRecord, staleAfterMs: number): boolean {
  if (j.state === 'queued') return true;
  if (j.state === 'running') return !leaseIsLive(j, ctx.clock.now(), staleAfterMs);
  return autoResumable(ctx, j);
}

export function supersedeOlderJobs(ctx: EngineContext, tenantId: string, caller: Caller = ctx.system): number[] {
  return ctx.store.transaction(() => {
    const [newest, ...older] = ctx.store.rewrapJobs(tenantId);
    if (!newest) return [];
    const at = isoAt(ctx.clock);
    const superseded: number[] = [];
    for (const j of older) {
      if (!UNFINISHED.has(j.state) || j.target_version >= newest.target_version) continue;
      ctx.store.updateRewrapJob(j.lease_id, { state: 'superseded', superseded_by: newest.lease_id, lease_owner: null, pause_reason: null, updated_at: at });
      ctx.audit.append(caller, 'rewrap.superseded', tenantId, { ...jobPayload(ctx, j), superseded_by: newest.lease_id, new_target_version: newest.target_version });
      superseded.push(j.lease_id);
    }
    return superseded;
  });
}

function expire(ctx: EngineContext, j: RewrapJobRecord, caller: Caller): RewrapJobRecord {
  ctx.store.transaction(() => {
    const at = isoAt(ctx.clock);
    if (ctx.store.claimRewrapJob(j.lease_id, j, { state: 'expired', lease_owner: null, updated_at: at })) {
      ctx.audit.append(caller, 'rewrap.expired', j.tenant_id, { ...jobPayload(ctx, j), lease_expires_at: j.lease_expires_at });
    }
  });
  return requireJob(ctx, j.lease_id);
}

export type ClaimResult = { claimed: true; job: RewrapJobRecord } | { claimed: false; job: RewrapJobRecord };

/**
 * Takes a job's lease for `owner`. Throws `lease_held` while another worker's lease is
 * live, `conflict` for a finished job or one paused by the operator or a KMS error
 * (resume it first), `tenant_sealed` for one paused by a seal that still holds. A job past
 * its lease term is marked `expired` instead (claimed: false).
 */
export function claimJob(
  ctx: EngineContext,
  leaseId: number,
  owner: string,
  opts: { staleAfterMs: number; batchSize: number; pace: number | null | undefined; caller: Caller },
): ClaimResult {
  for (let attempt = 0; attempt < 5; attempt++) {
    const j = requireJob(ctx, leaseId);
    const now = ctx.clock.now();
    if (!UNFINISHED.has(j.state)) throw new KeywardenError('conflict', `rewrap job ${leaseId} is ${j.state}`, { lease_id: leaseId, state: j.state });
    if (j.state === 'running' && leaseIsLive(j, now, opts.staleAfterMs)) {
      throw new KeywardenError('lease_held', `rewrap job ${leaseId} is being run by ${j.lease_owner} (heartbeat ${j.heartbeat_at}); its lease is live`, {
        lease_id: leaseId,
        lease_owner: j.lease_owner,
      });
    }
    if (j.state === 'paused' && !autoResumable(ctx, j)) {
      const tenant = ctx.store.tenantById(j.tenant_id)!;
      if (j.pause_reason === 'sealed') throw sealedError(tenant);
      throw new KeywardenError('conflict', `rewrap job ${leaseId} is paused (${j.pause_reason ?? 'unknown'}): resume it first (keywarden rewrap resume --lease-id ${leaseId})`, {
        lease_id: leaseId,
        pause_reason: j.pause_reason,
      });
    }
    if (j.state === 'expired') return { claimed: false, job: j };
    if (leaseTermOver(j, now)) return { claimed: false, job: expire(ctx, j, opts.caller) };
    const at = new Date(now).toISOString();
    const fields: RewrapJobFields = {
      state: 'running',
      lease_owner: owner,
      heartbeat_at: at,
      updated_at: at,
      pause_reason: null,
      started_at: j.started_at ?? at,
      batch_size: opts.batchSize,
      ...(opts.pace !== undefined ? { pace_rows_s: opts.pace && opts.pace > 0 ? opts.pace : null } : {}),
    };
    const won = ctx.store.transaction(() => {
      if (!ctx.store.claimRewrapJob(leaseId, j, fields)) return false;
      const tenant = ctx.store.tenantById(j.tenant_id)!;
      const base = { ...jobPayload(ctx, j), worker: owner };
      if (j.started_at === null) {
        ctx.audit.append(opts.caller, 'rewrap.started', j.tenant_id, { ...base, batch_size: opts.batchSize, pace_rows_s: fields.pace_rows_s ?? j.pace_rows_s, key_ref: keySuffix(tenant.kms_key_ref) });
      } else if (j.state === 'running') {
        ctx.audit.append(opts.caller, 'rewrap.resumed', j.tenant_id, { ...base, reason: 'lease_takeover', previous_worker: j.lease_owner });
      } else if (j.state === 'paused') {
        ctx.audit.append(opts.caller, 'rewrap.resumed', j.tenant_id, { ...base, reason: j.pause_reason === 'sealed' ? 'unsealed' : 'restart' });
      }
      return true;
    });
    if (won) return { claimed: true, job: requireJob(ctx, leaseId) };
  }
  throw new KeywardenError('lease_held', `rewrap job ${leaseId}: another worker claimed it at the same moment`, { lease_id: leaseId });
}

export function pauseJob(ctx: EngineContext, caller: Caller, leaseId: number): RewrapJobRecord {
  ctx.store.transaction(() => {
    const j = requireJob(ctx, leaseId);
    if (j.state === 'paused' && j.pause_reason === 'operator') return;
    if (j.state !== 'queued' && j.state !== 'running' && j.state !== 'paused') {
      throw new KeywardenError('conflict', `rewrap job ${leaseId} is ${j.state}: nothing to pause`, { lease_id: leaseId, state: j.state });
    }
    // Clearing the owner fences the running worker: its next batch does not commit.
    ctx.store.updateRewrapJob(leaseId, { state: 'paused', pause_reason: 'operator', lease_owner: null, updated_at: isoAt(ctx.clock) });
    ctx.audit.append(caller, 'rewrap.paused', j.tenant_id, { ...jobPayload(ctx, j), reason: 'operator' });
  });
  return requireJob(ctx, leaseId);
}

/**
 * Makes a paused job runnable again (the next `rewrap run`, or the host's background
 * runner, continues it from its cursors). An expired job gets a new 7-day lease term.
 */
export function resumeJob(ctx: EngineContext, caller: Caller, leaseId: number, reason: 'operator' | 'unsealed' = 'operator'): RewrapJobRecord {
  ctx.store.transaction(() => {
    const j = requireJob(ctx, leaseId);
    if (j.state === 'queued' || j.state === 'running') return;
    const at = isoAt(ctx.clock);
    if (j.state === 'paused') {
      const tenant = ctx.store.tenantById(j.tenant_id)!;
      if (tenant.sealed_since !== null) throw sealedError(tenant);
      ctx.store.updateRewrapJob(leaseId, { state: 'queued', pause_reason: null, last_error: null, lease_owner: null, updated_at: at });
      ctx.audit.append(caller, 'rewrap.resumed', j.tenant_id, { ...jobPayload(ctx, j), reason, paused_for: j.pause_reason });
      return;
    }
    if (j.state === 'expired') {
      const term = new Date(ctx.clock.now() + REWRAP_LEASE_MS).toISOString();
      ctx.store.updateRewrapJob(leaseId, { state: 'queued', lease_expires_at: term, lease_owner: null, updated_at: at });
      ctx.audit.append(caller, 'rewrap.resumed', j.tenant_id, { ...jobPayload(ctx, j), reason, lease_renewed: true, lease_expires_at: term });
      return;
    }
    throw new KeywardenError('conflict', `rewrap job ${leaseId} is ${j.state}: it cannot be resumed`, { lease_id: leaseId, state: j.state });
  });
  return requireJob(ctx, leaseId);
}

/** For the unseal path: jobs paused by this tenant's seal become runnable again. */
export function resumeAfterUnseal(ctx: EngineContext, tenantId: string, caller: Caller = ctx.system): number[] {
  const paused = ctx.store.rewrapJobs(tenantId).filter((j) => j.state === 'paused' && j.pause_reason === 'sealed');
  return paused.map((j) => resumeJob(ctx, caller, j.lease_id, 'unsealed').lease_id);
}
