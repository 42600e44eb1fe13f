/** The contract's view of a rewrap job: counts, percent, rows/s, ETA and lease liveness. */
import type { RewrapJobView } from '../api/types';
import type { RewrapJobRecord } from '../store/keyring-store';
import { leaseIsLive } from './lease';
import { LEASE_STALE_MS, type RewrapProgress } from './types';

function rateOf(j: RewrapJobRecord): number | null {
  return j.rate_rows_s !== null && j.rate_rows_s > 0 ? Math.round(j.rate_rows_s * 10) / 10 : null;
}

function remainingOf(j: RewrapJobRecord): number {
  return Math.max(0, j.total - j.processed - j.skipped - j.failed);
}

function etaOf(j: RewrapJobRecord, rate: number | null): number | null {
  if (j.state === 'done') return 0;
  return (j.state === 'running' || j.state === 'queued') && rate ? Math.ceil(remainingOf(j) / rate) : null;
}

export function rewrapProgressOf(j: RewrapJobRecord): RewrapProgress {
  const rate = rateOf(j);
  return {
    lease_id: j.lease_id,
    tenant_id: j.tenant_id,
    target_version: j.target_version,
    state: j.state,
    processed: j.processed,
    skipped: j.skipped,
    failed: j.failed,
    total: j.total,
    rows_per_s: rate,
    eta_seconds: etaOf(j, rate),
  };
}

export function rewrapJobView(j: RewrapJobRecord, nowMs: number, staleAfterMs = LEASE_STALE_MS): RewrapJobView {
  const rate = rateOf(j);
  const done = j.processed + j.skipped + j.failed;
  return {
    lease_id: j.lease_id,
    tenant_id: j.tenant_id,
    target_version: j.target_version,
    state: j.state,
    created_at: j.created_at,
    updated_at: j.updated_at,
    lease_expires_at: j.lease_expires_at,
    processed: j.processed,
    skipped: j.skipped,
    failed: j.failed,
    total: j.total,
    remaining: remainingOf(j),
    percent: j.state === 'done' ? 100 : j.total > 0 ? Math.min(100, Math.floor((done / j.total) * 1000) / 10) : 0,
    rows_per_s: rate,
    eta_seconds: etaOf(j, rate),
    pause_reason: j.pause_reason,
    pace_rows_s: j.pace_rows_s,
    batch_size: j.batch_size,
    lease_owner: j.lease_owner,
    heartbeat_at: j.heartbeat_at,
    lease_live: leaseIsLive(j, nowMs, staleAfterMs),
    started_at: j.started_at,
    superseded_by: j.superseded_by,
    last_error: j.last_error,
    finished_at: j.finished_at,
  };
}
