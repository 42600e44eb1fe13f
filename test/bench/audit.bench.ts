/**
 * Audit Merkle tree throughput. Figures (the harness prints them):
 *   audit.append_entries_s        in-memory MerkleLog appends per second
 *   audit.tree_verify_entries_s   entries per second re-deriving the root from the entries
 *                                 (leaf hashing + tree), as a full-log verification does
 *   audit.sha256_floor_entries_s  plain SHA-256 over the same bytes, same run: the floor
 *   audit.tree_verify.ratio       tree_verify_entries_s / sha256_floor_entries_s (1 = at the
 *                                 floor; an RFC 9162 tree needs ~2 hashes per entry, so ~0.5)
 *   audit.proof_gen_us            mean inclusion-proof generation time at size N
 *   audit.proof_bytes             largest inclusion proof at size N (32 bytes per hash)
 */
import { hash } from 'node:crypto';
import type { Bench } from './index';
import { performance } from 'node:perf_hooks';
import { canonicalJson } from '../../core/audit/canonical-json';
import { leafHash } from '../../core/audit/tlog/hash';
import { StreamingTreeHash } from '../../core/audit/tlog/merkle';
import { MerkleLog } from '../../core/audit/tlog/merkle-log';
import { verifyInclusion } from '../../core/audit/tlog/proof-verify';
import { MemoryTreeHashStore } from '../../core/audit/tlog/tree-hash-store';

const PROOF_SAMPLES = 2000;
const CHUNK = 16_384;

/** N canonical-JSON audit entries of ~200 bytes, packed in one buffer (no per-entry objects). */
function makeEntries(n: number): { bytes: Buffer; offsets: Float64Array } {
  const parts: Buffer[] = [];
  const offsets = new Float64Array(n + 1);
  let at = 0;
  for (let seq = 0; seq < n; seq++) {
    const entry = Buffer.from(
      canonicalJson({
        seq,
        at: new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString(),
        actor: 'ops@workstation-07',
        address: 'local',
        action: 'byok.kms.rotate',
        tenant_id: `tn_${(seq % 977).toString(36).padStart(6, '0')}`,
        payload: { new_version: (seq % 50) + 1, wrap_method: 'customer_kms', key_suffix: 'a1b2c3d4e5f6' },
      }),
      'utf8',
    );
    parts.push(entry);
    offsets[seq] = at;
    at += entry.length;
  }
  offsets[n] = at;
  return { bytes: Buffer.concat(parts, at), offsets };
}

function rate(n: number, ms: number): number {
  return Math.round(n / (ms / 1000));
}

export async function run(opts: { entries?: number } = {}): Promise<Record<string, number>> {
  const n = opts.entries ?? 1_000_000;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`entries must be a positive integer, got ${n}`);
  const { bytes, offsets } = makeEntries(n);
  const entry = (i: number): Buffer => bytes.subarray(offsets[i] as number, offsets[i + 1] as number);

  // Warm the hash paths so the first timed loop does not pay for JIT compilation.
  const warm = Math.min(n, 20_000);
  const warmTree = new StreamingTreeHash();
  for (let i = 0; i < warm; i++) {
    hash('sha256', entry(i), 'buffer');
    warmTree.add(leafHash(entry(i)));
  }

  const log = new MerkleLog(new MemoryTreeHashStore());
  let t = performance.now();
  for (let i = 0; i < n; i++) log.append(entry(i));
  const appendMs = performance.now() - t;

  // Floor and tree run in alternating chunks over the same bytes, so a busy machine
  // slows both alike and the ratio stays meaningful.
  let floorMs = 0;
  let treeMs = 0;
  const tree = new StreamingTreeHash();
  for (let lo = 0; lo < n; lo += CHUNK) {
    const hi = Math.min(n, lo + CHUNK);
    t = performance.now();
    for (let i = lo; i < hi; i++) hash('sha256', entry(i), 'buffer');
    floorMs += performance.now() - t;
    t = performance.now();
    for (let i = lo; i < hi; i++) tree.add(leafHash(entry(i)));
    treeMs += performance.now() - t;
  }
  t = performance.now();
  const root = tree.root();
  treeMs += performance.now() - t;
  if (!root.equals(log.root())) throw new Error('bench: streamed root differs from the log root');

  // Deterministic spread of leaf indexes (LCG), so runs are comparable.
  const samples = Math.min(n, PROOF_SAMPLES);
  const indexes: number[] = [];
  for (let i = 0, x = 12345; i < samples; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    indexes.push(x % n);
  }
  let maxHashes = 0;
  t = performance.now();
  for (const i of indexes) maxHashes = Math.max(maxHashes, log.inclusionProof(i, n).length);
  const proofMs = performance.now() - t;
  const last = indexes[indexes.length - 1] as number;
  if (!verifyInclusion(log.leafHash(last), last, n, log.inclusionProof(last, n), root).ok) throw new Error('bench: proof does not verify');

  const treeRate = rate(n, treeMs);
  const floorRate = rate(n, floorMs);
  return {
    'audit.append_entries_s': rate(n, appendMs),
    'audit.tree_verify_entries_s': treeRate,
    'audit.sha256_floor_entries_s': floorRate,
    'audit.tree_verify.ratio': Math.round((treeRate / floorRate) * 1000) / 1000,
    'audit.proof_gen_us': Math.round(((proofMs * 1000) / samples) * 100) / 100,
    'audit.proof_bytes': maxHashes * 32,
  };
}

export const bench: Bench = { name: 'audit', run: (args) => run({ entries: args.sizes.entries }) };
