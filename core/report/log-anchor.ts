/**
 * Anchors a report in the audit log: a signed checkpoint of the log taken when the
 * export begins (stored with the log's other checkpoints), and an RFC 9162 inclusion
 * proof against exactly that checkpoint for each audit entry the report cites. Both
 * come from the audit ledger, so the package's proofs are the ones `audit prove` gives.
 */
import type { AuditLedger } from '../audit/audit-ledger';
import type { InclusionProofBundleView } from '../api/audit-types';
import { KeywardenError } from '../errors';

export interface LogAnchor {
  treeSize: number;
  /** Base64, as on the checkpoint's third line. */
  rootHash: string;
  origin: string;
  /** The signed checkpoint note (C2SP tlog-checkpoint + signed-note). */
  checkpointNote: string;
  /** Inclusion proof of entry `seq` in the checkpointed tree, carrying the entry's canonical JSON. */
  proofFor(seq: number): InclusionProofBundleView;
}

export function anchorReport(ledger: AuditLedger): LogAnchor {
  const cp = ledger.checkpoint();
  return {
    treeSize: cp.tree_size,
    rootHash: cp.root_hash,
    origin: cp.origin,
    checkpointNote: cp.note,
    proofFor(seq) {
      const proof = ledger.proveInclusion(seq, cp.note);
      // The ledger checks its own proof with the public key alone; never ship one that fails.
      if (!proof.verdict.ok) throw new KeywardenError('database_tampered', `audit entry #${seq} does not prove into the checkpoint: ${proof.verdict.reason}; run audit verify`, { seq });
      return proof.bundle;
    },
  };
}
