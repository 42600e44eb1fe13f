/** Turns what a drill observed into its result figures. */
import type { DrillResult } from '../api/seal-types';
import { AUTO_UNSEAL_INTERVAL_MS } from '../seal/monitor';

export interface Observations {
  killAt: number | null;
  sealedAt: number | null;
  restoreAt: number | null;
  unsealedAt: number | null;
  sealBoundMs: number;
  accepted: number;
  refused: number;
  issuedWhileSealed: number;
  lastSessionExpiredAt: string | null;
  recordsChecked: number;
  lostRecords: string[];
  durationMs: number;
  wallMs: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const secs = (from: number | null, to: number | null) => (from === null || to === null ? null : Math.round((to - from) / 100) / 10);

export function drillResult(o: Observations): DrillResult {
  const timeToSeal = secs(o.killAt, o.sealedAt);
  const timeToUnseal = secs(o.restoreAt, o.unsealedAt);
  return {
    kill_at: iso(o.killAt),
    sealed_at: iso(o.sealedAt),
    time_to_seal_s: timeToSeal,
    seal_bound_s: o.sealBoundMs / 1000,
    sealed_within_bound: timeToSeal !== null && timeToSeal * 1000 <= o.sealBoundMs,
    sessions_accepted: o.accepted,
    sessions_refused: o.refused,
    sessions_issued_while_sealed: o.issuedWhileSealed,
    last_session_expired_at: o.lastSessionExpiredAt,
    restore_at: iso(o.restoreAt),
    unsealed_at: iso(o.unsealedAt),
    time_to_unseal_s: timeToUnseal,
    unseal_bound_s: AUTO_UNSEAL_INTERVAL_MS / 1000,
    unsealed_within_bound: timeToUnseal !== null && timeToUnseal * 1000 <= AUTO_UNSEAL_INTERVAL_MS,
    records_checked: o.recordsChecked,
    records_lost: o.lostRecords.length,
    lost_records: o.lostRecords.slice(0, 20),
    duration_s: Math.round(o.durationMs / 100) / 10,
    wall_ms: Math.round(o.wallMs),
  };
}
