/**
 * The in-memory and SQLite tree stores must be interchangeable: the same appends give
 * the same roots and proofs. The SQLite one runs on a real temp-file database with the
 * production DDL, inside the caller's transactions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leafHash } from '../../../core/audit/tlog/hash';
import { merkleTreeHash } from '../../../core/audit/tlog/merkle';
import { MerkleLog } from '../../../core/audit/tlog/merkle-log';
import { AUDIT_TREE_NODES_DDL, SqliteTreeHashStore } from '../../../core/audit/tlog/sqlite-tree-store';
import { MemoryTreeHashStore } from '../../../core/audit/tlog/tree-hash-store';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-tlog-'));
  db = new Database(path.join(dir, 'audit.db'));
  db.pragma('journal_mode = WAL');
  db.exec(AUDIT_TREE_NODES_DDL);
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const entry = (i: number): Buffer => Buffer.from(JSON.stringify({ action: 'byok.kms.rotate', seq: i }));

describe('SQLite and in-memory stores', () => {
  it('give identical roots and proofs for every size', () => {
    const mem = new MerkleLog(new MemoryTreeHashStore());
    const sql = new MerkleLog(new SqliteTreeHashStore(db));
    const appendBoth = db.transaction((i: number) => {
      const a = mem.append(entry(i));
      const b = sql.append(entry(i));
      expect(b).toEqual(a);
      expect(a.index).toBe(i);
    });
    const N = 137;
    for (let i = 0; i < N; i++) appendBoth(i);
    expect(sql.size()).toBe(N);
    expect(sql.root().equals(merkleTreeHash(Array.from({ length: N }, (_, i) => leafHash(entry(i)))))).toBe(true);
    for (let n = 0; n <= N; n++) {
      expect(sql.root(n)).toEqual(mem.root(n));
      for (let m = 0; m <= n; m += 7) expect(sql.consistencyProof(m, n)).toEqual(mem.consistencyProof(m, n));
      for (let i = 0; i < n; i += 5) expect(sql.inclusionProof(i, n)).toEqual(mem.inclusionProof(i, n));
    }
    expect(sql.leafHash(42)).toEqual(leafHash(entry(42)));
  });

  it('stores only complete-subtree hashes: 2n - popcount(n) rows', () => {
    const sql = new MerkleLog(new SqliteTreeHashStore(db));
    db.transaction(() => sql.appendLeafHashes(Array.from({ length: 100 }, (_, i) => leafHash(entry(i)))))();
    const rows = db.prepare('SELECT COUNT(*) FROM audit_tree_nodes').pluck().get();
    expect(rows).toBe(2 * 100 - 3); // 100 = 0b1100100
    const perLevel = db.prepare('SELECT level, COUNT(*) AS n FROM audit_tree_nodes GROUP BY level ORDER BY level').all();
    expect(perLevel).toEqual([0, 1, 2, 3, 4, 5, 6].map((level) => ({ level, n: Math.floor(100 / 2 ** level) })));
  });

  it('batched appends inside one transaction match single appends', () => {
    const single = new MerkleLog(new MemoryTreeHashStore());
    const sql = new MerkleLog(new SqliteTreeHashStore(db));
    const hashes = Array.from({ length: 77 }, (_, i) => leafHash(entry(i)));
    for (const h of hashes) single.appendLeafHashes([h]);
    db.transaction(() => {
      expect(sql.appendLeafHashes(hashes.slice(0, 30))).toEqual({ firstIndex: 0, size: 30 });
      expect(sql.appendLeafHashes(hashes.slice(30))).toEqual({ firstIndex: 30, size: 77 });
    })();
    expect(sql.root()).toEqual(single.root());
  });

  it('rolls back with the caller’s transaction', () => {
    const sql = new MerkleLog(new SqliteTreeHashStore(db));
    db.transaction(() => sql.append(entry(0)))();
    const before = sql.root();
    const failing = db.transaction(() => {
      sql.append(entry(1));
      sql.append(entry(2));
      throw new Error('entry insert failed');
    });
    expect(() => failing()).toThrow('entry insert failed');
    expect(sql.size()).toBe(1);
    expect(sql.root()).toEqual(before);
    expect(sql.append(entry(1)).index).toBe(1);
  });

  it('refuses to overwrite a stored hash', () => {
    const store = new SqliteTreeHashStore(db);
    store.putMany([{ level: 0, index: 0, hash: leafHash(entry(0)) }]);
    expect(() => store.putMany([{ level: 0, index: 0, hash: leafHash(entry(1)) }])).toThrow(/UNIQUE|PRIMARY KEY/);
    const mem = new MemoryTreeHashStore();
    mem.putMany([{ level: 0, index: 0, hash: leafHash(entry(0)) }]);
    expect(() => mem.putMany([{ level: 0, index: 0, hash: leafHash(entry(1)) }])).toThrow(/out of order/);
    expect(() => mem.putMany([{ level: 0, index: 1, hash: Buffer.alloc(31) }])).toThrow(/31 bytes/);
    expect(mem.size()).toBe(1);
  });

  it('reports a damaged store instead of returning a wrong proof', () => {
    const sql = new MerkleLog(new SqliteTreeHashStore(db));
    db.transaction(() => sql.appendLeafHashes(Array.from({ length: 16 }, (_, i) => leafHash(entry(i)))))();
    db.prepare('DELETE FROM audit_tree_nodes WHERE level = 2 AND idx = 1').run();
    expect(() => sql.inclusionProof(0, 16)).toThrow('tree store is missing the hash at level 2, index 1');
    db.prepare("UPDATE audit_tree_nodes SET hash = x'00' WHERE level = 1 AND idx = 0").run();
    expect(() => sql.inclusionProof(2, 4)).toThrow(/does not hold a 32-byte hash/);
  });

  it('refuses proofs and roots beyond the log', () => {
    const log = new MerkleLog(new MemoryTreeHashStore());
    log.appendLeafHashes([leafHash(entry(0)), leafHash(entry(1))]);
    expect(() => log.root(3)).toThrow('tree size 3 is beyond the log, which has 2 leaves');
    expect(() => log.inclusionProof(2, 2)).toThrow('leaf index 2 out of range for tree size 2');
    expect(() => log.inclusionProof(0, 3)).toThrow('tree size 3 is beyond the log');
    expect(() => log.consistencyProof(2, 1)).toThrow('old tree size 2 is larger than new tree size 1');
    expect(() => log.consistencyProof(-1, 1)).toThrow('old tree size must be a non-negative safe integer');
    expect(() => log.appendLeafHashes([Buffer.alloc(20)])).toThrow('leaf hash 0 is 20 bytes, expected 32');
    expect(log.size()).toBe(2);
  });
});
