/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency)
 * state it. Before running the algorithms, the inputs are checked one by one so that a
 * failure says what is wrong (wrong length, index past the end, ...) instead of only
 * "does not verify".
 */
import { emptyTreeHash, HASH_SIZE, nodeHash } from './hash';
import { shortHex } from './encoding';
import { consistencyProofLength, half, inclusionProofLength, isOdd, isPowerOfTwo, isTreeSize } from './tree-math';
import { accept, ACCEPTED, reject, type Outcome, type Verdict } from './verdict';

function checkSize(n: number, what: string): string | undefined {
  return isTreeSize(n) ? undefined : `${what} must be a non-negative safe integer, got ${String(n)}`;
}

function checkHash(h: Uint8Array, what: string): string | undefined {
  return h.length === HASH_SIZE ? undefined : `${what} is ${h.length} bytes, expected ${HASH_SIZE}`;
}

function checkProofHashes(proof: readonly Uint8Array[], expected: number): string | undefined {
  if (proof.length !== expected) return `proof has ${proof.length} hash${proof.length === 1 ? '' : 'es'}, expected ${expected}`;
  for (let i = 0; i < proof.length; i++) {
    const bad = checkHash(proof[i] as Uint8Array, `proof hash ${i}`);
    if (bad) return bad;
  }
  return undefined;
}

/** The root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1-4). */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Outcome<Buffer> {
  const bad =
    checkSize(size, 'tree size') ??
    checkSize(index, 'leaf index') ??
    (index >= size ? `leaf index ${index} out of range for tree size ${size}` : undefined) ??
    checkHash(leafHash, 'leaf hash') ??
    checkProofHashes(proof, inclusionProofLength(index, size));
  if (bad) return reject(bad);

  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return reject('proof is longer than the path from the leaf to the root');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return reject('proof is shorter than the path from the leaf to the root');
  return accept(r);
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf at `index` is in the tree (size, root)? */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Verdict {
  const badRoot = checkHash(root, 'root hash');
  if (badRoot) return reject(badRoot);
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!computed.ok) return computed;
  if (!computed.value.equals(root)) {
    return reject(`computed root does not match (computed ${shortHex(computed.value)}…, tree size ${size} has ${shortHex(root)}…)`);
  }
  return ACCEPTED;
}

/** RFC 9162 §2.1.4.2: is the tree (size2, root2) an append-only extension of (size1, root1)? */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Verdict {
  const bad =
    checkSize(size1, 'old tree size') ??
    checkSize(size2, 'new tree size') ??
    (size1 > size2 ? `old tree size ${size1} is larger than new tree size ${size2}` : undefined) ??
    checkHash(root1, 'old root hash') ??
    checkHash(root2, 'new root hash') ??
    checkProofHashes(proof, consistencyProofLength(size1, size2));
  if (bad) return reject(bad);

  // Outside the RFC algorithm's 0 < size1 < size2: nothing to prove beyond the roots.
  if (size1 === size2) {
    return Buffer.from(root1).equals(root2) ? ACCEPTED : reject(`roots differ for the same tree size ${size1}`);
  }
  if (size1 === 0) {
    return emptyTreeHash().equals(root1) ? ACCEPTED : reject('old root is not the empty tree hash for tree size 0');
  }

  // Step 1 (unreachable after the length check, kept to follow the RFC exactly).
  if (proof.length === 0) return reject('proof is empty');
  // Step 2.
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Steps 3-4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return reject('proof is longer than the path between the two trees');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) return reject('proof is shorter than the path between the two trees');
  if (!fr.equals(root1)) return reject(`computed old root does not match (computed ${shortHex(fr)}…, tree size ${size1} has ${shortHex(root1)}…)`);
  if (!sr.equals(root2)) return reject(`computed new root does not match (computed ${shortHex(sr)}…, tree size ${size2} has ${shortHex(root2)}…)`);
  return ACCEPTED;
}
