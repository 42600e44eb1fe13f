/**
 * The offline verifier end to end, as an auditor holding only the verifier key would
 * run it: signed checkpoints, entry inclusion, checkpoint consistency, proof bundles,
 * and the ways a forger or a damaged file makes them fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/audit/canonical-json';
import { formatCheckpoint, type Checkpoint } from '../../../core/audit/tlog/checkpoint';
import { leafHash } from '../../../core/audit/tlog/hash';
import { formatVerifierKey, generateLogKeyPair } from '../../../core/audit/tlog/log-key';
import { MerkleLog } from '../../../core/audit/tlog/merkle-log';
import {
  makeConsistencyBundle,
  makeInclusionBundle,
  parseProofBundle,
  type ConsistencyProofBundle,
  type InclusionProofBundle,
  type ProofBundle,
} from '../../../core/audit/tlog/proof-bundle';
import { createNoteSigner, signNote, type NoteSigner } from '../../../core/audit/tlog/signed-note';
import { MemoryTreeHashStore } from '../../../core/audit/tlog/tree-hash-store';
import { verifyCheckpoint, verifyCheckpointConsistency, verifyEntryInclusion, verifyProofBundle } from '../../../core/audit/tlog/verify-proofs';
import type { Verdict } from '../../../core/audit/tlog/verdict';

const ORIGIN = 'keywarden.local/audit/4c1d';
const entries = Array.from({ length: 50 }, (_, seq) =>
  canonicalJson({ seq, at: `2025-01-01T00:00:${String(seq % 60).padStart(2, '0')}Z`, action: 'byok.kms.rotate', payload: { new_version: seq + 1 } }),
);
const log = new MerkleLog(new MemoryTreeHashStore());
let signer: NoteSigner;
let vkey: string;

const checkpointAt = (treeSize: number): Checkpoint => ({ origin: ORIGIN, treeSize, rootHash: log.root(treeSize), extensions: [] });
const noteAt = (treeSize: number): string => signNote(formatCheckpoint(checkpointAt(treeSize)), signer);
const reasonOf = (v: Verdict | { ok: true } | { ok: false; reason: string }): string => (v.ok ? 'ok' : v.reason);

beforeAll(() => {
  const pair = generateLogKeyPair();
  signer = createNoteSigner(ORIGIN, pair.privateKey);
  vkey = formatVerifierKey(ORIGIN, pair.publicKey);
  for (const e of entries) log.append(Buffer.from(e, 'utf8'));
});

describe('verifyCheckpoint', () => {
  it('accepts a checkpoint signed by the log key', () => {
    expect(verifyCheckpoint(noteAt(50), vkey)).toEqual({ ok: true, checkpoint: checkpointAt(50) });
  });

  it('rejects a wrong signature, an unknown key and a missing signer', () => {
    const note = noteAt(50);
    const other = generateLogKeyPair();
    const otherVkey = formatVerifierKey(ORIGIN, other.publicKey);
    expect(reasonOf(verifyCheckpoint(note, otherVkey))).toMatch(/^unknown key keywarden\.local\/audit\/4c1d\+[0-9a-f]{8}: the trusted key is/);
    const forged = signNote(formatCheckpoint(checkpointAt(50)), createNoteSigner(ORIGIN, other.privateKey));
    expect(reasonOf(verifyCheckpoint(forged, vkey))).toMatch(/^unknown key /);
    expect(reasonOf(verifyCheckpoint(note, formatVerifierKey('someone.else/log', other.publicKey)))).toBe('note has no signature from someone.else/log');
    // A body edited after signing (root of an earlier tree spliced in).
    const edited = note.replace(log.root(50).toString('base64'), log.root(49).toString('base64'));
    expect(reasonOf(verifyCheckpoint(edited, vkey))).toMatch(/^signature does not verify for key keywarden\.local\/audit\/4c1d\+/);
    expect(reasonOf(verifyCheckpoint(note, 'not a key'))).toBe('verifier key must have the form <name>+<8 hex digits>+<base64 key>');
  });

  it('rejects malformed checkpoint text even when it is validly signed', () => {
    expect(reasonOf(verifyCheckpoint(signNote(`${ORIGIN}\n050\n${log.root(50).toString('base64')}\n`, signer), vkey))).toBe(
      'checkpoint tree size (line 2) "050" is not a decimal number without leading zeros',
    );
    expect(reasonOf(verifyCheckpoint(signNote(`${ORIGIN}\n50\n`, signer), vkey))).toBe('checkpoint has 2 lines, expected at least 3 (origin, tree size, root hash)');
    expect(reasonOf(verifyCheckpoint('garbage', vkey))).toBe('signed note must be non-empty and end with a newline');
  });

  it('rejects a checkpoint for another log', () => {
    const note = signNote(formatCheckpoint({ ...checkpointAt(50), origin: 'keywarden.local/audit/other' }), signer);
    expect(reasonOf(verifyCheckpoint(note, vkey))).toBe('checkpoint origin "keywarden.local/audit/other" is not the expected log "keywarden.local/audit/4c1d"');
    expect(verifyCheckpoint(note, vkey, { expectedOrigin: 'keywarden.local/audit/other' }).ok).toBe(true);
  });
});

describe('verifyEntryInclusion', () => {
  const check = (index: number, proofSize: number, cp: Checkpoint, entry = entries[index] as string): string =>
    reasonOf(verifyEntryInclusion({ entryCanonicalJson: entry, index, proof: log.inclusionProof(index, proofSize), checkpoint: cp }));

  it('accepts every entry of the checkpointed tree (string or bytes)', () => {
    const cp = checkpointAt(50);
    for (let i = 0; i < 50; i++) expect(check(i, 50, cp)).toBe('ok');
    const bytes = Buffer.from(entries[7] as string, 'utf8');
    expect(verifyEntryInclusion({ entryCanonicalJson: bytes, index: 7, proof: log.inclusionProof(7, 50), checkpoint: cp }).ok).toBe(true);
  });

  it('rejects a different entry, index, tree size or forged proof', () => {
    const cp = checkpointAt(50);
    expect(check(3, 50, cp, entries[4])).toMatch(/^computed root does not match/);
    expect(reasonOf(verifyEntryInclusion({ entryCanonicalJson: entries[3] as string, index: 4, proof: log.inclusionProof(3, 50), checkpoint: cp }))).toMatch(
      /^computed root does not match/,
    );
    expect(check(3, 40, cp)).toMatch(/^proof has 6 hashes, expected 5|^computed root does not match/);
    const forged = log.inclusionProof(3, 50).map((h, i) => (i === 2 ? leafHash(Buffer.from('forged')) : h));
    expect(reasonOf(verifyEntryInclusion({ entryCanonicalJson: entries[3] as string, index: 3, proof: forged, checkpoint: cp }))).toMatch(/^computed root does not match/);
    expect(reasonOf(verifyEntryInclusion({ entryCanonicalJson: entries[3] as string, index: 50, proof: [], checkpoint: cp }))).toBe('leaf index 50 out of range for tree size 50');
  });

  it('rejects a checkpoint whose root does not match the log (validly signed, wrong root)', () => {
    const lying = { ...checkpointAt(50), rootHash: log.root(49) };
    expect(verifyCheckpoint(signNote(formatCheckpoint(lying), signer), vkey).ok).toBe(true);
    expect(check(0, 50, lying)).toMatch(/^computed root does not match/);
  });

  it('rejects entries that are not the canonical bytes', () => {
    const cp = checkpointAt(50);
    const pretty = JSON.stringify(JSON.parse(entries[0] as string), null, 2);
    expect(check(0, 50, cp, pretty)).toBe('entry is not in canonical JSON form (keys sorted, no white space)');
    expect(check(0, 50, cp, '{"seq":')).toBe('entry is not valid JSON');
    expect(reasonOf(verifyEntryInclusion({ entryCanonicalJson: Buffer.from([0xff, 0xfe]), index: 0, proof: [], checkpoint: cp }))).toBe('entry is not valid UTF-8');
  });
});

describe('verifyCheckpointConsistency', () => {
  it('accepts a later checkpoint that extends an earlier one', () => {
    for (const [m, n] of [[0, 50], [1, 50], [13, 50], [32, 50], [50, 50], [17, 33]] as const) {
      expect(verifyCheckpointConsistency(checkpointAt(m), checkpointAt(n), log.consistencyProof(m, n))).toEqual({ ok: true });
    }
  });

  it('rejects a rewritten history, swapped order, another log and forged proofs', () => {
    const rewritten = new MerkleLog(new MemoryTreeHashStore());
    entries.forEach((e, i) => rewritten.append(Buffer.from(i === 5 ? e.replace('rotate', 'revoke') : e, 'utf8')));
    const newer: Checkpoint = { ...checkpointAt(50), rootHash: rewritten.root(50) };
    expect(reasonOf(verifyCheckpointConsistency(checkpointAt(20), newer, rewritten.consistencyProof(20, 50)))).toMatch(/^computed old root does not match/);
    expect(reasonOf(verifyCheckpointConsistency(checkpointAt(20), newer, log.consistencyProof(20, 50)))).toMatch(/^computed new root does not match/);
    expect(reasonOf(verifyCheckpointConsistency(checkpointAt(50), checkpointAt(20), log.consistencyProof(20, 50)))).toBe('old tree size 50 is larger than new tree size 20');
    expect(reasonOf(verifyCheckpointConsistency({ ...checkpointAt(20), origin: 'x' }, checkpointAt(50), []))).toBe('checkpoints are from different logs: "x" and "keywarden.local/audit/4c1d"');
    expect(reasonOf(verifyCheckpointConsistency(checkpointAt(20), checkpointAt(50), log.consistencyProof(21, 50)))).toMatch(/^proof has|^computed/);
    expect(reasonOf(verifyCheckpointConsistency(checkpointAt(20), checkpointAt(50), []))).toBe('proof has 0 hashes, expected 5');
  });
});

describe('proof bundles', () => {
  const inclusion = (): InclusionProofBundle =>
    makeInclusionBundle({ index: 9, treeSize: 50, leafHash: log.leafHash(9), proof: log.inclusionProof(9, 50), checkpointNote: noteAt(50) });
  const consistency = (): ConsistencyProofBundle =>
    makeConsistencyBundle({ oldSize: 20, newSize: 50, proof: log.consistencyProof(20, 50), oldCheckpointNote: noteAt(20), newCheckpointNote: noteAt(50) });
  const roundTrip = (b: unknown): ProofBundle => {
    const parsed = parseProofBundle(JSON.stringify(b));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  };

  it('round-trip through JSON and verify with only the verifier key', () => {
    const inc = roundTrip(inclusion());
    expect(inc).toEqual(inclusion());
    expect(verifyProofBundle(inc, vkey)).toEqual({ ok: true });
    expect(verifyProofBundle(inc, vkey, entries[9])).toEqual({ ok: true });
    expect(verifyProofBundle(roundTrip(consistency()), vkey)).toEqual({ ok: true });
  });

  it('reject a bundle whose parts do not agree', () => {
    const inc = inclusion();
    expect(reasonOf(verifyProofBundle(inc, vkey, entries[10]))).toMatch(/^entry hashes to [0-9a-f]{8}…, not the bundle's leaf_hash [0-9a-f]{8}…$/);
    expect(reasonOf(verifyProofBundle({ ...inc, tree_size: 49 }, vkey))).toBe("bundle tree_size 49 does not match its checkpoint's tree size 50");
    expect(reasonOf(verifyProofBundle({ ...inc, checkpoint: noteAt(50).replace('—', '-') }, vkey))).toBe(
      'checkpoint: malformed signature line 1: it does not start with an em dash and a space',
    );
    const con = consistency();
    expect(reasonOf(verifyProofBundle({ ...con, old_checkpoint: noteAt(21) }, vkey))).toBe("bundle old_size 20 does not match the old checkpoint's tree size 21");
    expect(reasonOf(verifyProofBundle({ ...con, hashes: con.hashes.slice(1) }, vkey))).toBe('proof has 4 hashes, expected 5');
  });

  it.each([
    ['not JSON', '{', /^proof bundle is not valid JSON/],
    ['unknown kind', { ...makeInclusionBundle({ index: 0, treeSize: 1, leafHash: Buffer.alloc(32), proof: [], checkpointNote: 'x' }), kind: 'audit' }, /^proof bundle kind: /],
    ['version 2', { ...makeInclusionBundle({ index: 0, treeSize: 1, leafHash: Buffer.alloc(32), proof: [], checkpointNote: 'x' }), version: 2 }, /^proof bundle version: /],
    ['extra field', { ...makeInclusionBundle({ index: 0, treeSize: 1, leafHash: Buffer.alloc(32), proof: [], checkpointNote: 'x' }), note: 1 }, /^proof bundle \(top level\): .*note/],
    ['uppercase leaf hash', { ...makeInclusionBundle({ index: 0, treeSize: 1, leafHash: Buffer.alloc(32, 0xab), proof: [], checkpointNote: 'x' }), leaf_hash: 'AB'.repeat(32) }, /^proof bundle leaf_hash: must be 64 lowercase hex digits$/],
    ['short hash', makeInclusionBundle({ index: 0, treeSize: 2, leafHash: Buffer.alloc(32), proof: [Buffer.alloc(31)], checkpointNote: 'x' }), /^proof bundle hashes\.0: must be canonical base64 of a 32-byte hash$/],
    ['fractional index', { ...makeInclusionBundle({ index: 0, treeSize: 2, leafHash: Buffer.alloc(32), proof: [], checkpointNote: 'x' }), index: 0.5 }, /^proof bundle index: /],
    ['index past the end', makeInclusionBundle({ index: 2, treeSize: 2, leafHash: Buffer.alloc(32), proof: [], checkpointNote: 'x' }), /^proof bundle index 2 out of range for tree_size 2$/],
    ['sizes reversed', makeConsistencyBundle({ oldSize: 3, newSize: 2, proof: [], oldCheckpointNote: 'x', newCheckpointNote: 'y' }), /^proof bundle old_size 3 is larger than new_size 2$/],
    ['missing checkpoint', { version: 1, kind: 'inclusion', index: 0, tree_size: 1, leaf_hash: '00'.repeat(32), hashes: [] }, /^proof bundle checkpoint: /],
  ])('parser rejects %s', (_, input, reason) => {
    const r = parseProofBundle(typeof input === 'string' ? input : JSON.stringify(input));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
