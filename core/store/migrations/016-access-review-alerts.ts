/**
 * The scheduled key access review (issue 17) raises its own alert kind: a new high or
 * critical finding (`access_finding`). SQLite cannot change a CHECK constraint in place,
 * so check_alerts is rebuilt with the wider list, every row kept as it was (ids too,
 * so an alert seen or not stays so).
 */
export const migration016 = {
  version: 16,
  name: 'access review alerts',
  sql: `
CREATE TABLE check_alerts_013 (
  id INTEGER PRIMARY KEY,
  dedup_key TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('provider_only', 'sealed', 'verify_failed', 'rotation_overdue', 'drill_overdue', 'access_finding')),
  tenant TEXT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  screen TEXT NOT NULL,
  seen_at TEXT
) STRICT;
INSERT INTO check_alerts_013 (id, dedup_key, at, kind, tenant, title, body, screen, seen_at)
  SELECT id, dedup_key, at, kind, tenant, title, body, screen, seen_at FROM check_alerts;
DROP TABLE check_alerts;
ALTER TABLE check_alerts_013 RENAME TO check_alerts;
`,
};
