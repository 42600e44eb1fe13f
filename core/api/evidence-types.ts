/** View types of the evidence cross-check methods (plain data: the renderer imports them). */

export type EvidenceClassName =
  | 'matched'
  | 'matched_weak'
  | 'principal_mismatch'
  | 'app_only_pending'
  | 'app_only_missing'
  | 'provider_only'
  | 'foreign_correlation'
  | 'failed_call'
  | 'key_event';

export interface EvidenceSettingsView {
  tenant: string;
  aws_cloudtrail_endpoint: string | null;
  /** S3 endpoint for reading a trail's archive (evidence import); null: the region's. */
  aws_s3_endpoint: string | null;
  aws_delivery_delay_minutes: number;
  gcp_logging_endpoint: string | null;
  gcp_project: string | null;
  gcp_delivery_delay_minutes: number;
  /** Cloud Storage endpoint for reading a Logging sink's archive (evidence import from gs://); null: Google's. */
  gcp_storage_endpoint: string | null;
  /** Blob service endpoint for reading a diagnostic-settings container (evidence import from azblob://); null: https://<account>.blob.core.windows.net. */
  azure_blob_endpoint: string | null;
  azure_workspace_id: string | null;
  azure_logs_endpoint: string | null;
  azure_table: 'AZKVAuditLogs' | 'AzureDiagnostics';
  azure_delivery_delay_minutes: number;
  match_window_seconds: number;
  initial_lookback_hours: number;
  updated_at: string | null;
}

export interface EvidenceSourceProgress {
  source_id: string;
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  state: 'waiting' | 'reading' | 'done' | 'failed' | 'cancelled' | 'skipped';
  pages: number;
  events: number;
  /** Records that could not be normalized (kept apart with their raw text, counted). */
  unreadable: number;
  /** Records the provider returned for keys this source does not track. */
  other_keys: number;
  /** The provider log is read completely up to here (UTC ISO), after this fetch. */
  read_until: string | null;
  error: string | null;
  /** Why the read stopped: throttled, server_error, bad_response, pagination_loop, page_limit, access_denied, unreachable... */
  error_kind: string | null;
}

export interface EvidenceFetchView {
  running: boolean;
  started_at: string | null;
  finished_at: string | null;
  cancelled: boolean;
  sources: EvidenceSourceProgress[];
  /** With checkpoint witnesses configured: their records read back from the providers' logs in the same fetch. */
  witnesses?: { records: number; untrusted: number; errors: string[] };
}

export interface EvidenceCoverageView {
  tenant: string;
  provider: string;
  source_id: string;
  key_ref_suffix: string;
  /** Engine calls old enough to be in the provider's log. */
  expected: number;
  /** Of those, how many the log shows. */
  seen: number;
  /** seen / expected; null when nothing was expected yet. */
  fraction: number | null;
  health: 'good' | 'degraded' | 'poor' | 'unknown';
  read_until: string | null;
  diagnosis: string | null;
  /** Calls matched only by a time window (no id): likely, not proven, so not counted in `seen`. */
  weak?: number;
  /** The provider's clock minus this machine's, median over proven pairs (ms); null without any. */
  clock_offset_ms?: number | null;
  /** Proven pairs the offset was measured on. */
  clock_offset_pairs?: number;
  /** How the source's last read ended (done, failed, cancelled) and, when it failed, why (a stable word). */
  last_fetch_state: string | null;
  last_error_kind: string | null;
  /** Records of this source that could not be read (kept with their raw text: they may be uses of this key). */
  unreadable: number;
  /** Records read for other keys in the same account or project ("other keys"): the log was read. */
  other_key_records: number;
  /** How far back the last complete read went (it re-reads behind its cursor for late deliveries). */
  reread_from: string | null;
}

export interface EvidenceRunView {
  run_id: number;
  at: string;
  from: string;
  to: string;
  tenant: string | null;
  counts: Record<EvidenceClassName, number>;
  coverage: EvidenceCoverageView[];
  /** Counts per class per time bucket, for the timeline chart. */
  timeline: { bucket_start: string; bucket_ms: number; counts: Partial<Record<EvidenceClassName, number>> }[];
}

export interface EvidenceResultView {
  seq: number;
  class: EvidenceClassName;
  at: string;
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  operation: string;
  provider_operation: string | null;
  matched_by: 'correlation_id' | 'request_id' | 'fallback' | null;
  /** The rule behind the verdict (core/evidence/verdict-reasons.ts). */
  reason: string;
  /** The verdict in words: which rule matched and the time gap, or why nothing did. */
  explanation: string;
  /** Record time minus call time (ms), when a record stands for a call. */
  gap_ms: number | null;
  call_id: number | null;
  event_id: number | null;
  app_principal: string | null;
  /** How the engine learnt its principal, or why it is unknown. */
  app_principal_note: string | null;
  provider_principal: string | null;
  source_address: string | null;
  correlation_id: string | null;
  outcome: string;
}

export interface EvidenceResultsPage {
  run: EvidenceRunView | null;
  rows: EvidenceResultView[];
  /** Total rows matching the filter. */
  total: number;
  next_after_seq: number | null;
}

export interface EvidenceEventView {
  id: number;
  source_id: string;
  tenant: string;
  provider: string;
  event_id: string;
  at: string;
  key_ref: string;
  operation: string;
  provider_operation: string;
  principal: string | null;
  source_address: string | null;
  user_agent: string | null;
  correlation_id: string | null;
  request_id: string | null;
  outcome: string;
  error_code: string | null;
  fetched_at: string;
  /** The record exactly as the provider's log returned it. */
  raw: unknown;
  /** What the latest cross-check run that holds this record made of it, and why. */
  verdict: { run_id: number; class: EvidenceClassName; reason: string; explanation: string } | null;
}
