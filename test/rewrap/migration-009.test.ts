/**
 * Migration 009 (rewrap in physical order): a database built at the schema version before it (8), with a
 * rewrap job half-way through the old id-ordered walk, migrates and rewraps correctly:
 * seq keeps the old rowid (the physical order), ids stay text UUIDs, the rows the old walk
 * had counted are not touched again, and every other row moves exactly once.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { unwrappedKey } from '../../core/engine/master-keys';
import { DATABASE_FILE } from '../../core/keywarden';
import { DekCodec } from '../../core/rewrap/dek-codec';
import { openDatabase } from '../../core/store/database';
import { MIGRATIONS, SCHEMA_VERSION } from '../../core/store/migrations';
import type { RecordTable } from '../../core/store/rows';
import { makeFixture, rawDb, unlockFixture, type Fixture } from '../support/engine-fixture';
import { expectAllReadable, movesOtherThanOnce, recordMoves, rotatedFixture, versionCounts } from './support';

const TABLES: RecordTable[] = ['secret_environment_configs', 'integration_configs'];
const ROWS = 300;

/** Does what the id-ordered worker did for the first `share` of each table: re-wraps rows to v2 in id order. Returns the cursors and count. */
async function oldWalkHalfway(fx: Fixture, share: number): Promise<{ cursors: Record<RecordTable, string>; moved: number }> {
  const ctx = fx.kw.ctx;
  const tenant = ctx.store.tenantBySlug('acme')!;
  const k1 = await unwrappedKey(ctx, tenant, ctx.store.keyVersion(tenant.id, 1)!);
  const k2 = await unwrappedKey(ctx, tenant, ctx.store.keyVersion(tenant.id, 2)!);
  const codec = new DekCodec(tenant.id);
  const db = rawDb(fx);
  const cursors = {} as Record<RecordTable, string>;
  let moved = 0;
  for (const t of TABLES) {
    const rows = db.prepare(`SELECT id, wrapped_dek FROM ${t} ORDER BY id LIMIT ?`).all(share) as { id: string; wrapped_dek: Buffer }[];
    for (const r of rows) db.prepare(`UPDATE ${t} SET key_version = 2, wrapped_dek = ? WHERE id = ?`).run(codec.rewrap(k1, k2, t, r.id, 1, 2, r.wrapped_dek), r.id);
    cursors[t] = rows.at(-1)!.id;
    moved += rows.length;
  }
  return { cursors, moved };
}

