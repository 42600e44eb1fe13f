/**
 * Rewrap in physical order (issue 19). The record tables had a text UUID primary key
 * and an implicit rowid, and the worker walked them in id order: every batch touched
 * rows scattered across the file. Now:
 * - each record table gets an explicit `seq INTEGER PRIMARY KEY` (its rowid, stable across
 *   VACUUM, which may renumber an implicit rowid) and the worker walks it in seq order,
 *   so a batch's rows sit on a few neighbouring pages. Public ids stay text UUIDs, unique.
 *   The copy keeps the old rowid as seq, so the physical order is unchanged;
 * - a (tenant_id) index per table, whose entries sort by (tenant_id, seq): the walk of one
 *   tenant in seq order never sorts and skips other tenants' rows;
 * - the name binding's version (migration 008) and its legacy index are carried over;
 * - rewrap_jobs keeps its seq cursors. The old text cursors stay as an id floor: a job
 *   paused mid-walk under the id-ordered worker had counted every row with id <= its
 *   cursor, so the new walk visits only rows above it (new jobs keep '' and see all rows).
 */
function recordTable(name: string): string {
  return `
CREATE TABLE ${name}_009 (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  wrapped_dek BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  binding_version INTEGER NOT NULL DEFAULT 2 CHECK (binding_version IN (1, 2)),
  UNIQUE (tenant_id, name)
) STRICT;
INSERT INTO ${name}_009 (seq, id, tenant_id, name, key_version, wrapped_dek, ciphertext, created_at, updated_at, binding_version)
  SELECT rowid, id, tenant_id, name, key_version, wrapped_dek, ciphertext, created_at, updated_at, binding_version FROM ${name} ORDER BY rowid;
DROP TABLE ${name};
ALTER TABLE ${name}_009 RENAME TO ${name};
CREATE INDEX ${name}_version ON ${name} (tenant_id, key_version);
CREATE INDEX ${name}_tenant_id ON ${name} (tenant_id, id);
CREATE INDEX ${name}_tenant_seq ON ${name} (tenant_id);
CREATE INDEX ${name}_legacy_binding ON ${name} (tenant_id) WHERE binding_version = 1;
`;
}

export const migration009 = {
  version: 9,
  name: 'rewrap walks record tables in physical (seq) order',
  sql: `
${recordTable('secret_environment_configs')}
${recordTable('integration_configs')}
ALTER TABLE rewrap_jobs ADD COLUMN cursor_secret_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rewrap_jobs ADD COLUMN cursor_integration_seq INTEGER NOT NULL DEFAULT 0;
`,
};
