/**
 * Integer arithmetic on tree sizes and leaf indexes. Sizes are JS numbers, so every
 * shift and parity test here is done with division: the bitwise operators truncate to
 * 32 bits and would silently break past 2^31 leaves.
 */

export function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Throws a RangeError naming `what` unless n is a non-negative safe integer. */
export function assertTreeSize(n: number, what = 'tree size'): void {
  if (!isTreeSize(n)) throw new RangeError(`${what} must be a non-negative safe integer, got ${String(n)}`);
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** n >> 1 without the 32-bit truncation. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** The largest power of two <= n (n >= 1), with its exponent. */
export function floorPowerOfTwo(n: number): { k: number; level: number } {
  if (n < 1) throw new RangeError(`floorPowerOfTwo needs n >= 1, got ${n}`);
  if (n < 0x80000000) {
    const level = 31 - Math.clz32(n);
    return { k: 2 ** level, level };
  }
  let k = 0x80000000;
  let level = 31;
  while (k * 2 <= n) {
    k *= 2;
    level++;
  }
  return { k, level };
}

/** RFC 9162 §2.1.1 split point: the largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  if (n < 2) throw new RangeError(`splitPoint needs n >= 2, got ${n}`);
  return floorPowerOfTwo(n - 1).k;
}

/** A perfect subtree: leaves [index * 2^level, (index + 1) * 2^level). */
export interface SubtreeId {
  level: number;
  index: number;
}

/**
 * Splits leaves [lo, hi) into the perfect subtrees the RFC recursion produces, left to
 * right, largest first; MTH(D[lo:hi]) folds their hashes from the right. Every range the
 * proof and root recursions ask for is aligned this way; anything else is a bug.
 */
export function perfectSubtrees(lo: number, hi: number): SubtreeId[] {
  if (!(lo < hi)) throw new RangeError(`empty leaf range [${lo}, ${hi})`);
  const out: SubtreeId[] = [];
  while (lo < hi) {
    const { k, level } = floorPowerOfTwo(hi - lo);
    if (lo % k !== 0) throw new RangeError(`leaf range [${lo}, ${hi}) is not aligned to the tree`);
    out.push({ level, index: lo / k });
    lo += k;
  }
  return out;
}

/** Number of hashes in the RFC 9162 §2.1.3.1 inclusion proof for `index` in a tree of `size`. */
export function inclusionProofLength(index: number, size: number): number {
  let lo = 0;
  let hi = size;
  let count = 0;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) hi = lo + k;
    else lo += k;
    count++;
  }
  return count;
}

/** Number of hashes in the RFC 9162 §2.1.4.1 consistency proof from size1 to size2. */
export function consistencyProofLength(size1: number, size2: number): number {
  if (size1 === 0 || size1 === size2) return 0;
  let lo = 0;
  let hi = size2;
  let count = 0;
  let wholeOldTree = true;
  while (size1 !== hi) {
    const k = splitPoint(hi - lo);
    if (size1 - lo <= k) hi = lo + k;
    else {
      lo += k;
      wholeOldTree = false;
    }
    count++;
  }
  return wholeOldTree ? count : count + 1;
}
