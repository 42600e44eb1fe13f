/**
 * Migration 007 adds the weak match and the foreign correlation id as classes, each
 * verdict's time gap, and the principal, read-failure and unreadable-record columns:
 * results and calls stored under 006 survive it unchanged, and bad values are refused.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration007 } from '../../core/store/migrations/007-evidence-verdicts';
import { tempDir } from '../support/engine-fixture';

describe('migration 007', () => {
  it('keeps results stored before it, takes the new classes and refuses unknown ones', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version < migration007.version));
    db.prepare("INSERT INTO evidence_runs (at, tenant_id, period_from, period_to, counts, coverage, timeline) VALUES ('a', NULL, 'f', 't', '{}', '[]', '[]')").run();
    const old = db.prepare('INSERT INTO evidence_results (run_id, seq, class, call_id, event_row, matched_by) VALUES (?, ?, ?, ?, ?, ?)');
    old.run(1, 1, 'matched', 10, 20, 'correlation_id');
    old.run(1, 2, 'provider_only', null, 21, null);
    migrate(db, MIGRATIONS.filter((m) => m.version <= migration007.version));
    expect(db.pragma('user_version', { simple: true })).toBe(migration007.version);
    expect(db.prepare('SELECT run_id, seq, class, call_id, event_row, matched_by, gap_ms FROM evidence_results ORDER BY seq').all()).toEqual([
      { run_id: 1, seq: 1, class: 'matched', call_id: 10, event_row: 20, matched_by: 'correlation_id', gap_ms: null },
      { run_id: 1, seq: 2, class: 'provider_only', call_id: null, event_row: 21, matched_by: null, gap_ms: null },
    ]);
    const insert = db.prepare('INSERT INTO evidence_results (run_id, seq, class, call_id, event_row, matched_by, gap_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run(1, 3, 'matched_weak', 11, 22, 'fallback', 4000);
    insert.run(1, 4, 'foreign_correlation', null, 23, null, null);
    expect(() => insert.run(1, 5, 'guessed', 1, null, null, null)).toThrow(/CHECK/);
    expect(() => insert.run(1, 5, 'matched', null, null, null, null)).toThrow(/CHECK/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'provider_unreadable'").pluck().get()).toBe('provider_unreadable');
    const cols = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('kms_calls')).toEqual(expect.arrayContaining(['principal_note', 'access_key_id', 'drill_id']));
    expect(cols('provider_events')).toContain('access_key_id');
    expect(cols('evidence_sources')).toEqual(expect.arrayContaining(['other_key_records', 'unreadable_records', 'last_error_kind', 'reread_from', 'deep_reread_at', 'observed_delay_ms']));
    db.close();
  });
});
