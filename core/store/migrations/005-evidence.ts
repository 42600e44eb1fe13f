/**
 * The evidence cross-check: per-tenant settings, how far each provider log (source) has
 * been read, the provider records read (normalized, raw kept), and cross-check runs with
 * one slim row per classified call or record (display fields come by join).
 */
export const migration005 = {
  version: 5,
  name: 'evidence cross-check',
  sql: `
CREATE TABLE evidence_settings (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
  settings TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE evidence_sources (
  source_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  provider TEXT NOT NULL CHECK (provider IN ('aws', 'gcp', 'azure')),
  key_ref TEXT NOT NULL,
  read_until TEXT,
  last_fetch_at TEXT,
  last_fetch_state TEXT CHECK (last_fetch_state IN ('done', 'failed', 'cancelled', 'skipped')),
  last_error TEXT,
  UNIQUE (tenant_id, provider, key_ref)
) STRICT;

CREATE TABLE provider_events (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES evidence_sources (source_id),
  tenant_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at TEXT NOT NULL,
  key_ref TEXT NOT NULL,
  operation TEXT NOT NULL,
  provider_operation TEXT NOT NULL,
  principal TEXT,
  source_address TEXT,
  user_agent TEXT,
  correlation_id TEXT,
  request_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
  error_code TEXT,
  raw TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  UNIQUE (source_id, event_id)
) STRICT;
CREATE INDEX provider_events_tenant_at ON provider_events (tenant_id, at);

CREATE TABLE evidence_runs (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  tenant_id TEXT,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  counts TEXT NOT NULL,
  coverage TEXT NOT NULL,
  timeline TEXT NOT NULL
) STRICT;

-- One row per classified call or record, written a million at a time: keyed (run_id, seq)
-- and nothing more (no secondary index, no per-row foreign key check); a run's rows are
-- read in seq order, filtered as they are read. Old runs' rows are pruned by the engine.
CREATE TABLE evidence_results (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  class TEXT NOT NULL CHECK (class IN ('matched', 'principal_mismatch', 'app_only_pending', 'app_only_missing', 'provider_only', 'failed_call', 'key_event')),
  call_id INTEGER,
  event_row INTEGER,
  matched_by TEXT CHECK (matched_by IN ('correlation_id', 'request_id', 'fallback')),
  PRIMARY KEY (run_id, seq),
  CHECK (call_id IS NOT NULL OR event_row IS NOT NULL)
) STRICT, WITHOUT ROWID;
`,
};
