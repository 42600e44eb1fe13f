/** Migration 002 (rewrap worker): built at version 1 with a job in flight, migrated, nothing lost. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { tempDir } from '../support/engine-fixture';

describe('migration 002: rewrap worker columns and cursor indexes', () => {
  it('keeps an existing job, adds the worker columns (null), the pause-reason check and the (tenant_id, id) indexes', () => {
    const file = path.join(tempDir(), 'k.db');
    const db = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version === 1) });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.prepare(
      `INSERT INTO tenants (id, slug, wrap_method, provider, kms_key_ref, kms_config, created_at, updated_at)
       VALUES ('t1', 'acme', 'local', 'local', 'local-kms.key', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    ).run();
    db.prepare(
      `INSERT INTO rewrap_jobs (tenant_id, target_version, state, created_at, updated_at, lease_expires_at, processed, total, cursor_secret)
       VALUES ('t1', 2, 'running', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-08T00:00:00Z', 40, 100, 'abc')`,
    ).run();

    migrate(db, MIGRATIONS.filter((m) => m.version <= 2));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT * FROM rewrap_jobs').get()).toMatchObject({
      lease_id: 1,
      state: 'running',
      processed: 40,
      total: 100,
      cursor_secret: 'abc',
      pause_reason: null,
      pace_rows_s: null,
      batch_size: null,
      rate_rows_s: null,
      started_at: null,
      superseded_by: null,
    });
    expect(() => db.prepare("UPDATE rewrap_jobs SET pause_reason = 'bored'").run()).toThrow(/CHECK constraint/);
    db.prepare("UPDATE rewrap_jobs SET pause_reason = 'shutdown'").run();
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['secret_environment_configs_tenant_id', 'integration_configs_tenant_id']));
    // The worker's cursor scan uses the new index, so it never sorts.
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM integration_configs WHERE tenant_id = 't1' AND id > '' ORDER BY id LIMIT 50").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});
