/**
 * Migration 008: a version-7 database gains binding_version on both record tables;
 * every existing row is marked binding 1 (sealed without the name) and keeps its bytes;
 * a row inserted without the column is binding 2; other values are refused.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { tempDir } from '../support/engine-fixture';

describe('migration 008: record name binding', () => {
  it('marks existing records binding 1, keeps their bytes, defaults new ones to 2 and constrains the column', () => {
    const db = openDatabase(path.join(tempDir(), 'k.db'), { migrations: MIGRATIONS.filter((m) => m.version <= 7) });
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    db.prepare("INSERT INTO tenants (id, slug, wrap_method, provider, kms_key_ref, kms_config, created_at, updated_at) VALUES ('t1', 'acme', 'local', 'local', 'r', '{}', 'a', 'a')").run();
    const rows = ['secret_environment_configs', 'integration_configs'].flatMap((t, i) =>
      [1, 2].map((n) => ({ t, id: `${t}-${n}`, name: `n${n}`, dek: Buffer.from([i, n, 1]), ct: Buffer.from([i, n, 2]) })),
    );
    for (const r of rows) {
      db.prepare(`INSERT INTO ${r.t} (id, tenant_id, name, key_version, wrapped_dek, ciphertext, created_at, updated_at) VALUES (?, 't1', ?, 1, ?, ?, 'c', 'u')`).run(r.id, r.name, r.dek, r.ct);
    }
    const before = rows.map((r) => db.prepare(`SELECT * FROM ${r.t} WHERE id = ?`).get(r.id));

    migrate(db, MIGRATIONS.filter((m) => m.version <= 8));
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    rows.forEach((r, i) => {
      expect(db.prepare(`SELECT * FROM ${r.t} WHERE id = ?`).get(r.id)).toEqual({ ...(before[i] as object), binding_version: 1 });
    });
    for (const t of ['secret_environment_configs', 'integration_configs']) {
      db.prepare(`INSERT INTO ${t} (id, tenant_id, name, key_version, wrapped_dek, ciphertext, created_at, updated_at) VALUES ('new', 't1', 'new', 1, x'00', x'00', 'c', 'u')`).run();
      expect(db.prepare(`SELECT binding_version FROM ${t} WHERE id = 'new'`).get()).toEqual({ binding_version: 2 });
      expect(() => db.prepare(`UPDATE ${t} SET binding_version = 3 WHERE id = 'new'`).run()).toThrow(/CHECK/);
      expect(() => db.prepare(`UPDATE ${t} SET binding_version = NULL WHERE id = 'new'`).run()).toThrow(/NOT NULL/);
    }
    db.close();
  });
});
