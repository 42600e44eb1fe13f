/**
 * Migration 017 adds the witness tables: a database built at the migration before it
 * keeps its data (audit entries and checkpoints untouched), gets the tables, and the
 * tables refuse bad values (a witness with both or neither of a tenant and a config, an
 * unknown kind or state, a failed run without a reason).
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration017 } from '../../core/store/migrations/017-checkpoint-witnesses';
import { tempDir } from '../support/engine-fixture';

describe('Migration 017', () => {
  it('keeps the log and its checkpoints and adds witness configs, runs and records with their checks', () => {
    const db = new Database(path.join(tempDir(), 'k.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.version < migration017.version));
    db.prepare("INSERT INTO tenants (id, slug, wrap_method, provider, kms_key_ref, kms_config, created_at, updated_at) VALUES ('t1', 'acme', 'customer_kms', 'aws', 'arn', '{}', 'now', 'now')").run();
    db.prepare("INSERT INTO audit_log (seq, at, actor, address, action, tenant_id, payload, prev_hash, entry_hash) VALUES (1, 'now', 'a', 'b', 'operator.initialized', NULL, '{}', zeroblob(32), zeroblob(32))").run();
    db.prepare("INSERT INTO audit_checkpoints (tree_size, note, created_at) VALUES (1, 'note', 'now')").run();
    const before = { log: db.prepare('SELECT * FROM audit_log').all(), cps: db.prepare('SELECT * FROM audit_checkpoints').all() };

    migrate(db, MIGRATIONS.filter((m) => m.version <= migration017.version));
    expect(db.pragma('user_version', { simple: true })).toBe(17);
    expect({ log: db.prepare('SELECT * FROM audit_log').all(), cps: db.prepare('SELECT * FROM audit_checkpoints').all() }).toEqual(before);

    const config = db.prepare('INSERT INTO witness_configs (id, kind, target_ref, tenant_id, config, read_endpoint, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)');
    config.run('w1', 'aws_kms', 'arn:aws:kms:us-east-1:1:key/k', 't1', null, 'now');
    config.run('w2', 'gcp_logging', 'projects/p/logs/keywarden-checkpoints', null, '{"impersonate_service_account":"x"}', 'now');
    expect(() => config.run('w3', 'aws_kms', 'arn:2', 't1', '{}', 'now')).toThrow(/CHECK/);
    expect(() => config.run('w3', 'aws_kms', 'arn:2', null, null, 'now')).toThrow(/CHECK/);
    expect(() => config.run('w3', 'oci_vault', 'x', 't1', null, 'now')).toThrow(/CHECK/);
    expect(() => config.run('w3', 'aws_kms', 'arn:2', null, '{not json', 'now')).toThrow(/CHECK/);
    expect(() => config.run('w3', 'aws_kms', 'arn:2', 'no-such-tenant', null, 'now')).toThrow(/FOREIGN KEY/);
    expect(() => config.run('w3', 'aws_kms', 'arn:aws:kms:us-east-1:1:key/k', 't1', null, 'now')).toThrow(/UNIQUE/);

    const run = db.prepare(
      "INSERT INTO witness_runs (witness_id, started_at, finished_at, trigger, tree_size, root_hash, state, failure_reason, failure_message) VALUES ('w1', 'now', 'now', ?, 1, 'r', ?, ?, NULL)",
    );
    run.run('interval', 'ok', null);
    run.run('export', 'failed', 'access_denied');
    expect(() => run.run('manual', 'failed', null)).toThrow(/CHECK/);
    expect(() => run.run('manual', 'ok', 'access_denied')).toThrow(/CHECK/);
    expect(() => run.run('cron', 'ok', null)).toThrow(/CHECK/);

    const record = db.prepare("INSERT INTO witness_records (witness_id, provider_event_id, kind, state, raw, read_at) VALUES ('w1', ?, 'aws_kms', ?, '{}', 'now')");
    record.run('e1', 'ok');
    record.run('e2', 'foreign_origin');
    expect(() => record.run('e3', 'trusted')).toThrow(/CHECK/);
    expect(() => record.run('e1', 'ok')).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });
});
