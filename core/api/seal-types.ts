/**
 * Result types of the sealed-state, session, fault-injection and drill methods (issue 5).
 * Plain data only, so the renderer can import them. A session token appears only in
 * SessionIssued, once; everywhere else a session is named by its id.
 */
export type FaultMode = 'pass' | 'deny' | 'partition' | 'key_disabled' | 'latency' | 'flaky';
export type DrillScenario = 'deny' | 'partition' | 'key_disabled';
export type DrillState = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface SessionIssued {
  session_id: string;
  /** Shown once: only its SHA-256 is stored. */
  token: string;
  tenant: string;
  agent: string;
  key_version: number;
  issued_at: string;
  expires_at: string;
  ttl_s: number;
  /** Agents renew this long after issue (4 minutes), before the TTL runs out. */
  renew_after_s: number;
}

export interface SessionCheck {
  valid: boolean;
  /** Why a known token no longer works; `unknown` for a token never issued. */
  reason: 'live' | 'expired' | 'ended' | 'unknown';
  session_id: string | null;
  tenant: string | null;
  agent: string | null;
  expires_at: string | null;
  remaining_s: number;
}

export interface SessionView {
  session_id: string;
  agent: string;
  key_version: number;
  issued_at: string;
  expires_at: string;
  ended_at: string | null;
  live: boolean;
}

export interface UnsealResult {
  unsealed: true;
  tenant: string;
  method: 'manual' | 'auto';
  sealed_since: string;
  sealed_for_s: number;
}

export interface FaultView {
  tenant: string;
  mode: FaultMode;
  latency_ms: number | null;
  probability: number | null;
  set_at: string | null;
  set_by: string | null;
}

export interface DrillEvent {
  /** Seconds since the drill started (virtual seconds for a simulated drill). */
  t_s: number;
  at: string;
  kind: string;
  detail: string;
}

/** One bucket of the accepted/refused chart. */
export interface DrillSeriesPoint {
  t_s: number;
  accepted: number;
  refused: number;
  live_sessions: number;
  sealed: boolean;
}

export interface DrillResult {
  kill_at: string | null;
  sealed_at: string | null;
  /** Kill → seal; null when the tenant did not seal. */
  time_to_seal_s: number | null;
  /** One master-key cache TTL: 300 s for customer KMS, 3600 s otherwise. */
  seal_bound_s: number;
  sealed_within_bound: boolean;
  sessions_accepted: number;
  sessions_refused: number;
  /** Must be 0: a sealed tenant issues nothing. */
  sessions_issued_while_sealed: number;
  last_session_expired_at: string | null;
  restore_at: string | null;
  unsealed_at: string | null;
  /** Restore → unseal; null when it did not unseal. */
  time_to_unseal_s: number | null;
  /** The auto-unseal poll interval: 30 s. */
  unseal_bound_s: number;
  unsealed_within_bound: boolean;
  records_checked: number;
  records_lost: number;
  /** Up to 20 names of records that read before the drill and not after. */
  lost_records: string[];
  duration_s: number;
  wall_ms: number;
}

export interface DrillSummary {
  id: string;
  tenant: string;
  kind: 'simulated' | 'real';
  scenario: DrillScenario;
  state: DrillState;
  agents: number;
  started_at: string;
  finished_at: string | null;
  time_to_seal_s: number | null;
  sealed_within_bound: boolean | null;
  sessions_refused: number | null;
  time_to_unseal_s: number | null;
  records_checked: number | null;
  records_lost: number | null;
}

export interface DrillView extends DrillSummary {
  params: Record<string, unknown>;
  result: DrillResult | null;
  timeline: DrillEvent[];
  series: DrillSeriesPoint[];
  error: string | null;
}
