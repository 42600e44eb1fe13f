/**
 * View types of the tamper-evident audit log (issue 6): checkpoints, proofs, the log's
 * public key. Plain data: they cross IPC and HTTP and the renderer reads them.
 */

/** A signed tree head as stored: C2SP tlog-checkpoint text signed as a C2SP signed note. */
export interface CheckpointView {
  tree_size: number;
  /** RFC 9162 root hash, base64 (as on the checkpoint's third line). */
  root_hash: string;
  origin: string;
  /** The whole signed note, ready to save to a file. */
  note: string;
  created_at: string;
  /** The verifier key that checks `note`. */
  verifier_key: string;
}

/** What `audit.verify` adds to the chain check: the re-derived tree against the checkpoints. */
export interface LogCheckSummary {
  /** Root hash (base64) of the Merkle tree re-derived from the entries. */
  root: string;
  /** Checkpoints whose signature and root were checked against the re-derived tree. */
  checkpoints_checked: number;
  /** The newest checkpoint seen (database or the witness file beside it), if any. */
  latest_checkpoint: { tree_size: number; root_hash: string; created_at: string | null; source: 'database' | 'witness' } | null;
}

export type ProofVerdict = { ok: true } | { ok: false; reason: string };

export interface InclusionProofBundleView {
  version: 1;
  kind: 'inclusion';
  index: number;
  tree_size: number;
  leaf_hash: string;
  hashes: string[];
  checkpoint: string;
  /** The entry's canonical JSON: the proven leaf is SHA-256(0x00 || entry). */
  entry?: string;
}

export interface ConsistencyProofBundleView {
  version: 1;
  kind: 'consistency';
  old_size: number;
  new_size: number;
  hashes: string[];
  old_checkpoint: string;
  new_checkpoint: string;
}

export interface InclusionProofView {
  seq: number;
  bundle: InclusionProofBundleView;
  /** The engine's own check of the bundle with the public key alone. */
  verdict: ProofVerdict;
  verifier_key: string;
}

export interface ConsistencyProofView {
  bundle: ConsistencyProofBundleView;
  verdict: ProofVerdict;
  verifier_key: string;
}

export interface LogPublicKeyView {
  /** `<origin>+<key id>+<base64(0x01 || key)>`, the signed-note verifier key. */
  verifier_key: string;
  origin: string;
  key_id: string;
  /** Raw Ed25519 public key, base64. */
  public_key: string;
  /** SHA-256 of the raw key, hex in groups of four, to compare by eye or phone. */
  fingerprint: string;
}

export interface ProofCheckView {
  kind: 'inclusion' | 'consistency';
  verdict: ProofVerdict;
  /** Tree size(s) proven, for the message. */
  tree_size: number;
  index?: number;
  old_size?: number;
}
