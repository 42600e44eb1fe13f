/**
 * Migration 006 rewrites evidence_results' checks as plain comparisons (cheaper per row):
 * rows stored under 005 survive it unchanged, and every value 005 refused is still refused.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration006 } from '../../core/store/migrations/006-evidence-results-checks';
import { tempDir } from '../support/engine-fixture';

describe('migration 006', () => {
  it('keeps results stored before it and refuses the same bad values', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version < migration006.version));
    db.prepare("INSERT INTO evidence_runs (at, tenant_id, period_from, period_to, counts, coverage, timeline) VALUES ('a', NULL, 'f', 't', '{}', '[]', '[]')").run();
    const insert = db.prepare('INSERT INTO evidence_results (run_id, seq, class, call_id, event_row, matched_by) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run(1, 1, 'matched', 10, 20, 'correlation_id');
    insert.run(1, 2, 'provider_only', null, 21, null);
    migrate(db, MIGRATIONS.filter((m) => m.version <= migration006.version));
    expect(db.pragma('user_version', { simple: true })).toBe(migration006.version);
    expect(db.prepare('SELECT run_id, seq, class, call_id, event_row, matched_by FROM evidence_results ORDER BY seq').all()).toEqual([
      { run_id: 1, seq: 1, class: 'matched', call_id: 10, event_row: 20, matched_by: 'correlation_id' },
      { run_id: 1, seq: 2, class: 'provider_only', call_id: null, event_row: 21, matched_by: null },
    ]);
    expect(() => insert.run(1, 3, 'guessed', 1, null, null)).toThrow(/CHECK/);
    expect(() => insert.run(1, 3, 'matched', 1, null, 'guessed')).toThrow(/CHECK/);
    expect(() => insert.run(1, 3, 'matched', null, null, null)).toThrow(/CHECK/);
    expect(() => insert.run(1, 3, null, 1, null, null)).toThrow(/NOT NULL/);
    expect(() => insert.run(1, 2, 'matched', 1, null, null)).toThrow(/UNIQUE|PRIMARY/);
    let seq = 1;
    for (const cls of ['matched', 'principal_mismatch', 'app_only_pending', 'app_only_missing', 'provider_only', 'failed_call', 'key_event']) {
      insert.run(2, seq++, cls, 1, null, 'fallback');
    }
    expect(db.prepare('SELECT count(*) FROM evidence_results WHERE run_id = 2').pluck().get()).toBe(7);
    db.close();
  });
});
