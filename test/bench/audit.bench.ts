/**
 * The audit log at scale, through the real engine on a real SQLite file. Figures:
 *   audit.append_entries_s         AuditTrail.append (chain + Merkle leaf + stored nodes),
 *                                  10,000 appends per transaction
 *   audit.append_single_tx_entries_s  the same, one transaction per append (2,000 samples)
 *   audit.verify_entries_s         `audit.verify` of the whole log: re-hash the chain,
 *                                  re-derive the RFC 9162 tree, check every checkpoint,
 *                                  on audit.verify_threads worker threads (pages)
 *   audit.verify_in_thread_entries_s  the same verify in one thread (one core, no workers)
 *   audit.sha256_floor_entries_s   plain SHA-256 over the same entry bytes, same run
 *                                  (digest returned as a Buffer, as this figure always was)
 *   audit.verify.ratio             verify_entries_s / sha256_floor_entries_s (the target:
 *                                  400k entries/s where plain SHA-256 does about 560k)
 *   audit.sha256_hex_floor_entries_s  the same hashes with the digest returned as hex: Node
 *                                  allocates no Buffer then, which makes a call two to three
 *                                  times cheaper; the strictest floor
 *   audit.verify.hex_ratio         verify_entries_s / sha256_hex_floor_entries_s
 *   audit.tree_verify_entries_s    the tree part alone, in memory (leaf hash + tree)
 *   audit.tree_verify.ratio        tree_verify_entries_s / sha256_floor_entries_s
 *   audit.proof_gen_us             inclusion proof from the stored tree at size N (mean)
 *   audit.proof_bundle_ms          `audit.prove` end to end: proof + signed checkpoint +
 *                                  the engine's own Ed25519 check of the bundle (mean)
 *   audit.proof_bytes              largest inclusion proof at size N (32 bytes per hash)
 *   audit.proof_bundle_bytes       the JSON proof file an auditor receives
 *   audit.consistency_proof_bytes  consistency proof from size N/2 to N
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Bench } from './index';
import { entryText } from '../../core/audit/entry-text';
import { defaultVerifyThreads } from '../../core/audit/parallel-verify';
import { leafHash } from '../../core/audit/tlog/hash';
import { StreamingTreeHash } from '../../core/audit/tlog/merkle';
import { openKeywarden, type Keywarden } from '../../core/keywarden';

const BATCH = 10_000;
const SINGLE_TX_SAMPLES = 2_000;
const PROOF_SAMPLES = 2_000;
const BUNDLE_SAMPLES = 200;
const CALLER = { actor: 'ops@workstation-07', address: 'local' };

function rate(n: number, ms: number): number {
  return Math.round(n / (ms / 1000));
}

function appendOne(kw: Keywarden, i: number): void {
  kw.ctx.audit.append(CALLER, 'record.updated', `tn_${(i % 977).toString(36).padStart(6, '0')}`, {
    tenant: `tenant-${i % 977}`,
    table: i % 2 ? 'integration_configs' : 'secret_environment_configs',
    name: `config-${i}`,
    key_version: (i % 50) + 1,
  });
}

/** Every entry's bytes packed in one buffer (not timed): the floor and the tree hash these. */
function readEntryBytes(kw: Keywarden, n: number): { bytes: Buffer; offsets: Float64Array } {
  const parts: Buffer[] = [];
  const offsets = new Float64Array(n + 1);
  let at = 0;
  let i = 0;
  for (let from = 1; from <= n; from += BATCH) {
    for (const r of kw.ctx.store.auditRange(from, BATCH)) {
      const b = Buffer.from(entryText(r), 'utf8');
      parts.push(b);
      offsets[i++] = at;
      at += b.length;
    }
  }
  offsets[n] = at;
  return { bytes: Buffer.concat(parts, at), offsets };
}

function floorMs(entry: (i: number) => Buffer, n: number, digest: 'buffer' | 'hex' = 'buffer'): number {
  const t = performance.now();
  if (digest === 'hex') for (let i = 0; i < n; i++) hash('sha256', entry(i), 'hex');
  else for (let i = 0; i < n; i++) hash('sha256', entry(i), 'buffer');
  return performance.now() - t;
}

function samples(n: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0, x = 12345; i < Math.min(n, count); i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(x % n);
  }
  return out;
}

