/**
 * Tree arithmetic past 2^32 leaves, where JS bitwise operators would silently truncate.
 * A tree whose leaves are all equal has one hash per level, so a RangeHasher for a
 * 2^45-leaf tree is cheap and the real proof/verify code can run at those sizes.
 */
import { describe, expect, it } from 'vitest';
import { leafHash, nodeHash } from '../../../core/audit/tlog/hash';
import { consistencyPath, inclusionPath, type RangeHasher } from '../../../core/audit/tlog/merkle';
import { verifyConsistency, verifyInclusion } from '../../../core/audit/tlog/proof-verify';
import { consistencyProofLength, floorPowerOfTwo, inclusionProofLength, isPowerOfTwo, perfectSubtrees, splitPoint } from '../../../core/audit/tlog/tree-math';

const leaf = leafHash(Buffer.from('same'));
const levelHash: Buffer[] = [leaf];
for (let l = 1; l < 60; l++) levelHash.push(nodeHash(levelHash[l - 1] as Buffer, levelHash[l - 1] as Buffer));
const uniform: RangeHasher = (lo, hi) => {
  const parts = perfectSubtrees(lo, hi);
  let h = levelHash[(parts[parts.length - 1] as { level: number }).level] as Buffer;
  for (let i = parts.length - 2; i >= 0; i--) h = nodeHash(levelHash[(parts[i] as { level: number }).level] as Buffer, h);
  return h;
};
const rootOf = (n: number): Buffer => uniform(0, n);

describe('tree arithmetic', () => {
  it('splits and decomposes exactly above 2^32', () => {
    expect(splitPoint(2 ** 40)).toBe(2 ** 39);
    expect(splitPoint(2 ** 40 + 1)).toBe(2 ** 40);
    expect(floorPowerOfTwo(2 ** 45 + 12345)).toEqual({ k: 2 ** 45, level: 45 });
    expect(isPowerOfTwo(2 ** 50)).toBe(true);
    expect(isPowerOfTwo(2 ** 50 + 2)).toBe(false);
    expect(perfectSubtrees(2 ** 33, 2 ** 33 + 5)).toEqual([
      { level: 2, index: 2 ** 31 },
      { level: 0, index: 2 ** 33 + 4 },
    ]);
    expect(() => perfectSubtrees(3, 7)).toThrow('not aligned');
    expect(inclusionProofLength(0, 2 ** 40)).toBe(40);
    expect(inclusionProofLength(2 ** 40, 2 ** 40 + 1)).toBe(1);
    expect(consistencyProofLength(2 ** 32, 2 ** 33)).toBe(1);
    // From 2^k + 1 to 2^(k+1) leaves the proof has k + 2 hashes (5 -> 8: 4).
    expect(consistencyProofLength(5, 8)).toBe(4);
    expect(consistencyProofLength(2 ** 32 + 1, 2 ** 33)).toBe(34);
  });

  it.each([
    [0, 2 ** 32 + 1],
    [2 ** 32, 2 ** 32 + 1],
    [2 ** 31 + 7, 2 ** 40 + 3],
    [2 ** 45 - 1, 2 ** 45],
    [123456789012, 2 ** 45 + 999],
  ])('inclusion of leaf %d in a tree of %d leaves', (index, size) => {
    const proof = inclusionPath(index, size, uniform);
    expect(proof.length).toBe(inclusionProofLength(index, size));
    expect(verifyInclusion(leaf, index, size, proof, rootOf(size))).toEqual({ ok: true });
    expect(verifyInclusion(leaf, index, size, proof.slice(1), rootOf(size)).ok).toBe(false);
  });

  it.each([
    [2 ** 32, 2 ** 32 + 1],
    [2 ** 31 + 1, 2 ** 40],
    [3, 2 ** 45 + 7],
    [2 ** 44 + 5, 2 ** 45 + 3],
  ])('consistency from %d to %d leaves', (size1, size2) => {
    const proof = consistencyPath(size1, size2, uniform);
    expect(proof.length).toBe(consistencyProofLength(size1, size2));
    expect(verifyConsistency(size1, size2, proof, rootOf(size1), rootOf(size2))).toEqual({ ok: true });
    expect(verifyConsistency(size1, size2, proof.slice(0, -1), rootOf(size1), rootOf(size2)).ok).toBe(false);
  });

  it('rejects sizes that are not safe integers', () => {
    expect(verifyInclusion(leaf, 0, 2 ** 53 + 2, [], leaf)).toEqual({ ok: false, reason: 'tree size must be a non-negative safe integer, got 9007199254740994' });
    expect(verifyInclusion(leaf, 0.5, 2, [], leaf)).toEqual({ ok: false, reason: 'leaf index must be a non-negative safe integer, got 0.5' });
    expect(verifyConsistency(-1, 2, [], leaf, leaf)).toEqual({ ok: false, reason: 'old tree size must be a non-negative safe integer, got -1' });
  });
});
