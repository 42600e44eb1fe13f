/**
 * Migration 015 adds the access review tables: a database built at the migration before
 * it keeps its data, gets the tables, and the tables refuse bad values.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration015 } from '../../core/store/migrations/015-access-review';
import { tempDir } from '../support/engine-fixture';

describe('migration 015', () => {
  it('keeps the calls stored before it and adds reviews, settings and acceptances with their checks', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version < migration015.version));
    const insertCall = db.prepare(
      "INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, outcome, duration_ms) VALUES ('2026-01-01T00:00:00.000Z', 't', 'aws', 'k', 1, ?, ?, 'ok', 3)",
    );
    insertCall.run('unwrap', 'c1');
    const before = db.prepare('SELECT * FROM kms_calls').all();
    migrate(db, MIGRATIONS.filter((m) => m.version <= migration015.version));
    expect(db.pragma('user_version', { simple: true })).toBe(15);
    expect(db.prepare('SELECT * FROM kms_calls').all()).toEqual(before);
    insertCall.run('review_get_key_policy', 'c2');

    const review = db.prepare('INSERT INTO access_reviews (tenant_id, provider, key_ref, reviewed_at, status, findings, high_findings, document, drift) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    review.run('t', 'aws', 'k', '2026-01-02T00:00:00.000Z', 'partial', 1, 0, '{"a":1}', '[]');
    expect(() => review.run('t', 'oci', 'k', 'x', 'complete', 0, 0, '{}', '[]')).toThrow(/CHECK/);
    expect(() => review.run('t', 'aws', 'k', 'x', 'done', 0, 0, '{}', '[]')).toThrow(/CHECK/);
    expect(() => review.run('t', 'aws', 'k', 'x', 'complete', 0, 0, '{not json', '[]')).toThrow(/CHECK/);
    const accept = db.prepare("INSERT INTO access_acceptances (tenant_id, key_ref, finding_id, reason, accepted_by, accepted_at) VALUES ('t', 'k', ?, ?, 'me', 'now')");
    accept.run('rotation_off:key', 'compensating control');
    expect(() => accept.run('x', 'no')).toThrow(/CHECK/);
    expect(() => accept.run('rotation_off:key', 'again, same finding')).toThrow(/UNIQUE|PRIMARY/);
    db.prepare("INSERT INTO access_settings (tenant_id, settings, updated_at) VALUES ('t', '{\"allow_list\":[]}', 'now')").run();
    db.close();
  });
});
