/**
 * TreeHashStore on the `audit_tree_nodes` table (created by the app's migration; the
 * DDL is repeated here for tests and documentation). Rows are keyed (level, idx), so
 * every lookup is one primary-key seek and the tree size is one MAX() on an index.
 * putMany never opens a transaction: the audit trail appends the entry and its tree
 * nodes in the caller's transaction, so they commit or roll back together.
 */
import type { Database, Statement } from 'better-sqlite3';
import { HASH_SIZE } from './hash';
import type { TreeHashRow, TreeHashStore } from './tree-hash-store';

export const AUDIT_TREE_NODES_DDL =
  'CREATE TABLE audit_tree_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) STRICT, WITHOUT ROWID;';

export class SqliteTreeHashStore implements TreeHashStore {
  readonly #get: Statement<[number, number], Buffer>;
  readonly #put: Statement<[number, number, Buffer]>;
  readonly #maxLeaf: Statement<[], number | null>;

  constructor(db: Database) {
    this.#get = db.prepare<[number, number], Buffer>('SELECT hash FROM audit_tree_nodes WHERE level = ? AND idx = ?').pluck();
    // Plain INSERT: a second write of the same node is a bug or a concurrent writer, and
    // the primary key turns it into an error instead of a silent rewrite of history.
    this.#put = db.prepare<[number, number, Buffer]>('INSERT INTO audit_tree_nodes (level, idx, hash) VALUES (?, ?, ?)');
    // ORDER BY … LIMIT 1 walks the primary key from its end; MAX(idx) with a WHERE on
    // level is not min/max-optimized by SQLite and would scan every leaf row.
    this.#maxLeaf = db.prepare<[], number | null>('SELECT idx FROM audit_tree_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1').pluck();
  }

  get(level: number, index: number): Buffer | undefined {
    const hash = this.#get.get(level, index);
    if (hash === undefined) return undefined;
    if (!Buffer.isBuffer(hash) || hash.length !== HASH_SIZE) {
      throw new Error(`audit_tree_nodes row (level ${level}, idx ${index}) does not hold a ${HASH_SIZE}-byte hash`);
    }
    return hash;
  }

  putMany(rows: readonly TreeHashRow[]): void {
    for (const { level, index, hash } of rows) {
      if (hash.length !== HASH_SIZE) throw new RangeError(`tree hash at level ${level}, index ${index} is ${hash.length} bytes, expected ${HASH_SIZE}`);
      this.#put.run(level, index, Buffer.isBuffer(hash) ? hash : Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength));
    }
  }

  size(): number {
    const max = this.#maxLeaf.get();
    return max === null || max === undefined ? 0 : max + 1;
  }
}
