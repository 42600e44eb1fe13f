/**
 * The rewrap lease. A job's lease has a term (7 days from queueing, `lease_expires_at`:
 * past it an unfinished job is `expired`, seed 000) and, while a worker runs it, an owner
 * that proves it is alive with a heartbeat. A live lease cannot be taken (`lease_held`);
 * a lease whose heartbeat is stale, or whose owner process on this host is gone, has
 * expired and is taken over: the job resumes from its cursors. Claims are one
 * compare-and-set statement, so two processes cannot both win.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { RewrapJobRow } from '../store/rows';
import { LEASE_STALE_MS } from './types';

export function newOwnerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when the owner names a process on this host that no longer exists. */
export function ownerProcessGone(owner: string): boolean {
  const last = owner.lastIndexOf(':');
  const mid = owner.lastIndexOf(':', last - 1);
  if (mid <= 0) return false;
  const host = owner.slice(0, mid);
  const pid = Number(owner.slice(mid + 1, last));
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function leaseIsLive(job: Pick<RewrapJobRow, 'state' | 'lease_owner' | 'heartbeat_at'>, nowMs: number, staleAfterMs = LEASE_STALE_MS): boolean {
  if (job.state !== 'running' || !job.lease_owner || !job.heartbeat_at) return false;
  if (nowMs - Date.parse(job.heartbeat_at) >= staleAfterMs) return false;
  return !ownerProcessGone(job.lease_owner);
}

export function leaseTermOver(job: Pick<RewrapJobRow, 'lease_expires_at'>, nowMs: number): boolean {
  return nowMs >= Date.parse(job.lease_expires_at);
}
