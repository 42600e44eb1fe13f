/**
 * Verdicts an auditor can defend (issue 14) and the columns the next features share:
 * - kms_calls: how the engine's principal was learnt (or why it is unknown), the AWS
 *   access key id of the credentials used (a public identifier, never the secret), and
 *   the drill whose fault layer produced the call's outcome (simulated, not a real failure);
 * - provider_events: the access key id the provider's record names;
 * - evidence_sources: records for other keys seen while reading, unreadable records, the
 *   last read failure's kind, how far back the last re-read went, the delivery delay seen;
 * - provider_unreadable: records that could not be parsed, kept with their raw text;
 * - evidence_results: the weak (time-window) match and the foreign correlation id as their
 *   own classes, each verdict's time gap between the call and its record, and the rule
 *   behind the verdict as a small code (core/evidence/verdict-reasons.ts spells it out).
 */
const CLASSES = [
  'matched',
  'matched_weak',
  'principal_mismatch',
  'app_only_pending',
  'app_only_missing',
  'provider_only',
  'foreign_correlation',
  'failed_call',
  'key_event',
];
const MATCHED_BY = ['correlation_id', 'request_id', 'fallback'];
const oneOf = (column: string, values: string[]) => values.map((v) => `${column} = '${v}'`).join(' OR ');

export const migration007 = {
  version: 7,
  name: 'evidence verdicts: principals, weak matches, read failures',
  sql: `
ALTER TABLE kms_calls ADD COLUMN principal_note TEXT;
ALTER TABLE kms_calls ADD COLUMN access_key_id TEXT;
ALTER TABLE kms_calls ADD COLUMN drill_id TEXT;

ALTER TABLE provider_events ADD COLUMN access_key_id TEXT;

ALTER TABLE evidence_sources ADD COLUMN other_key_records INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evidence_sources ADD COLUMN unreadable_records INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evidence_sources ADD COLUMN last_error_kind TEXT;
ALTER TABLE evidence_sources ADD COLUMN reread_from TEXT;
ALTER TABLE evidence_sources ADD COLUMN deep_reread_at TEXT;
ALTER TABLE evidence_sources ADD COLUMN observed_delay_ms INTEGER;

CREATE TABLE provider_unreadable (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES evidence_sources (source_id),
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at TEXT,
  problem TEXT NOT NULL,
  raw TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  UNIQUE (source_id, event_id)
) STRICT;

CREATE TABLE evidence_results_v7 (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  class TEXT NOT NULL CHECK (${oneOf('class', CLASSES)}),
  call_id INTEGER,
  event_row INTEGER,
  matched_by TEXT CHECK (${oneOf('matched_by', MATCHED_BY)}),
  gap_ms INTEGER,
  reason INTEGER NOT NULL DEFAULT 0 CHECK (reason >= 0 AND reason < 64),
  PRIMARY KEY (run_id, seq),
  CHECK (call_id IS NOT NULL OR event_row IS NOT NULL)
) STRICT, WITHOUT ROWID;
INSERT INTO evidence_results_v7 (run_id, seq, class, call_id, event_row, matched_by)
  SELECT run_id, seq, class, call_id, event_row, matched_by FROM evidence_results;
DROP TABLE evidence_results;
ALTER TABLE evidence_results_v7 RENAME TO evidence_results;
`,
};
