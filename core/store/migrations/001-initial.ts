/** The keyring: tenants, master key versions, protected records, audit log, jobs, KMS calls. */
export const migration001 = {
  version: 1,
  name: 'initial keyring schema',
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  wrap_method TEXT NOT NULL CHECK (wrap_method IN ('global', 'local', 'operator_kms', 'customer_kms')),
  provider TEXT NOT NULL,
  kms_key_ref TEXT NOT NULL,
  kms_config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sealed_since TEXT,
  last_verify_error TEXT,
  sealed_permanently INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE master_key_versions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  wrap_method TEXT NOT NULL,
  provider TEXT NOT NULL,
  kms_key_ref TEXT NOT NULL,
  kms_config TEXT NOT NULL,
  wrapped_key BLOB,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
  created_at TEXT NOT NULL,
  retired_at TEXT,
  revoked_at TEXT,
  UNIQUE (tenant_id, version),
  CHECK ((status = 'revoked') = (wrapped_key IS NULL))
) STRICT;
CREATE UNIQUE INDEX master_key_versions_one_active ON master_key_versions (tenant_id) WHERE status = 'active';

CREATE TABLE secret_environment_configs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  wrapped_dek BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;
CREATE INDEX secret_environment_configs_version ON secret_environment_configs (tenant_id, key_version);

CREATE TABLE integration_configs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  wrapped_dek BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;
CREATE INDEX integration_configs_version ON integration_configs (tenant_id, key_version);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  tenant_id TEXT,
  payload TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  entry_hash BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_action ON audit_log (action);

CREATE TABLE audit_tree_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_checkpoints (
  tree_size INTEGER PRIMARY KEY,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE rewrap_jobs (
  lease_id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  target_version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'expired', 'superseded')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  lease_expires_at TEXT NOT NULL,
  lease_owner TEXT,
  heartbeat_at TEXT,
  processed INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  cursor_secret TEXT NOT NULL DEFAULT '',
  cursor_integration TEXT NOT NULL DEFAULT '',
  finished_at TEXT
) STRICT;
CREATE INDEX rewrap_jobs_tenant ON rewrap_jobs (tenant_id, state);

CREATE TABLE kms_calls (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  key_ref TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  operation TEXT NOT NULL,
  correlation_id TEXT NOT NULL UNIQUE,
  principal TEXT,
  provider_key_id TEXT,
  provider_request_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'access_denied', 'unreachable', 'key_disabled', 'invalid_key', 'throttled', 'error')),
  error_message TEXT,
  duration_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX kms_calls_tenant_at ON kms_calls (tenant_id, at);
`,
};
