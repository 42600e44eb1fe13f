/**
 * Sealed state and drills (issue 5): simulated agent sessions (token stored only as a
 * SHA-256 hash), per-tenant fault injection in front of the KMS provider (no row = pass),
 * and kill-switch drills with their timeline and results.
 */
export const migration003 = {
  version: 3,
  name: 'agent sessions, fault injection, drills',
  sql: `
CREATE TABLE agent_sessions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  agent TEXT NOT NULL,
  token_hash BLOB NOT NULL UNIQUE,
  key_version INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT
) STRICT;
CREATE INDEX agent_sessions_tenant_expiry ON agent_sessions (tenant_id, expires_at);

CREATE TABLE fault_injections (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
  mode TEXT NOT NULL CHECK (mode IN ('deny', 'partition', 'key_disabled', 'latency', 'flaky')),
  latency_ms INTEGER,
  probability REAL,
  set_at TEXT NOT NULL,
  set_by TEXT NOT NULL
) STRICT;

CREATE TABLE drills (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  kind TEXT NOT NULL CHECK (kind IN ('simulated', 'real')),
  scenario TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
  agents INTEGER NOT NULL,
  params TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  result TEXT,
  timeline TEXT NOT NULL DEFAULT '[]',
  series TEXT NOT NULL DEFAULT '[]',
  error TEXT,
  actor TEXT NOT NULL,
  heartbeat_at TEXT
) STRICT;
CREATE INDEX drills_started ON drills (started_at);
`,
};
