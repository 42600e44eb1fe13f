/**
 * Result types of the checkpoint-witness methods (issue 16 B). Plain data only, so the
 * renderer can import them; no credential value, only the target and its config's shape.
 */
import type { ChainVerification } from './types';

export type WitnessKindName = 'aws_kms' | 'gcp_logging' | 'azure_secret';

export interface WitnessRunView {
  id: number;
  witness_id: string;
  started_at: string;
  finished_at: string;
  trigger: 'interval' | 'export' | 'manual';
  tree_size: number;
  /** base64 */
  root_hash: string;
  state: 'ok' | 'failed';
  /** access_denied, unreachable, key_disabled, invalid_key, throttled, invalid_config, endpoint_not_allowed... */
  failure_reason: string | null;
  failure_message: string | null;
  /** The kms_calls row of the write. */
  correlation_id: string | null;
  provider_event_id: string | null;
  provider_time: string | null;
}

export interface WitnessView {
  id: string;
  kind: WitnessKindName;
  /** "AWS KMS Encrypt, recorded by CloudTrail" */
  label: string;
  target_ref: string;
  /** The tenant whose onboarded config and credentials it uses; null when it has its own config. */
  tenant: string | null;
  /** The witness's own config (no credential values), null when it borrows a tenant's. */
  config: Record<string, unknown> | null;
  read_endpoint: string | null;
  permission: string;
  created_at: string;
  /** never_run, ok (last run witnessed), failing (last run failed: retried at the next run). */
  state: 'never_run' | 'ok' | 'failing';
  last_run: WitnessRunView | null;
  last_ok: WitnessRunView | null;
  last_failure: WitnessRunView | null;
  /** What the kind found about its target when it was added (Azure: no purge protection); empty otherwise. */
  warnings: string[];
}

/** The witnesses at a glance, for status, Settings and the Audit screen's strip. */
export interface WitnessStatusView {
  interval_minutes: number;
  witnesses: number;
  /** none: no witness configured; ok; failing: a witness's last run failed; behind: the log grew and the last witness is older than the interval. */
  state: 'none' | 'ok' | 'failing' | 'behind';
  last_witnessed_at: string | null;
  last_witnessed_size: number | null;
  /** Entries appended since the last witnessed checkpoint. */
  entries_since: number;
  failing: { id: string; kind: WitnessKindName; reason: string; message: string; at: string }[];
  /** A sentence for people. */
  summary: string;
}

export interface WitnessListView {
  status: WitnessStatusView;
  witnesses: WitnessView[];
  /** Newest first, a few dozen: the Audit screen's timeline marks. */
  recent_runs: WitnessRunView[];
}

export interface WitnessNowView {
  /** The checkpoint witnessed; null when no witness is configured or nothing was due. */
  checkpoint: { tree_size: number; root_hash: string; origin: string } | null;
  runs: WitnessRunView[];
  /** Why nothing ran ("no witness configured", "not due: ..."), else null. */
  skipped: string | null;
}

/** One record read back from a provider's log, as the verification saw it. */
export interface WitnessRecordView {
  witness_id: string;
  kind: WitnessKindName;
  state: 'ok' | 'malformed' | 'foreign_origin';
  problem: string | null;
  origin: string | null;
  tree_size: number | null;
  root_hash: string | null;
  provider_event_id: string;
  provider_time: string | null;
  correlation_id: string | null;
}

export interface WitnessedCheckpointView extends WitnessRecordView {
  /** consistent: the local log has exactly this root at this size; inconsistent: it does not (history rewritten). */
  verdict: 'consistent' | 'inconsistent';
  /** For inconsistent: what differs, in words. */
  reason: string | null;
  /** The local log's root at that size (base64), null when the log is shorter. */
  local_root: string | null;
}

export interface WitnessVerificationView {
  /** False when any witnessed checkpoint is inconsistent or the log itself fails verification. */
  ok: boolean;
  /** The ordinary verification (chain, tree, signed checkpoints). */
  log: ChainVerification;
  entries: number;
  witnessed: WitnessedCheckpointView[];
  /** The first witnessed checkpoint (by tree size) that no longer matches: the alarm. */
  first_inconsistent: WitnessedCheckpointView | null;
  /** Malformed and other-origin records: reported, never trusted. */
  untrusted: WitnessRecordView[];
  /** Witness writes not (yet) found in the provider's log: within the delivery delay, or missing. */
  unconfirmed: (WitnessRunView & { kind: WitnessKindName; overdue: boolean })[];
  /** A witness whose log could not be read: its records are unchecked. */
  read_errors: { witness_id: string; kind: WitnessKindName; message: string }[];
  gap: { last_witnessed_at: string | null; last_witnessed_size: number | null; entries_since: number; minutes_since: number | null };
  read_at: string;
}
