/**
 * Evidence from the providers' log archives (issue 18):
 * - provider_events.origin: where each provider event was read (the live API, an archive
 *   file whose signed digest proved it, or an archive file read without that proof). One
 *   event read several ways is one row (UNIQUE(source_id, event_id)) keeping the
 *   strongest origin;
 * - archive_imports: one row per import run (location, period, state, counts, and the
 *   integrity validation summary as JSON: what the SOC 2 package includes);
 * - archive_files: one row per archive file finished (imported, or rejected with why),
 *   written in the same transaction as the file's events, so a restarted import goes on
 *   after the last finished file and counts no event twice.
 */
export const migration018 = {
  version: 18,
  name: 'evidence archives: event origin, import runs, finished files',
  sql: `
ALTER TABLE provider_events ADD COLUMN origin TEXT NOT NULL DEFAULT 'api'
  CHECK (origin IN ('api', 'archive_validated', 'archive_unvalidated'));
CREATE INDEX provider_events_tenant_origin_at ON provider_events (tenant_id, provider, origin, at);

CREATE TABLE archive_imports (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  provider TEXT NOT NULL CHECK (provider IN ('aws', 'gcp', 'azure')),
  location TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  validate INTEGER NOT NULL CHECK (validate IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('listing', 'validating', 'importing', 'done', 'failed', 'cancelled')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  integrity TEXT CHECK (integrity IS NULL OR json_valid(integrity)),
  error TEXT
) STRICT;
CREATE INDEX archive_imports_tenant ON archive_imports (tenant_id, id);

CREATE TABLE archive_files (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  provider TEXT NOT NULL CHECK (provider IN ('aws', 'gcp', 'azure')),
  location TEXT NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT,
  size INTEGER NOT NULL CHECK (size >= 0),
  day TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('imported', 'rejected')),
  origin TEXT CHECK (origin IS NULL OR origin IN ('archive_validated', 'archive_unvalidated')),
  integrity TEXT,
  records INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  error_kind TEXT,
  error TEXT,
  import_id INTEGER NOT NULL REFERENCES archive_imports (id),
  finished_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, location, object_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX archive_files_day ON archive_files (tenant_id, provider, day);
`,
};
