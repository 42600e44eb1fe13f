/**
 * The offline verifier: everything an auditor needs with nothing but the log's public
 * verifier key. Every function returns {ok: true, …} or {ok: false, reason} and never
 * throws on bad input; reasons name what failed.
 */
import { canonicalJson } from '../canonical-json';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { shortHex } from './encoding';
import { leafHash } from './hash';
import { parseVerifierKey, type VerifierKey } from './log-key';
import { bundleHashes, type ConsistencyProofBundle, type InclusionProofBundle, type ProofBundle } from './proof-bundle';
import { verifyConsistency, verifyInclusion } from './proof-verify';
import { openNote } from './signed-note';
import { ACCEPTED, reject, type Rejection, type Verdict } from './verdict';

export interface VerifyCheckpointOptions {
  /** The origin the checkpoint must carry; defaults to the verifier key's name. */
  expectedOrigin?: string;
}

function resolveKey(vkey: string | VerifierKey): { ok: true; key: VerifierKey } | Rejection {
  if (typeof vkey !== 'string') return { ok: true, key: vkey };
  const parsed = parseVerifierKey(vkey);
  return parsed.ok ? { ok: true, key: parsed.value } : parsed;
}

/** Checks the note's signature by the log key, then parses the checkpoint body. */
export function verifyCheckpoint(
  noteText: string,
  vkey: string | VerifierKey,
  options: VerifyCheckpointOptions = {},
): { ok: true; checkpoint: Checkpoint } | Rejection {
  const key = resolveKey(vkey);
  if (!key.ok) return key;
  const opened = openNote(noteText, key.key);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.text);
  if (!parsed.ok) return parsed;
  const expected = options.expectedOrigin ?? key.key.name;
  if (parsed.value.origin !== expected) {
    return reject(`checkpoint origin ${JSON.stringify(parsed.value.origin)} is not the expected log ${JSON.stringify(expected)}`);
  }
  return { ok: true, checkpoint: parsed.value };
}

function entryBytes(entry: string | Uint8Array): { ok: true; bytes: Buffer } | Rejection {
  let text: string;
  try {
    text = typeof entry === 'string' ? entry : new TextDecoder('utf-8', { fatal: true }).decode(entry);
  } catch {
    return reject('entry is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return reject('entry is not valid JSON');
  }
  // Entries are hashed in canonical form; anything else cannot be the logged bytes.
  if (canonicalJson(value) !== text) return reject('entry is not in canonical JSON form (keys sorted, no white space)');
  return { ok: true, bytes: Buffer.from(text, 'utf8') };
}

/** Is this entry (its canonical JSON) the leaf at `index` of the checkpointed tree? */
export function verifyEntryInclusion(args: {
  entryCanonicalJson: string | Uint8Array;
  index: number;
  proof: readonly Uint8Array[];
  checkpoint: Checkpoint;
}): Verdict {
  const entry = entryBytes(args.entryCanonicalJson);
  if (!entry.ok) return entry;
  const cp = args.checkpoint;
  return verifyInclusion(leafHash(entry.bytes), args.index, cp.treeSize, args.proof, cp.rootHash);
}

/** Is `newer` an append-only extension of `older` (same log, nothing rewritten)? */
export function verifyCheckpointConsistency(older: Checkpoint, newer: Checkpoint, proof: readonly Uint8Array[]): Verdict {
  if (older.origin !== newer.origin) {
    return reject(`checkpoints are from different logs: ${JSON.stringify(older.origin)} and ${JSON.stringify(newer.origin)}`);
  }
  return verifyConsistency(older.treeSize, newer.treeSize, proof, older.rootHash, newer.rootHash);
}

function verifyInclusionBundle(b: InclusionProofBundle, key: VerifierKey, entry: string | Uint8Array | undefined): Verdict {
  const cp = verifyCheckpoint(b.checkpoint, key);
  if (!cp.ok) return reject(`checkpoint: ${cp.reason}`);
  if (cp.checkpoint.treeSize !== b.tree_size) {
    return reject(`bundle tree_size ${b.tree_size} does not match its checkpoint's tree size ${cp.checkpoint.treeSize}`);
  }
  const leaf = Buffer.from(b.leaf_hash, 'hex');
  // An entry passed by the caller wins; otherwise the one the bundle carries is checked.
  entry ??= b.entry;
  if (entry !== undefined) {
    const bytes = entryBytes(entry);
    if (!bytes.ok) return bytes;
    const actual = leafHash(bytes.bytes);
    if (!actual.equals(leaf)) return reject(`entry hashes to ${shortHex(actual)}…, not the bundle's leaf_hash ${shortHex(leaf)}…`);
  }
  return verifyInclusion(leaf, b.index, b.tree_size, bundleHashes(b), cp.checkpoint.rootHash);
}

function verifyConsistencyBundle(b: ConsistencyProofBundle, key: VerifierKey): Verdict {
  const older = verifyCheckpoint(b.old_checkpoint, key);
  if (!older.ok) return reject(`old checkpoint: ${older.reason}`);
  const newer = verifyCheckpoint(b.new_checkpoint, key);
  if (!newer.ok) return reject(`new checkpoint: ${newer.reason}`);
  if (older.checkpoint.treeSize !== b.old_size) return reject(`bundle old_size ${b.old_size} does not match the old checkpoint's tree size ${older.checkpoint.treeSize}`);
  if (newer.checkpoint.treeSize !== b.new_size) return reject(`bundle new_size ${b.new_size} does not match the new checkpoint's tree size ${newer.checkpoint.treeSize}`);
  return verifyCheckpointConsistency(older.checkpoint, newer.checkpoint, bundleHashes(b));
}

/**
 * Verifies a parsed bundle end to end: checkpoint signature(s), sizes, and the proof.
 * For an inclusion bundle, pass the entry to also check that it is the proven leaf.
 */
export function verifyProofBundle(bundle: ProofBundle, vkey: string | VerifierKey, entryCanonicalJson?: string | Uint8Array): Verdict {
  const key = resolveKey(vkey);
  if (!key.ok) return key;
  const verdict = bundle.kind === 'inclusion' ? verifyInclusionBundle(bundle, key.key, entryCanonicalJson) : verifyConsistencyBundle(bundle, key.key);
  return verdict.ok ? ACCEPTED : verdict;
}
