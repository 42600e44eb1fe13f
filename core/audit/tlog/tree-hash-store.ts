/**
 * Where the log keeps its hashes: only the hashes of COMPLETE (perfect) subtrees, the
 * "stored hashes" of Go's golang.org/x/mod/sumdb/tlog. After leaf n is appended the
 * store holds its leaf hash at level 0 plus every parent that leaf completed, so a
 * root or proof needs O(log n) lookups and never rescans the log. A stored hash never
 * changes once written.
 */
import { HASH_SIZE } from './hash';

export interface TreeHashRow {
  level: number;
  index: number;
  hash: Uint8Array;
}

export interface TreeHashStore {
  /** Hash of the perfect subtree over leaves [index * 2^level, (index + 1) * 2^level). */
  get(level: number, index: number): Buffer | undefined;
  /** Writes new rows; must not overwrite. Runs inside the caller's transaction, if any. */
  putMany(rows: readonly TreeHashRow[]): void;
  /** Number of leaves stored (level-0 rows). */
  size(): number;
}

interface Level {
  slab: Buffer;
  count: number;
}

/** In-memory store: one contiguous slab of 32-byte slots per level (no per-hash objects). */
export class MemoryTreeHashStore implements TreeHashStore {
  readonly #levels: Level[] = [];

  get(level: number, index: number): Buffer | undefined {
    const l = this.#levels[level];
    if (!l || !(index >= 0 && index < l.count)) return undefined;
    const at = index * HASH_SIZE;
    // A copy, so no caller can alter a stored hash through the returned buffer.
    const out = Buffer.allocUnsafe(HASH_SIZE);
    l.slab.copy(out, 0, at, at + HASH_SIZE);
    return out;
  }

  putMany(rows: readonly TreeHashRow[]): void {
    // Check every row before writing any, so a bad batch leaves the store unchanged.
    const next = this.#levels.map((l) => l.count);
    for (const { level, index, hash } of rows) {
      if (hash.length !== HASH_SIZE) throw new RangeError(`tree hash at level ${level}, index ${index} is ${hash.length} bytes, expected ${HASH_SIZE}`);
      const expected = next[level] ?? 0;
      if (index !== expected) {
        throw new RangeError(`tree hash at level ${level}, index ${index} is out of order: the next node at that level is ${expected}`);
      }
      next[level] = expected + 1;
    }
    for (const { level, index, hash } of rows) {
      const l = this.#level(level);
      if (l.slab.length < (index + 1) * HASH_SIZE) {
        const grown = Buffer.allocUnsafe(Math.max(l.slab.length * 2, 1024 * HASH_SIZE));
        l.slab.copy(grown, 0, 0, l.count * HASH_SIZE);
        l.slab = grown;
      }
      l.slab.set(hash, index * HASH_SIZE);
      l.count = index + 1;
    }
  }

  size(): number {
    return this.#levels[0]?.count ?? 0;
  }

  #level(level: number): Level {
    while (this.#levels.length <= level) this.#levels.push({ slab: Buffer.alloc(0), count: 0 });
    return this.#levels[level] as Level;
  }
}
