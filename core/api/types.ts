/**
 * Result types of the API contract. Plain data only (no Buffer, no Node types) so the
 * renderer can import them; nothing here can hold key material or a credential value.
 */
import type { SecretsView } from './secrets-types';
import type { StepUpPurpose } from '../engine/step-up-windows';
import type { LogCheckSummary } from './audit-types';
import type { FaultView } from './seal-types';
import type { WitnessStatusView } from './witness-types';

export type RecordTable = 'secret_environment_configs' | 'integration_configs';
export type WrapMethod = 'global' | 'local' | 'operator_kms' | 'customer_kms';
export type KeyStatus = 'active' | 'retired' | 'revoked';

export interface VerifyError {
  provider: string;
  reason: string;
  message: string;
  provider_code?: string;
  at: string;
}

/**
 * Where a customer-KMS tenant's credentials come from. Long-lived ones (an AWS AKIA key
 * from the environment or a shared file, a GCP service-account key file behind ADC, an
 * Azure client secret) are allowed but flagged; keys in the config itself are refused.
 */
export interface CredentialSourceView {
  source: string;
  long_lived: boolean;
  /** "long-lived credentials in use: <source>" when long_lived, else null. */
  warning: string | null;
}

export interface TenantView {
  id: string;
  slug: string;
  wrap_method: WrapMethod;
  provider: string;
  kms_key_ref: string;
  kms_key_ref_suffix: string;
  config: Record<string, unknown>;
  customer_controlled: boolean;
  created_at: string;
  updated_at: string;
  sealed_since: string | null;
  sealed_permanently: boolean;
  last_verify_error: VerifyError | null;
  /** Customer-KMS tenants only: the credential source, flagged when long-lived. */
  credentials: CredentialSourceView | null;
  active_version: number | null;
  record_counts: Record<RecordTable, number>;
}

export interface KeyVersionView {
  id: string;
  version: number;
  wrap_method: WrapMethod;
  provider: string;
  kms_key_ref_suffix: string;
  status: KeyStatus;
  created_at: string;
  retired_at: string | null;
  revoked_at: string | null;
  record_count: number;
}

export interface RecordView {
  id: string;
  table: RecordTable;
  name: string;
  key_version: number;
  created_at: string;
  updated_at: string;
}

export interface AuditEntryView {
  seq: number;
  at: string;
  actor: string;
  address: string;
  action: string;
  tenant_id: string | null;
  payload: Record<string, unknown>;
  entry_hash: string;
}

export interface KmsCallView {
  id: number;
  at: string;
  tenant_id: string;
  provider: string;
  key_ref_suffix: string;
  key_version: number;
  operation: string;
  correlation_id: string;
  /** The engine's principal as the provider's log names it; null when unknown (see principal_note). */
  principal: string | null;
  /** How the principal was learnt, or why it is unknown. */
  principal_note: string | null;
  /** AWS access key id the call was signed with (a public identifier); null for other providers. */
  access_key_id: string | null;
  outcome: string;
  error_message: string | null;
  /**
   * Set when the failure was made up by fault injection, not the provider: the drill's id,
   * or `manual-fault` for a fault an operator set by hand. Such a call is simulated.
   */
  drill_id: string | null;
  duration_ms: number;
}

export interface RewrapJobView {
  lease_id: number;
  tenant_id: string;
  target_version: number;
  /** queued | running | paused | done | failed | expired | superseded */
  state: string;
  created_at: string;
  updated_at: string;
  /** End of the lease term (7 days from queueing): an unfinished job then expires. */
  lease_expires_at: string;
  processed: number;
  skipped: number;
  failed: number;
  total: number;
  /** total - processed - skipped - failed, never below 0. */
  remaining: number;
  /** 0-100, for a progress bar. */
  percent: number;
  /** The rate the worker last measured; null before its first batch. */
  rows_per_s: number | null;
  /** Seconds to finish at rows_per_s while running; 0 when done; null when unknown. */
  eta_seconds: number | null;
  /** Why a paused job paused: operator | kms_error | sealed | shutdown. */
  pause_reason: string | null;
  /** null: as fast as the machine allows. */
  pace_rows_s: number | null;
  batch_size: number | null;
  lease_owner: string | null;
  heartbeat_at: string | null;
  /** A worker holds the lease and its heartbeat is fresh. */
  lease_live: boolean;
  started_at: string | null;
  superseded_by: number | null;
  last_error: string | null;
  finished_at: string | null;
}

/** How one job's run through `rewrap.run` ended, with the job as it was left. */
export interface RewrapRunView {
  lease_id: number;
  /** done | failed | paused | superseded | expired | lost_lease */
  outcome: string;
  job: RewrapJobView;
}

export interface AppStatus {
  initialized: boolean;
  version: string;
  data_dir: string;
  schema_version: number;
  tenants: number;
  sealed_tenants: string[];
  audit_entries: number;
  /** Drill fault injection switched on (anything but pass): shown as a banner so nobody takes a drill for an outage. */
  drill_faults: FaultView[];
  /** The checkpoint witnesses at a glance: configured, failing, behind, the gap since the last. */
  witness: WitnessStatusView;
  /** The installation secrets: how each is stored, the unlock, the last backup. */
  secrets: SecretsView;
}

export interface ProbeResult {
  ok: true;
  provider: string;
  key_id: string;
  /** The engine's principal as the provider's log names it; null when unknown (see principal_note). */
  principal: string | null;
  /** How the principal was learnt, or why it is unknown. */
  principal_note: string | null;
  /** AWS access key id the probe was signed with (a public identifier); null for other providers. */
  access_key_id: string | null;
  credentials: CredentialSourceView | null;
  wrap_ms: number;
  unwrap_ms: number;
}

export interface OnboardResult {
  tenant: TenantView;
  probe: ProbeResult;
  new_version: number;
  rewrap_lease_id: number | null;
}

export interface OffboardResult {
  tenant: TenantView;
  new_version: number;
  rewrap_lease_id: number | null;
}

export interface RotateResult {
  rotated: true;
  new_version: number;
  rewrap_lease_id: number | null;
}

export interface RevokePreview {
  tenant: string;
  version: number;
  status: string;
  records_under_version: number;
  is_active: boolean;
}

export interface RevokeResult {
  revoked: true;
  version: number;
  records_made_unreadable: number;
  tenant_sealed_permanently: boolean;
}

/** The chain check; `audit.verify` adds the Merkle tree and checkpoint check (LogCheckSummary). */
export type ChainVerification = (
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; first_bad_seq: number; reason: string }
) &
  Partial<LogCheckSummary>;

export interface StepUpToken {
  token: string;
  purpose: StepUpPurpose;
  /** The tenant the token is bound to (it is also bound to the caller, and spent by its first use). */
  tenant: string;
  expires_at: string;
}
