/**
 * Known-answer tests. The vectors are the RFC 6962 reference tree used across
 * Certificate Transparency implementations, copied from
 * github.com/transparency-dev/merkle proof/verify_test.go (leaves, roots for sizes 1..8,
 * inclusion and consistency proofs; that file numbers leaves from 1, here from 0) and
 * the corruption probes of its corruptInclusionProof / corruptConsistencyProof.
 */
import { describe, expect, it } from 'vitest';
import { emptyTreeHash, leafHash, nodeHash } from '../../../core/audit/tlog/hash';
import { consistencyPath, inclusionPath, merkleTreeHash, referenceRangeHasher, StreamingTreeHash } from '../../../core/audit/tlog/merkle';
import { MerkleLog } from '../../../core/audit/tlog/merkle-log';
import { verifyConsistency, verifyInclusion } from '../../../core/audit/tlog/proof-verify';
import { MemoryTreeHashStore } from '../../../core/audit/tlog/tree-hash-store';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
// ROOTS[n - 1] is the root of the tree of the first n leaves.
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);
const root = (n: number): Buffer => ROOTS[n - 1] as Buffer;

const INCLUSION = [
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { index: 0, size: 1, proof: [] },
].map((v) => ({ ...v, proof: v.proof.map(hex) }));

const CONSISTENCY = [
  { size1: 1, size2: 1, proof: [] },
  { size1: 1, size2: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6, size2: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2, size2: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6, size2: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
].map((v) => ({ ...v, proof: v.proof.map(hex) }));

const leafHashes = LEAVES.map(leafHash);
const log = new MerkleLog(new MemoryTreeHashStore());
log.appendLeafHashes(leafHashes);
const reference = referenceRangeHasher(leafHashes);

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree as SHA-256 of the empty string', () => {
    expect(emptyTreeHash().toString('hex')).toBe(EMPTY_ROOT);
    expect(merkleTreeHash([]).toString('hex')).toBe(EMPTY_ROOT);
    expect(new MerkleLog(new MemoryTreeHashStore()).root().toString('hex')).toBe(EMPTY_ROOT);
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    expect(leafHash(Buffer.alloc(0)).equals(root(1))).toBe(true);
    expect(nodeHash(leafHashes[0] as Buffer, leafHashes[1] as Buffer).equals(root(2))).toBe(true);
    expect(() => nodeHash(Buffer.alloc(31), Buffer.alloc(32))).toThrow(/32 bytes/);
  });

  it('matches the reference roots for sizes 1..8 (recursive, streaming and stored)', () => {
    const stream = new StreamingTreeHash();
    for (let n = 1; n <= 8; n++) {
      stream.add(leafHashes[n - 1] as Buffer);
      expect(merkleTreeHash(leafHashes.slice(0, n)).toString('hex')).toBe(root(n).toString('hex'));
      expect(stream.root().toString('hex')).toBe(root(n).toString('hex'));
      expect(log.root(n).toString('hex')).toBe(root(n).toString('hex'));
    }
  });
});

describe('inclusion proof vectors', () => {
  it.each(INCLUSION)('index $index in tree size $size: generated and verified', ({ index, size, proof }) => {
    expect(log.inclusionProof(index, size)).toEqual(proof);
    expect(inclusionPath(index, size, reference)).toEqual(proof);
    expect(verifyInclusion(leafHashes[index] as Buffer, index, size, proof, root(size))).toEqual({ ok: true });
  });

  it.each(INCLUSION.filter((v) => v.proof.length > 0))('rejects every corruption of index $index / size $size', ({ index, size, proof }) => {
    const leaf = leafHashes[index] as Buffer;
    const r = root(size);
    const flip = (i: number): Buffer[] => proof.map((h, j) => (j === i ? Buffer.from(h.map((b, k) => (k === 0 ? b ^ 8 : b))) : h));
    const probes: [string, number, number, Buffer, Buffer[], Buffer][] = [
      ['index - 1', index - 1, size, leaf, proof, r],
      ['index + 1', index + 1, size, leaf, proof, r],
      ['index ^ 2', index ^ 2, size, leaf, proof, r],
      ['size * 2', index, size * 2, leaf, proof, r],
      ['size / 2', index, Math.floor(size / 2), leaf, proof, r],
      ['wrong leaf', index, size, leafHash(Buffer.from('WrongLeaf')), proof, r],
      ['empty root', index, size, leaf, proof, hex(EMPTY_ROOT)],
      ['random root', index, size, leaf, proof, SOME_HASH],
      ['trailing garbage', index, size, leaf, [...proof, Buffer.alloc(0)], r],
      ['trailing root', index, size, leaf, [...proof, r], r],
      ['preceding garbage', index, size, leaf, [Buffer.alloc(0), ...proof], r],
      ['preceding root', index, size, leaf, [r, ...proof], r],
      ['removed component', index, size, leaf, proof.slice(0, -1), r],
      ['inserted component', index, size, leaf, [proof[0] as Buffer, SOME_HASH, ...proof.slice(1)], r],
      ...proof.map((_, i): [string, number, number, Buffer, Buffer[], Buffer] => [`flipped bit in proof[${i}]`, index, size, leaf, flip(i), r]),
    ];
    for (const [desc, i, n, l, p, rt] of probes) {
      const v = verifyInclusion(l, i, n, p, rt);
      expect(v.ok, desc).toBe(false);
      if (!v.ok) expect(v.reason.length, desc).toBeGreaterThan(10);
    }
  });

  it('names the failure precisely', () => {
    const p = INCLUSION[0]?.proof as Buffer[];
    const leaf = leafHashes[0] as Buffer;
    expect(verifyInclusion(leaf, 5, 5, [], root(5))).toEqual({ ok: false, reason: 'leaf index 5 out of range for tree size 5' });
    expect(verifyInclusion(leaf, 0, 8, p.slice(0, 2), root(8))).toEqual({ ok: false, reason: 'proof has 2 hashes, expected 3' });
    expect(verifyInclusion(leaf, 0, 8, [p[0] as Buffer, Buffer.alloc(31), p[2] as Buffer], root(8))).toEqual({ ok: false, reason: 'proof hash 1 is 31 bytes, expected 32' });
    const wrong = verifyInclusion(leaf, 0, 8, p, root(7));
    expect(wrong.ok === false && wrong.reason).toMatch(/^computed root does not match/);
  });
});