export async function run(opts: { entries?: number } = {}): Promise<Record<string, number>> {
  const n = opts.entries ?? 1_000_000;
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`entries must be an integer of 2 or more, got ${n}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-audit-bench-'));
  const kw = openKeywarden({ dataDir: dir, env: {} });
  try {
    const bulk = n - Math.min(SINGLE_TX_SAMPLES, Math.floor(n / 10));
    const half = Math.floor(n / 2);
    const appendBulk = (from: number, to: number) => {
      for (let lo = from; lo < to; lo += BATCH) {
        kw.ctx.store.transaction(() => {
          for (let i = lo; i < Math.min(to, lo + BATCH); i++) appendOne(kw, i);
        });
      }
    };
    // bulk >= 0.9 n, so the half-way checkpoint (the consistency proof's old tree) lands in it.
    let t = performance.now();
    appendBulk(0, half);
    let appendMs = performance.now() - t;
    kw.auditLog.checkpoint();
    t = performance.now();
    appendBulk(half, bulk);
    appendMs += performance.now() - t;
    t = performance.now();
    for (let i = bulk; i < n; i++) appendOne(kw, i);
    const singleMs = performance.now() - t;
    kw.auditLog.checkpoint();

    const { bytes, offsets } = readEntryBytes(kw, n);
    const entry = (i: number): Buffer => bytes.subarray(offsets[i] as number, offsets[i + 1] as number);
    floorMs(entry, Math.min(n, 50_000)); // warm the hash paths
    floorMs(entry, Math.min(n, 50_000), 'hex');

    // Floors before and after the verify, so load drifting on a shared machine evens out.
    const floorBefore = floorMs(entry, n);
    const hexFloorBefore = floorMs(entry, n, 'hex');
    t = performance.now();
    const verdict = await kw.auditLog.verify();
    const verifyMs = performance.now() - t;
    t = performance.now();
    const inThread = kw.auditLog.verifyInThread();
    const inThreadMs = performance.now() - t;
    if (JSON.stringify(inThread) !== JSON.stringify(verdict)) throw new Error('bench: the in-thread verdict differs from the threaded one');
    const hexFloorAfter = floorMs(entry, n, 'hex');
    const floorAfter = floorMs(entry, n);
    if (!verdict.ok || verdict.entries !== n) throw new Error(`bench: the log did not verify: ${JSON.stringify(verdict)}`);
    const floorRate = rate(n, (floorBefore + floorAfter) / 2);
    const hexFloorRate = rate(n, (hexFloorBefore + hexFloorAfter) / 2);

    const tree = new StreamingTreeHash();
    t = performance.now();
    for (let i = 0; i < n; i++) tree.add(leafHash(entry(i)));
    const root = tree.root();
    const treeMs = performance.now() - t;
    if (root.toString('base64') !== verdict.root) throw new Error('bench: in-memory root differs from the verified root');

    let maxHashes = 0;
    const indexes = samples(n, PROOF_SAMPLES);
    t = performance.now();
    for (const i of indexes) maxHashes = Math.max(maxHashes, kw.auditLog.tree.inclusionProof(i, n).length);
    const proofMs = performance.now() - t;

    let bundleBytes = 0;
    const seqs = samples(n, BUNDLE_SAMPLES).map((i) => i + 1);
    t = performance.now();
    for (const seq of seqs) {
      const p = kw.auditLog.proveInclusion(seq);
      if (!p.verdict.ok) throw new Error(`bench: proof of #${seq} rejected: ${p.verdict.reason}`);
      bundleBytes = Math.max(bundleBytes, JSON.stringify(p.bundle).length);
    }
    const bundleMs = performance.now() - t;

    const consistency = kw.auditLog.proveConsistency(half, n);
    if (!consistency.verdict.ok) throw new Error(`bench: consistency proof rejected: ${consistency.verdict.reason}`);

    const verifyRate = rate(n, verifyMs);
    const treeRate = rate(n, treeMs);
    return {
      'audit.entries': n,
      'audit.append_entries_s': rate(bulk, appendMs),
      'audit.append_single_tx_entries_s': rate(n - bulk, singleMs),
      'audit.verify_entries_s': verifyRate,
      'audit.verify_threads': defaultVerifyThreads(),
      'audit.verify_in_thread_entries_s': rate(n, inThreadMs),
      'audit.sha256_floor_entries_s': floorRate,
      'audit.verify.ratio': Math.round((verifyRate / floorRate) * 1000) / 1000,
      'audit.sha256_hex_floor_entries_s': hexFloorRate,
      'audit.verify.hex_ratio': Math.round((verifyRate / hexFloorRate) * 1000) / 1000,
      'audit.tree_verify_entries_s': treeRate,
      'audit.tree_verify.ratio': Math.round((treeRate / floorRate) * 1000) / 1000,
      'audit.proof_gen_us': Math.round(((proofMs * 1000) / indexes.length) * 100) / 100,
      'audit.proof_bundle_ms': Math.round((bundleMs / seqs.length) * 1000) / 1000,
      'audit.proof_bytes': maxHashes * 32,
      'audit.proof_bundle_bytes': bundleBytes,
      'audit.consistency_proof_bytes': consistency.bundle.hashes.length * 32,
    };
  } finally {
    await kw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: Bench = { name: 'audit', run: (args) => run({ entries: args.sizes.entries }) };
