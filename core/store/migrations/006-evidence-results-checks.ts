/**
 * evidence_results again, with the same constraints written as OR chains: SQLite evaluates
 * a CHECK's `IN (...)` list far more slowly than plain comparisons, and a cross-check
 * writes a million rows at a time (about half the write cost went to those two checks).
 * Rows already stored are copied over unchanged.
 */
const CLASSES = ['matched', 'principal_mismatch', 'app_only_pending', 'app_only_missing', 'provider_only', 'failed_call', 'key_event'];
const MATCHED_BY = ['correlation_id', 'request_id', 'fallback'];
const oneOf = (column: string, values: string[]) => values.map((v) => `${column} = '${v}'`).join(' OR ');

export const migration006 = {
  version: 6,
  name: 'evidence results: cheaper checks',
  sql: `
CREATE TABLE evidence_results_v6 (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  class TEXT NOT NULL CHECK (${oneOf('class', CLASSES)}),
  call_id INTEGER,
  event_row INTEGER,
  matched_by TEXT CHECK (${oneOf('matched_by', MATCHED_BY)}),
  PRIMARY KEY (run_id, seq),
  CHECK (call_id IS NOT NULL OR event_row IS NOT NULL)
) STRICT, WITHOUT ROWID;
INSERT INTO evidence_results_v6 (run_id, seq, class, call_id, event_row, matched_by)
  SELECT run_id, seq, class, call_id, event_row, matched_by FROM evidence_results;
DROP TABLE evidence_results;
ALTER TABLE evidence_results_v6 RENAME TO evidence_results;
`,
};
