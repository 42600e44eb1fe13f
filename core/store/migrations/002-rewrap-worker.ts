/**
 * The rewrap worker (issue 4): why a job is paused, its pace and batch size, the rate it
 * last ran at (for rows/s and ETA), when it first started, and which newer job took it
 * over. Plus a (tenant_id, id) index per record table so the worker's id-ordered cursor
 * scan of one tenant never sorts.
 */
export const migration002 = {
  version: 2,
  name: 'rewrap worker: pause reason, pace, rate, supersession, cursor indexes',
  sql: `
ALTER TABLE rewrap_jobs ADD COLUMN pause_reason TEXT CHECK (pause_reason IN ('operator', 'kms_error', 'sealed', 'shutdown'));
ALTER TABLE rewrap_jobs ADD COLUMN pace_rows_s REAL;
ALTER TABLE rewrap_jobs ADD COLUMN batch_size INTEGER;
ALTER TABLE rewrap_jobs ADD COLUMN rate_rows_s REAL;
ALTER TABLE rewrap_jobs ADD COLUMN started_at TEXT;
ALTER TABLE rewrap_jobs ADD COLUMN superseded_by INTEGER;
CREATE INDEX secret_environment_configs_tenant_id ON secret_environment_configs (tenant_id, id);
CREATE INDEX integration_configs_tenant_id ON integration_configs (tenant_id, id);
`,
};
