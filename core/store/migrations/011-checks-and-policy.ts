/**
 * The overview and continuous checks (issue 20): the user's custody policy (rotation
 * age, drill cadence, one JSON value per key) and one row per check run (audit verify,
 * evidence fetch + cross-check, drill cadence, rotation age), so the overview can say when
 * the log was last verified and Settings when each check last ran and runs next; and the
 * alerts the checks raise, each once, until someone has seen it.
 */
export const migration011 = {
  version: 11,
  name: 'user policy settings and check runs',
  sql: `
CREATE TABLE user_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE check_runs (
  id INTEGER PRIMARY KEY,
  check_name TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'problem', 'error')),
  summary TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX check_runs_name_finished ON check_runs (check_name, finished_at);

-- What a check found that a person must see (a desktop notification, an in-page notice,
-- a badge): raised once per occurrence (dedup_key), kept until seen.
CREATE TABLE check_alerts (
  id INTEGER PRIMARY KEY,
  dedup_key TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('provider_only', 'sealed', 'verify_failed', 'rotation_overdue', 'drill_overdue')),
  tenant TEXT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  screen TEXT NOT NULL,
  seen_at TEXT
) STRICT;
`,
};
