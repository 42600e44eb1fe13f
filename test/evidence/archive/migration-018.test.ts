/**
 * Migration 018: a database built at the migration before it keeps its provider events
 * (now of origin `api`), gets the import tables, and the new columns and tables refuse
 * values outside their vocabulary.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../core/store/database';
import { MIGRATIONS } from '../../../core/store/migrations';
import { migration018 } from '../../../core/store/migrations/018-archive-import';
import { tempDir } from '../../support/engine-fixture';

describe('Migration 018', () => {
  it('keeps the provider events stored before it as api evidence and adds the archive tables with their checks', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.version < migration018.version));
    db.prepare("INSERT INTO tenants (id, slug, wrap_method, provider, kms_key_ref, kms_config, created_at, updated_at) VALUES ('t', 'acme', 'customer_kms', 'aws', 'k', '{}', 'now', 'now')").run();
    db.prepare("INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref) VALUES ('s', 't', 'aws', 'k')").run();
    const insertEvent = db.prepare(
      "INSERT INTO provider_events (source_id, tenant_id, provider, event_id, at, key_ref, operation, provider_operation, outcome, raw, fetched_at) VALUES ('s', 't', 'aws', ?, '2026-01-01T00:00:00.000Z', 'k', 'unwrap', 'Decrypt', 'ok', '{}', 'now')",
    );
    insertEvent.run('e1');
    const before = db.prepare('SELECT * FROM provider_events').all() as Record<string, unknown>[];
    migrate(db, MIGRATIONS.filter((m) => m.version <= migration018.version));
    expect(db.pragma('user_version', { simple: true })).toBe(18);
    expect(db.prepare('SELECT * FROM provider_events').all()).toEqual(before.map((r) => ({ ...r, origin: 'api' })));
    expect(() => db.prepare("UPDATE provider_events SET origin = 'rumour'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE provider_events SET origin = 'archive_validated'").run();

    const imp = db.prepare(
      "INSERT INTO archive_imports (tenant_id, provider, location, period_from, period_to, validate, state, started_at, counts) VALUES ('t', ?, 's3://b/', 'a', 'b', 1, ?, 'now', ?)",
    );
    const id = Number(imp.run('aws', 'done', '{}').lastInsertRowid);
    expect(() => imp.run('oci', 'done', '{}')).toThrow(/CHECK/);
    expect(() => imp.run('aws', 'finished', '{}')).toThrow(/CHECK/);
    expect(() => imp.run('aws', 'done', '{not json')).toThrow(/CHECK/);
    const file = db.prepare(
      "INSERT INTO archive_files (tenant_id, provider, location, object_key, size, day, state, origin, import_id, finished_at) VALUES ('t', 'aws', 's3://b/', ?, 10, '2026-01-01', ?, ?, ?, 'now')",
    );
    file.run('a.json.gz', 'imported', 'archive_validated', id);
    expect(() => file.run('a.json.gz', 'imported', 'archive_validated', id)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => file.run('b.json.gz', 'skipped', null, id)).toThrow(/CHECK/);
    expect(() => file.run('c.json.gz', 'imported', 'api', id)).toThrow(/CHECK/);
    expect(() => file.run('d.json.gz', 'imported', null, 999)).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
