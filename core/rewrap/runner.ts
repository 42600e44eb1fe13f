/**
 * Running rewrap jobs: one by lease id, or every runnable job (queued, left `running` by a
 * dead worker, paused for shutdown, or paused by a seal that has since been lifted),
 * oldest first. Older jobs a newer rotation made obsolete are superseded before anything
 * runs (see control.ts), whichever path queued the newer job.
 */
import { EventEmitter } from 'node:events';
import type { Caller } from '../engine/audit-trail';
import { needsLocalKey, type EngineContext } from '../engine/context';
import { requireTenant } from '../engine/tenant-lookup';
import { KeywardenError } from '../errors';
import { isRunnable, requireJob, supersedeOlderJobs } from './control';
import { LEASE_STALE_MS, type RewrapOptions, type RewrapProgress, type RewrapRunResult } from './types';
import { runRewrapJob } from './worker';

/**
 * Progress of in-process runs started through the contract (`rewrap.run`), for hosts that
 * show it (the CLI prints it on stderr). Events: `progress` (RewrapProgress).
 */
export const rewrapProgressEvents = new EventEmitter<{ progress: [RewrapProgress] }>();

const lockedOut = (ctx: EngineContext, tenantId: string) => ctx.secrets !== undefined && !ctx.secrets.unlocked() && needsLocalKey(ctx, tenantId);

/** `waitForUnlock`: skip jobs that need the locked local KMS key (the background runner) instead of failing with `secrets_locked`. */
export async function runPendingRewraps(ctx: EngineContext, opts: RewrapOptions & { tenantId?: string; waitForUnlock?: boolean } = {}): Promise<RewrapRunResult[]> {
  const tenants = opts.tenantId ? [opts.tenantId] : ctx.store.listTenants().map((t) => t.id);
  for (const t of tenants) supersedeOlderJobs(ctx, t, opts.caller ?? ctx.system);
  const stale = opts.staleAfterMs ?? LEASE_STALE_MS;
  const tried = new Set<number>();
  const results: RewrapRunResult[] = [];
  for (;;) {
    if (opts.signal?.aborted) break;
    const next = ctx.store
      .rewrapJobs(opts.tenantId)
      // Locked secrets: in the background a job on local keys waits for the unlock rather than pausing at every pass.
      .filter((j) => !tried.has(j.lease_id) && isRunnable(ctx, j, stale) && !(opts.waitForUnlock && lockedOut(ctx, j.tenant_id)))
      .sort((a, b) => a.lease_id - b.lease_id)[0];
    if (!next) break;
    if (lockedOut(ctx, next.tenant_id)) ctx.secrets!.requireUnlocked('local-kms.key');
    tried.add(next.lease_id);
    try {
      results.push(await runRewrapJob(ctx, next.lease_id, opts));
    } catch (e) {
      // Another process claimed it between the look and the claim: it is in good hands.
      if (e instanceof KeywardenError && e.code === 'lease_held') continue;
      throw e;
    }
  }
  return results;
}

export interface RunRequest {
  tenant?: string;
  lease_id?: number;
  pace_rows_s?: number;
  batch_size?: number;
}

/** `rewrap.run`: one job (lease_id), a tenant's runnable jobs, or all of them; runs to the end or a pause. */
export async function runRewraps(ctx: EngineContext, caller: Caller, req: RunRequest, extra: RewrapOptions = {}): Promise<RewrapRunResult[]> {
  const opts: RewrapOptions = {
    ...extra,
    caller,
    ...(req.batch_size !== undefined ? { batchSize: req.batch_size } : {}),
    ...(req.pace_rows_s !== undefined ? { paceRowsPerSecond: req.pace_rows_s } : {}),
  };
  const tenantId = req.tenant ? requireTenant(ctx.store, req.tenant).id : undefined;
  if (req.lease_id === undefined) return runPendingRewraps(ctx, { ...opts, ...(tenantId ? { tenantId } : {}) });
  const job = requireJob(ctx, req.lease_id);
  if (tenantId && job.tenant_id !== tenantId) {
    throw new KeywardenError('not_found', `rewrap job ${req.lease_id} is not a job of tenant "${req.tenant}"`, { field: 'lease_id' });
  }
  supersedeOlderJobs(ctx, job.tenant_id, caller);
  const now = requireJob(ctx, req.lease_id);
  if (now.state === 'superseded') return [{ job: now, outcome: 'superseded' }];
  if (lockedOut(ctx, now.tenant_id)) ctx.secrets!.requireUnlocked('local-kms.key');
  return [await runRewrapJob(ctx, req.lease_id, opts)];
}
