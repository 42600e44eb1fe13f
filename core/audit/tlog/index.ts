/** Public surface of the transparency-log core (pure library: no I/O beyond the store). */
export { emptyTreeHash, HASH_SIZE, leafHash, nodeHash } from './hash';
export { consistencyPath, inclusionPath, merkleTreeHash, referenceRangeHasher, StreamingTreeHash, type RangeHasher } from './merkle';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './proof-verify';
export { MemoryTreeHashStore, type TreeHashRow, type TreeHashStore } from './tree-hash-store';
export { AUDIT_TREE_NODES_DDL, SqliteTreeHashStore } from './sqlite-tree-store';
export { MerkleLog, type AppendResult } from './merkle-log';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint';
export {
  formatVerifierKey,
  generateLogKeyPair,
  isValidKeyName,
  noteKeyId,
  parseVerifierKey,
  privateKeyFromSeed,
  publicKeyFingerprint,
  rawPublicKey,
  type VerifierKey,
} from './log-key';
export { createNoteSigner, openNote, parseSignedNote, signNote, type NoteSigner, type ParsedNote } from './signed-note';
export { verifyCheckpoint, verifyCheckpointConsistency, verifyEntryInclusion, verifyProofBundle } from './verify-proofs';
export { makeConsistencyBundle, makeInclusionBundle, parseProofBundle, type ProofBundle } from './proof-bundle';
export type { Outcome, Rejection, Verdict } from './verdict';
