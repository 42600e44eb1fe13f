/**
 * An append-only Merkle log over a TreeHashStore. Appends write the leaf hash and the
 * parents it completes; roots and proofs are assembled from stored complete-subtree
 * hashes (O(log n) lookups), never from a scan of the entries.
 */
import { emptyTreeHash, HASH_SIZE, leafHash, nodeHash } from './hash';
import { consistencyPath, inclusionPath, type RangeHasher } from './merkle';
import { assertTreeSize, isOdd, perfectSubtrees } from './tree-math';
import type { TreeHashRow, TreeHashStore } from './tree-hash-store';

export interface AppendResult {
  index: number;
  leafHash: Buffer;
}

export class MerkleLog {
  constructor(private readonly store: TreeHashStore) {}

  /** Number of leaves. Read from the store each time, so a rolled-back append is not counted. */
  size(): number {
    return this.store.size();
  }

  append(entry: Uint8Array): AppendResult {
    const h = leafHash(entry);
    const { firstIndex } = this.appendLeafHashes([h]);
    return { index: firstIndex, leafHash: h };
  }

  /** Appends many leaf hashes with one putMany; returns the first new index and the new size. */
  appendLeafHashes(hashes: readonly Uint8Array[]): { firstIndex: number; size: number } {
    const start = this.store.size();
    const rows: TreeHashRow[] = [];
    // Newest node written per level during this batch: the left sibling of the next odd
    // node at that level is either this one or already in the store.
    const newest: ({ index: number; hash: Uint8Array } | undefined)[] = [];
    hashes.forEach((leaf, i) => {
      if (leaf.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} is ${leaf.length} bytes, expected ${HASH_SIZE}`);
      // No copy needed: both stores copy the bytes they keep, and this call is synchronous.
      let h: Uint8Array = leaf;
      let level = 0;
      let index = start + i;
      for (;;) {
        rows.push({ level, index, hash: h });
        const prev = newest[level];
        newest[level] = { index, hash: h };
        if (!isOdd(index)) break;
        const left = prev !== undefined && prev.index === index - 1 ? prev.hash : this.#node(level, index - 1);
        h = nodeHash(left, h);
        level++;
        index = (index - 1) / 2;
      }
    });
    if (rows.length > 0) this.store.putMany(rows);
    return { firstIndex: start, size: start + hashes.length };
  }

  /** The stored leaf hash at `index`. */
  leafHash(index: number): Buffer {
    this.#checkIndex(index, this.size());
    return this.#node(0, index);
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size?: number): Buffer {
    const n = this.#checkSize(size ?? this.size(), 'tree size');
    return n === 0 ? emptyTreeHash() : this.#rangeHash(0, n);
  }

  /** RFC 9162 inclusion proof of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size: number): Buffer[] {
    this.#checkIndex(index, this.#checkSize(size, 'tree size'));
    return inclusionPath(index, size, this.#rangeHash);
  }

  /** RFC 9162 consistency proof from the tree of size1 leaves to the tree of size2 leaves. */
  consistencyProof(size1: number, size2: number): Buffer[] {
    assertTreeSize(size1, 'old tree size');
    this.#checkSize(size2, 'new tree size');
    if (size1 > size2) throw new RangeError(`old tree size ${size1} is larger than new tree size ${size2}`);
    return consistencyPath(size1, size2, this.#rangeHash);
  }

  // MTH(D[lo:hi]) from the perfect subtrees that tile the range, folded from the right.
  readonly #rangeHash: RangeHasher = (lo, hi) => {
    const parts = perfectSubtrees(lo, hi);
    const last = parts[parts.length - 1] as { level: number; index: number };
    let h = this.#node(last.level, last.index);
    for (let i = parts.length - 2; i >= 0; i--) {
      const p = parts[i] as { level: number; index: number };
      h = nodeHash(this.#node(p.level, p.index), h);
    }
    return h;
  };

  #node(level: number, index: number): Buffer {
    const h = this.store.get(level, index);
    if (h === undefined) throw new Error(`tree store is missing the hash at level ${level}, index ${index}: the stored tree is incomplete`);
    return h;
  }

  #checkSize(size: number, what: string): number {
    assertTreeSize(size, what);
    const have = this.size();
    if (size > have) throw new RangeError(`${what} ${size} is beyond the log, which has ${have} leaves`);
    return size;
  }

  #checkIndex(index: number, size: number): void {
    assertTreeSize(index, 'leaf index');
    if (index >= size) throw new RangeError(`leaf index ${index} out of range for tree size ${size}`);
  }
}