/** Copies every table of the engine's file into a fresh file built at schema version 8, the one before 009 (columns they share), in physical order. */
function rebuildAtVersion7(dataDir: string): void {
  const current = path.join(dataDir, DATABASE_FILE);
  const old = path.join(dataDir, 'v7.db');
  const db = openDatabase(old, { migrations: MIGRATIONS.filter((m) => m.version <= 8) });
  expect(db.pragma('user_version', { simple: true })).toBe(8);
  db.pragma('foreign_keys = OFF');
  db.exec(`ATTACH DATABASE '${current}' AS cur`);
  const tables = (db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
  db.transaction(() => {
    for (const t of tables) {
      const cols = (db.prepare(`PRAGMA main.table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
      const have = new Set((db.prepare(`PRAGMA cur.table_info(${t})`).all() as { name: string }[]).map((c) => c.name));
      const shared = cols.filter((c) => have.has(c)).join(', ');
      const order = TABLES.includes(t as RecordTable) ? ' ORDER BY seq' : '';
      db.exec(`INSERT INTO main.${t} (${shared}) SELECT ${shared} FROM cur.${t}${order}`);
    }
  })();
  db.exec('DETACH DATABASE cur');
  db.close();
  for (const f of [current, `${current}-wal`, `${current}-shm`]) fs.rmSync(f, { force: true });
  fs.renameSync(old, current);
  for (const f of [`${old}-wal`, `${old}-shm`]) fs.rmSync(f, { force: true });
}

describe('migration 009: record tables keyed by seq, rewrap walks in physical order', () => {
  it('a database from the schema version before 009 with a job half-way through the id-ordered walk migrates and finishes it: no row lost or moved twice', async () => {
    const { fx, leaseId } = await rotatedFixture(ROWS);
    const { cursors, moved } = await oldWalkHalfway(fx, ROWS / 4);
    fx.kw.ctx.store.updateRewrapJob(leaseId, {
      state: 'paused',
      pause_reason: 'shutdown',
      processed: moved,
      started_at: '2026-03-01T12:00:00.000Z',
      cursor_secret: cursors.secret_environment_configs,
      cursor_integration: cursors.integration_configs,
    });
    const before = Object.fromEntries(TABLES.map((t) => [t, rawDb(fx).prepare(`SELECT seq, id, name, key_version, wrapped_dek, ciphertext FROM ${t} ORDER BY seq`).all()]));
    const dataDir = fx.dataDir;
    await fx.kw.close();
    rebuildAtVersion7(dataDir);

    // At version 8 the ids are the primary key and the rowid is implicit: same rows, same order.
    const v7 = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    for (const t of TABLES) {
      expect(v7.prepare(`SELECT rowid AS seq, id, name, key_version, wrapped_dek, ciphertext FROM ${t} ORDER BY rowid`).all()).toEqual(before[t]);
    }
    v7.close();

    const after = await unlockFixture(makeFixture({ dataDir }));
    const db = rawDb(after);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    for (const t of TABLES) {
      // seq is the old rowid: the physical order is kept, and the ids are unchanged.
      expect(db.prepare(`SELECT seq, id, name, key_version, wrapped_dek, ciphertext FROM ${t} ORDER BY seq`).all()).toEqual(before[t]);
      expect(() => db.prepare(`INSERT INTO ${t} (id, tenant_id, name, key_version, wrapped_dek, ciphertext, created_at, updated_at) SELECT id, tenant_id, 'dup', 1, x'00', x'00', 'a', 'a' FROM ${t} LIMIT 1`).run()).toThrow(/UNIQUE constraint failed: .*\.id/);
    }
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(TABLES.flatMap((t) => [`${t}_tenant_seq`, `${t}_version`, `${t}_tenant_id`])));
    const job = after.kw.ctx.store.rewrapJob(leaseId)!;
    expect(job).toMatchObject({ state: 'paused', processed: moved, cursor_secret_seq: 0, cursor_integration_seq: 0, cursor_secret: cursors.secret_environment_configs });

    recordMoves(after);
    const [run] = await after.call('rewrap.run', { lease_id: leaseId });
    expect(run!.job).toMatchObject({ state: 'done', processed: ROWS, skipped: 0, failed: 0, total: ROWS });
    expect(versionCounts(after)).toEqual({ 'secret@v2': ROWS / 2, 'integration@v2': ROWS / 2 });
    expect(await expectAllReadable(after)).toBe(ROWS);
    // The rows the old walk had moved (ids up to its cursors) are not rewritten again; every other row once.
    const { wrong } = movesOtherThanOnce(after);
    const untouched = new Set(wrong.filter((w) => w.n === 0).map((w) => w.key));
    expect(wrong.filter((w) => w.n > 1)).toEqual([]);
    expect(untouched.size).toBe(moved);
    for (const key of untouched) {
      const [t, id] = key.split('/') as [RecordTable, string];
      expect(id <= cursors[t]).toBe(true);
    }
  });

  it('a database from the schema version before 009 with a queued job migrates and the new walk moves every row once', async () => {
    const { fx, leaseId } = await rotatedFixture(ROWS);
    const dataDir = fx.dataDir;
    await fx.kw.close();
    rebuildAtVersion7(dataDir);
    const after = await unlockFixture(makeFixture({ dataDir }));
    recordMoves(after);
    const [run] = await after.call('rewrap.run', { lease_id: leaseId });
    expect(run!.job).toMatchObject({ state: 'done', processed: ROWS, skipped: 0, total: ROWS });
    expect(movesOtherThanOnce(after)).toEqual({ wrong: [], rowsMoved: ROWS, allRows: ROWS });
    expect(await expectAllReadable(after)).toBe(ROWS);
  });
});
