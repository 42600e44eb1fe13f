/**
 * Migration 011 adds user_settings, check_runs and check_alerts: a database built at the version before
 * it keeps its tenants and audit log unchanged, the new tables take rows, and a check run
 * with an unknown outcome is refused.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration011 } from '../../core/store/migrations/011-checks-and-policy';
import { readPolicy, writePolicy } from '../../core/overview/policy';
import { lastCheckRun, recordCheckRun } from '../../core/overview/check-runs';
import { tempDir } from '../support/engine-fixture';

describe('migration 011', () => {
  it('keeps data stored before it and adds the policy and check-run tables', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    const before = MIGRATIONS.filter((m) => m.version < migration011.version);
    migrate(db, before);
    expect(db.pragma('user_version', { simple: true })).toBe(before[before.length - 1]!.version);
    db.prepare("INSERT INTO tenants (id, slug, wrap_method, provider, kms_key_ref, kms_config, created_at, updated_at) VALUES ('t1', 'acme', 'local', 'local', 'local:k', '{}', 'c', 'u')").run();
    const snapshot = db.prepare('SELECT * FROM tenants').all();
    migrate(db, MIGRATIONS.filter((m) => m.version <= migration011.version));
    expect(db.pragma('user_version', { simple: true })).toBe(11);
    expect(db.prepare('SELECT * FROM tenants').all()).toEqual(snapshot);

    expect(readPolicy(db)).toEqual({ rotation_max_age_days: 365, drill_cadence_days: 90 });
    expect(writePolicy(db, { drill_cadence_days: 30 }, '2026-01-01T00:00:00.000Z')).toEqual({ rotation_max_age_days: 365, drill_cadence_days: 30 });
    expect(readPolicy(db)).toEqual({ rotation_max_age_days: 365, drill_cadence_days: 30 });
    // A damaged stored value falls back to the defaults rather than failing the overview.
    db.prepare("UPDATE user_settings SET value = '{\"rotation_max_age_days\":\"soon\",\"drill_cadence_days\":-1}'").run();
    expect(readPolicy(db)).toEqual({ rotation_max_age_days: 365, drill_cadence_days: 90 });

    const run = recordCheckRun(db, { check_name: 'audit_verify', started_at: 'a', finished_at: 'b', outcome: 'ok', summary: '3 entries intact', details: { entries: 3 } });
    expect(lastCheckRun(db, 'audit_verify')).toEqual(run);
    expect(lastCheckRun(db, 'drill_cadence')).toBeNull();
    expect(() => db.prepare("INSERT INTO check_runs (check_name, started_at, finished_at, outcome, summary) VALUES ('x', 'a', 'b', 'maybe', 's')").run()).toThrow(/CHECK/);
    const alert = db.prepare("INSERT INTO check_alerts (dedup_key, at, kind, tenant, title, body, screen) VALUES (?, 'a', ?, NULL, 't', 'b', 'audit')");
    expect(alert.run('verify_failed:1', 'verify_failed').changes).toBe(1);
    expect(() => alert.run('verify_failed:1', 'verify_failed')).toThrow(/UNIQUE/); // once per occurrence
    expect(() => alert.run('x', 'guessed')).toThrow(/CHECK/);
    db.close();
  });
});