describe('consistency proof vectors', () => {
  it.each(CONSISTENCY)('$size1 -> $size2: generated and verified', ({ size1, size2, proof }) => {
    expect(log.consistencyProof(size1, size2)).toEqual(proof);
    expect(consistencyPath(size1, size2, reference)).toEqual(proof);
    expect(verifyConsistency(size1, size2, proof, root(size1), root(size2))).toEqual({ ok: true });
  });

  it.each(CONSISTENCY.filter((v) => v.proof.length > 0))('rejects every corruption of $size1 -> $size2', ({ size1, size2, proof }) => {
    const r1 = root(size1);
    const r2 = root(size2);
    const flip = (i: number): Buffer[] => proof.map((h, j) => (j === i ? Buffer.from(h.map((b, k) => (k === 0 ? b ^ 16 : b))) : h));
    const probes: [string, number, number, Buffer, Buffer, Buffer[]][] = [
      ['size1 - 1', size1 - 1, size2, r1, r2, proof],
      ['size1 + 1', size1 + 1, size2, r1, r2, proof],
      ['size1 ^ 2', size1 ^ 2, size2, r1, r2, proof],
      ['size2 * 2', size1, size2 * 2, r1, r2, proof],
      ['size2 / 2', size1, Math.floor(size2 / 2), r1, r2, proof],
      ['wrong root1', size1, size2, SOME_HASH, r2, proof],
      ['wrong root2', size1, size2, r1, SOME_HASH, proof],
      ['swapped roots', size1, size2, r2, r1, proof],
      ['empty proof', size1, size2, r1, r2, []],
      ['trailing garbage', size1, size2, r1, r2, [...proof, Buffer.alloc(0)]],
      ['trailing root1', size1, size2, r1, r2, [...proof, r1]],
      ['trailing root2', size1, size2, r1, r2, [...proof, r2]],
      ['preceding garbage', size1, size2, r1, r2, [Buffer.alloc(0), ...proof]],
      ['preceding root1', size1, size2, r1, r2, [r1, ...proof]],
      ['preceding root2', size1, size2, r1, r2, [r2, ...proof]],
      ['preceding proof[0]', size1, size2, r1, r2, [proof[0] as Buffer, ...proof]],
      ['truncated proof', size1, size2, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [string, number, number, Buffer, Buffer, Buffer[]] => [`flipped bit in proof[${i}]`, size1, size2, r1, r2, flip(i)]),
    ];
    for (const [desc, s1, s2, a, b, p] of probes) expect(verifyConsistency(s1, s2, p, a, b).ok, desc).toBe(false);
  });

  it('handles the edge sizes and names the failure precisely', () => {
    const empty = hex(EMPTY_ROOT);
    expect(verifyConsistency(0, 0, [], empty, empty)).toEqual({ ok: true });
    expect(verifyConsistency(0, 8, [], empty, root(8))).toEqual({ ok: true });
    expect(verifyConsistency(1, 1, [], root(1), root(2))).toEqual({ ok: false, reason: 'roots differ for the same tree size 1' });
    expect(verifyConsistency(2, 1, [], root(2), root(1))).toEqual({ ok: false, reason: 'old tree size 2 is larger than new tree size 1' });
    expect(verifyConsistency(1, 2, [], root(1), root(2))).toEqual({ ok: false, reason: 'proof has 0 hashes, expected 1' });
    expect(verifyConsistency(1, 1, [empty], root(1), root(1))).toEqual({ ok: false, reason: 'proof has 1 hash, expected 0' });
    expect(verifyConsistency(0, 3, [], root(1), root(3))).toEqual({ ok: false, reason: 'old root is not the empty tree hash for tree size 0' });
    const p = CONSISTENCY[2]?.proof as Buffer[];
    const bad = verifyConsistency(6, 8, p, root(5), root(8));
    expect(bad.ok === false && bad.reason).toMatch(/^computed old root does not match/);
    const bad2 = verifyConsistency(6, 8, p, root(6), root(7));
    expect(bad2.ok === false && bad2.reason).toMatch(/^computed new root does not match/);
  });
});
