/**
 * Property tests (fast-check) over trees of up to 300 leaves: the stored-hash log agrees
 * with the RFC's recursive definitions, every proof it generates verifies, and a proof
 * verifies for a tampered claim only when that claim is true with that exact proof.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../../core/audit/tlog/hash';
import { consistencyPath, inclusionPath, merkleTreeHash, referenceRangeHasher, StreamingTreeHash } from '../../../core/audit/tlog/merkle';
import { MerkleLog } from '../../../core/audit/tlog/merkle-log';
import { verifyConsistency, verifyInclusion } from '../../../core/audit/tlog/proof-verify';
import { MemoryTreeHashStore } from '../../../core/audit/tlog/tree-hash-store';

const MAX = 300;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`{"seq":${i}}`)));
const log = new MerkleLog(new MemoryTreeHashStore());
// Appended one at a time, so every intermediate size is exercised.
for (const l of leaves) log.appendLeafHashes([l]);
const reference = referenceRangeHasher(leaves);
const roots = Array.from({ length: MAX + 1 }, (_, n) => merkleTreeHash(leaves.slice(0, n)));
const sameProof = (a: readonly Buffer[], b: readonly Buffer[]): boolean => a.length === b.length && a.every((h, i) => h.equals(b[i] as Buffer));

const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
const twoSizes = fc.tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX })).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
const RUNS = { numRuns: 300 };

describe('stored-hash log matches the RFC definitions', () => {
  it('root(n) equals MTH of the first n leaves for every n', () => {
    const stream = new StreamingTreeHash();
    for (let n = 0; n <= MAX; n++) {
      expect(log.root(n).equals(roots[n] as Buffer)).toBe(true);
      expect(stream.root().equals(roots[n] as Buffer)).toBe(true);
      if (n < MAX) stream.add(leaves[n] as Buffer);
    }
  });

  it('streaming from string digests (the verifier\'s path) gives the same roots as from Buffers', () => {
    // Every leaf here has bytes >= 0x80, which a UTF-8 mix-up of the latin1 form would corrupt.
    const stream = new StreamingTreeHash();
    for (let n = 0; n <= MAX; n++) {
      expect(stream.root().equals(roots[n] as Buffer)).toBe(true);
      if (n < MAX) stream.addLatin1((leaves[n] as Buffer).toString('latin1'));
    }
    expect(leaves.every((l) => l.some((b) => b >= 0x80))).toBe(true);
    expect(() => stream.addLatin1('short')).toThrow(RangeError);
  });

  it('batched appends store the same tree as single appends', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }), (batches) => {
        const batched = new MerkleLog(new MemoryTreeHashStore());
        let at = 0;
        for (const b of batches) {
          const chunk = leaves.slice(at, Math.min(at + b, MAX));
          const { firstIndex, size } = batched.appendLeafHashes(chunk);
          expect(firstIndex).toBe(at);
          at = size;
        }
        expect(batched.root().equals(roots[at] as Buffer)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('inclusion proofs', () => {
  it('every generated proof equals the RFC PATH and verifies', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = log.inclusionProof(index, size);
        expect(sameProof(proof, inclusionPath(index, size, reference))).toBe(true);
        expect(verifyInclusion(leaves[index] as Buffer, index, size, proof, roots[size] as Buffer)).toEqual({ ok: true });
      }),
      RUNS,
    );
  });

  it('a tampered hash, index or size fails with a reason unless the claim is true', () => {
    fc.assert(
      fc.property(sizeAndIndex, sizeAndIndex, fc.nat(), fc.integer({ min: 0, max: 31 }), ([size, index], [size2, index2], which, byte) => {
        const proof = log.inclusionProof(index, size);
        const leaf = leaves[index] as Buffer;
        if (proof.length > 0) {
          const bad = proof.map((h) => Buffer.from(h));
          const target = bad[which % bad.length] as Buffer;
          target[byte] = (target[byte] as number) ^ 0x01;
          const v = verifyInclusion(leaf, index, size, bad, roots[size] as Buffer);
          expect(v.ok === false && v.reason).toMatch(/^computed root does not match/);
        }
        // Any other (index, size) claim, checked against that size's real root.
        const truthful = index2 === index && sameProof(proof, log.inclusionProof(index2, size2));
        const v = verifyInclusion(leaf, index2, size2, proof, roots[size2] as Buffer);
        expect(v.ok).toBe(truthful);
        if (!v.ok) expect(v.reason).toMatch(/out of range|proof has|computed root does not match/);
      }),
      RUNS,
    );
  });
});

describe('consistency proofs', () => {
  it('every generated proof equals the RFC PROOF and verifies', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = log.consistencyProof(m, n);
        expect(sameProof(proof, consistencyPath(m, n, reference))).toBe(true);
        expect(verifyConsistency(m, n, proof, roots[m] as Buffer, roots[n] as Buffer)).toEqual({ ok: true });
      }),
      RUNS,
    );
  });

  it('a tampered hash or size fails with a reason unless the claim is true', () => {
    fc.assert(
      fc.property(twoSizes, twoSizes, fc.nat(), fc.integer({ min: 0, max: 31 }), ([m, n], [m2, n2], which, byte) => {
        const proof = log.consistencyProof(m, n);
        if (proof.length > 0) {
          const bad = proof.map((h) => Buffer.from(h));
          const target = bad[which % bad.length] as Buffer;
          target[byte] = (target[byte] as number) ^ 0x80;
          const v = verifyConsistency(m, n, bad, roots[m] as Buffer, roots[n] as Buffer);
          expect(v.ok === false && v.reason).toMatch(/^computed (old|new) root does not match/);
        }
        const truthful = sameProof(proof, log.consistencyProof(m2, n2));
        const v = verifyConsistency(m2, n2, proof, roots[m2] as Buffer, roots[n2] as Buffer);
        expect(v.ok).toBe(truthful);
        if (!v.ok) expect(v.reason).toMatch(/proof has|does not match|proof is (longer|shorter)/);
      }),
      RUNS,
    );
  });

  it('a proof never links a tree to a rewritten history', () => {
    fc.assert(
      fc.property(twoSizes.filter(([m, n]) => m > 0 && m < n), fc.integer({ min: 0, max: MAX - 1 }), ([m, n], victim) => {
        fc.pre(victim < m);
        const forged = leaves.slice(0, n).map((l, i) => (i === victim ? leafHash(Buffer.from('rewritten')) : l));
        const v = verifyConsistency(m, n, log.consistencyProof(m, n), roots[m] as Buffer, merkleTreeHash(forged));
        expect(v.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
