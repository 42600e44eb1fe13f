/**
 * Migration 016 widens check_alerts' kinds for the scheduled access review: a database
 * built at the migration before it keeps every alert as it was (ids, seen or not), then
 * takes `access_finding` and still refuses a kind nobody raises, and a repeated dedup key.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration016 } from '../../core/store/migrations/016-access-review-alerts';
import { tempDir } from '../support/engine-fixture';

describe('Migration 016', () => {
  it('keeps the alerts raised before it and accepts the access review alert kind', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version < migration016.version));
    const insert = db.prepare('INSERT INTO check_alerts (dedup_key, at, kind, tenant, title, body, screen, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('sealed:acme:2026-11-30', '2026-11-30T10:00:00.000Z', 'sealed', 'acme', 'acme is sealed', 'since …', 'tenants', null);
    insert.run('drill_overdue:acme:never', '2026-11-30T11:00:00.000Z', 'drill_overdue', 'acme', 'Drill due for acme', 'never drilled', 'drills', '2026-11-30T12:00:00.000Z');
    expect(() => insert.run('x', 'now', 'access_finding', 'acme', 't', 'b', 'access', null)).toThrow(/CHECK/);
    const before = db.prepare('SELECT * FROM check_alerts ORDER BY id').all();

    migrate(db, MIGRATIONS.filter((m) => m.version <= migration016.version));
    expect(db.pragma('user_version', { simple: true })).toBe(16);
    expect(db.prepare('SELECT * FROM check_alerts ORDER BY id').all()).toEqual(before);
    insert.run('access_finding:acme:7:cross_account:444455556666', '2026-12-01T09:00:00.000Z', 'access_finding', 'acme', 'New high key access finding for acme', 'account …', 'access', null);
    expect(() => insert.run('other', 'now', 'made_up', null, 't', 'b', 'access', null)).toThrow(/CHECK/);
    expect(() => insert.run('sealed:acme:2026-11-30', 'now', 'sealed', 'acme', 't', 'b', 'tenants', null)).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT id FROM check_alerts ORDER BY id').pluck().all()).toEqual([1, 2, 3]);

    // The rest of the chain still applies on top.
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    db.close();
  });
});
