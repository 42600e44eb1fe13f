import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { tempDir } from '../support/engine-fixture';

describe('database and migrations', () => {
  it('creates a fresh file at the latest schema with WAL and foreign keys', () => {
    const db = openDatabase(path.join(tempDir(), 'k.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['tenants', 'master_key_versions', 'secret_environment_configs', 'integration_configs', 'audit_log', 'rewrap_jobs', 'kms_calls']));
    db.close();
  });

  it('applies each migration once, in order, and is idempotent on reopen', () => {
    const file = path.join(tempDir(), 'k.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    db.close();
  });

  it('refuses a database from a newer Keywarden', () => {
    const file = path.join(tempDir(), 'k.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer than this Keywarden understands/);
  });

  it('refuses a file that is not a database', () => {
    const file = path.join(tempDir(), 'k.db');
    fs.writeFileSync(file, 'this is not sqlite, just text that is long enough to look like a header'.repeat(20));
    expect(() => openDatabase(file)).toThrow(/not a readable SQLite database/);
  });

  it('enforces exactly one active master key version per tenant', () => {
    const db = openDatabase(path.join(tempDir(), 'k.db'));
    db.prepare("INSERT INTO tenants VALUES ('t', 's', 'local', 'local', 'r', '{}', 'a', 'a', NULL, NULL, 0)").run();
    const insert = db.prepare("INSERT INTO master_key_versions VALUES (?, 't', ?, 'local', 'local', 'r', '{}', x'00', 'active', 'a', NULL, NULL)");
    insert.run('v1', 1);
    expect(() => insert.run('v2', 2)).toThrow(/UNIQUE/);
    db.close();
  });
});
