/**
 * The Merkle Tree Hash and proof generation of RFC 9162 §2.1, written once against a
 * "range hasher" so the same PATH / SUBPROOF code serves the stored-hash log (O(log n)
 * lookups) and the plain reference over a list of leaves (used by tests).
 */
import { hash } from 'node:crypto';
import { emptyTreeHash, HASH_SIZE, LATIN1_DIGEST, nodeHash } from './hash';
import { half, isOdd, splitPoint } from './tree-math';

/** Returns MTH(D[lo:hi]) for lo < hi. */
export type RangeHasher = (lo: number, hi: number) => Buffer;

/** MTH(D[n]) by the RFC's recursive definition: O(n), the reference the log is held to. */
export function merkleTreeHash(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return emptyTreeHash();
  return referenceRangeHasher(leafHashes)(0, leafHashes.length);
}

/** A RangeHasher that recomputes every range from the leaf hashes (tests, small trees). */
export function referenceRangeHasher(leafHashes: readonly Uint8Array[]): RangeHasher {
  const mth = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return Buffer.from(leafHashes[lo] as Uint8Array);
    const k = splitPoint(hi - lo);
    return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };
  return (lo, hi) => {
    if (!(0 <= lo && lo < hi && hi <= leafHashes.length)) throw new RangeError(`leaf range [${lo}, ${hi}) outside ${leafHashes.length} leaves`);
    return mth(lo, hi);
  };
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]): sibling hashes from the leaf up to the root. */
export function inclusionPath(index: number, size: number, rangeHash: RangeHasher): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf index ${index} out of range for tree size ${size}`);
  const topDown: Buffer[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      topDown.push(rangeHash(lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(rangeHash(lo, lo + k));
      lo += k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(size1, D[size2]) via SUBPROOF; empty when size1 is 0 or size2. */
export function consistencyPath(size1: number, size2: number, rangeHash: RangeHasher): Buffer[] {
  if (!(size1 >= 0 && size1 <= size2)) throw new RangeError(`old tree size ${size1} is larger than new tree size ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  const topDown: Buffer[] = [];
  let lo = 0;
  let hi = size2;
  let wholeOldTree = true; // the SUBPROOF flag b: the old tree is still a node of this one
  while (size1 !== hi) {
    const k = splitPoint(hi - lo);
    if (size1 - lo <= k) {
      topDown.push(rangeHash(lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(rangeHash(lo, lo + k));
      lo += k;
      wholeOldTree = false;
    }
  }
  if (!wholeOldTree) topDown.push(rangeHash(lo, hi));
  return topDown.reverse();
}

/**
 * Streams leaf hashes into a root with O(log n) memory: keeps the hashes of the perfect
 * subtrees on the right edge (a compact range). Used to re-derive a root from the
 * entries themselves when verifying a whole log.
 *
 * Hashes are held as 32-character latin1 strings (one char per byte): crypto.hash
 * returns a string two to three times faster than a Buffer, and a full verify computes
 * about one node hash per leaf.
 */
export class StreamingTreeHash {
  readonly #stack: string[] = [];
  readonly #node = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01); // [0x01 | left | right]
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash is ${leafHash.length} bytes, expected ${HASH_SIZE}`);
    this.addLatin1(Buffer.from(leafHash.buffer, leafHash.byteOffset, HASH_SIZE).toString('latin1'));
  }

  /** A leaf hash as crypto.hash(..., 'latin1') returns it: 32 latin1 chars, one per byte. */
  addLatin1(leafHash: string): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash is ${leafHash.length} bytes, expected ${HASH_SIZE}`);
    let h = leafHash;
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes.
    for (let n = this.#size; isOdd(n); n = half(n)) h = this.#nodeHash(this.#stack.pop() as string, h);
    this.#stack.push(h);
    this.#size++;
  }

  root(): Buffer {
    return this.rootWith([]);
  }

  /** The right edge (perfect subtrees, largest first) as latin1 strings: a copy. */
  compactRange(): string[] {
    return [...this.#stack];
  }

  /**
   * The root of this tree followed by `tail`, the compact range of the leaves after it.
   * Correct when this tree's size is a multiple of 2^tail[0]'s height (the caller feeds
   * whole aligned pages of a power-of-two size, so every tail subtree is smaller than
   * every subtree here): the RFC 9162 root folds the right edge from the right.
   */
  rootWith(tail: readonly string[]): Buffer {
    const edge = tail.length === 0 ? this.#stack : [...this.#stack, ...tail];
    if (edge.length === 0) return emptyTreeHash();
    let h = edge[edge.length - 1] as string;
    for (let i = edge.length - 2; i >= 0; i--) h = this.#nodeHash(edge[i] as string, h);
    return Buffer.from(h, 'latin1');
  }

  /** SHA-256(0x01 || left || right), as hash.ts's nodeHash, on latin1 strings. */
  #nodeHash(left: string, right: string): string {
    this.#node.write(left, 1, HASH_SIZE, 'latin1');
    this.#node.write(right, 1 + HASH_SIZE, HASH_SIZE, 'latin1');
    return hash('sha256', this.#node, LATIN1_DIGEST);
  }
}
