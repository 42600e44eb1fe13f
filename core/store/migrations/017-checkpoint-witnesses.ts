/**
 * Checkpoint witnesses (issue 16 B): which witnesses this installation writes to (zero,
 * one or several; each borrows a tenant's onboarded provider config or carries its own,
 * never a credential value), one row per witness run (what was witnessed, the kms_calls
 * correlation id, the outcome and why it failed), and the witness records last read back
 * from the providers' logs (a cache for the screens and reports: verification reads
 * the provider again).
 */
export const migration017 = {
  version: 17,
  name: 'checkpoint witnesses',
  sql: `
CREATE TABLE witness_configs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('aws_kms', 'gcp_logging', 'azure_secret')),
  target_ref TEXT NOT NULL,
  tenant_id TEXT REFERENCES tenants (id),
  -- The witness's own provider config (JSON), when it borrows no tenant's.
  config TEXT CHECK (config IS NULL OR json_valid(config)),
  read_endpoint TEXT,
  created_at TEXT NOT NULL,
  CHECK ((tenant_id IS NULL) <> (config IS NULL)),
  UNIQUE (kind, target_ref)
) STRICT;

CREATE TABLE witness_runs (
  id INTEGER PRIMARY KEY,
  witness_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('interval', 'export', 'manual')),
  tree_size INTEGER NOT NULL CHECK (tree_size >= 0),
  root_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ok', 'failed')),
  failure_reason TEXT,
  failure_message TEXT,
  correlation_id TEXT,
  provider_event_id TEXT,
  provider_time TEXT,
  CHECK ((state = 'failed') = (failure_reason IS NOT NULL))
) STRICT;
CREATE INDEX witness_runs_witness_finished ON witness_runs (witness_id, finished_at);

CREATE TABLE witness_records (
  witness_id TEXT NOT NULL,
  provider_event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ok', 'malformed', 'foreign_origin')),
  problem TEXT,
  origin TEXT,
  tree_size INTEGER,
  root_hash TEXT,
  provider_time TEXT,
  correlation_id TEXT,
  raw TEXT NOT NULL,
  read_at TEXT NOT NULL,
  PRIMARY KEY (witness_id, provider_event_id)
) STRICT;
`,
};
