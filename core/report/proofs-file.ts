/**
 * audit/inclusion-proofs.json: one RFC 9162 inclusion-proof bundle per audit entry the
 * report cites, each carrying the entry's canonical JSON and the signed checkpoint it is
 * relative to (the same note as audit/checkpoint.txt).
 */
import { z } from 'zod';
import type { LogAnchor } from './log-anchor';

export const CHECKPOINT_FILE = 'audit/checkpoint.txt';
export const PROOFS_FILE = 'audit/inclusion-proofs.json';

export const proofsFileSchema = z.strictObject({
  format: z.literal('keywarden-audit-inclusion-proofs'),
  version: z.literal(1),
  tree_size: z.int().nonnegative(),
  proofs: z.array(z.strictObject({ seq: z.int().positive(), bundle: z.unknown() })),
});

export type ProofsFile = z.infer<typeof proofsFileSchema>;

export function proofsDocument(anchor: LogAnchor, seqs: readonly number[]): string {
  const doc: ProofsFile = {
    format: 'keywarden-audit-inclusion-proofs',
    version: 1,
    tree_size: anchor.treeSize,
    proofs: seqs.map((seq) => ({ seq, bundle: anchor.proofFor(seq) })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
