import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { tempDir } from '../support/engine-fixture';

describe('migration 003: agent sessions, fault injection, drills', () => {
  it('adds its tables to a version-2 database without touching existing rows, and constrains them', () => {
    const file = path.join(tempDir(), 'k.db');
    const db = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.prepare("INSERT INTO tenants VALUES ('t1', 'acme', 'local', 'local', 'r', '{}', 'a', 'a', NULL, NULL, 0)").run();
    migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT slug FROM tenants').all()).toEqual([{ slug: 'acme' }]);
    db.prepare("INSERT INTO fault_injections VALUES ('t1', 'deny', NULL, NULL, 'now', 'me')").run();
    expect(() => db.prepare("INSERT INTO fault_injections VALUES ('t1', 'pass', NULL, NULL, 'now', 'me')").run()).toThrow(/CHECK|UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO fault_injections VALUES ('nobody', 'deny', NULL, NULL, 'now', 'me')").run()).toThrow(/FOREIGN KEY/);
    const session = db.prepare("INSERT INTO agent_sessions VALUES (?, 't1', 'a', ?, 1, 'i', 'e', NULL)");
    session.run('s1', Buffer.alloc(32, 1));
    expect(() => session.run('s2', Buffer.alloc(32, 1))).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO drills (id, tenant_id, kind, scenario, state, agents, params, started_at, actor) VALUES ('d', 't1', 'simulated', 'deny', 'paused', 1, '{}', 'now', 'me')").run()).toThrow(/CHECK/);
    db.close();
  });
});
