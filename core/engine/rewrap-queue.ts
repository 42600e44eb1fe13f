/**
 * Queues a rewrap job (seed 000): target version pinned at creation, lease of 7 days.
 * The worker is separate; the lease id returned here is the job's id.
 */
import { isoAt } from '../clock';
import type { EngineContext } from './context';

export const REWRAP_LEASE_MS = 7 * 24 * 60 * 60_000;

export function queueRewrap(ctx: EngineContext, tenantId: string, targetVersion: number): number {
  const now = ctx.clock.now();
  const counts = ctx.store.countRecords(tenantId);
  const onTarget = ctx.store.countRecords(tenantId, targetVersion);
  return ctx.store.insertRewrapJob({
    tenant_id: tenantId,
    target_version: targetVersion,
    state: 'queued',
    created_at: isoAt(ctx.clock),
    updated_at: isoAt(ctx.clock),
    lease_expires_at: new Date(now + REWRAP_LEASE_MS).toISOString(),
    lease_owner: null,
    heartbeat_at: null,
    processed: 0,
    skipped: 0,
    failed: 0,
    total: counts.secret_environment_configs + counts.integration_configs - onTarget.secret_environment_configs - onTarget.integration_configs,
    last_error: null,
    cursor_secret: '',
    cursor_integration: '',
    finished_at: null,
  });
}
