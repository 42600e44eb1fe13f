/**
 * The AWS witness's encryption context: the checkpoint's origin, tree size and root as
 * strings (KMS contexts map strings to strings), which CloudTrail logs verbatim in the
 * Encrypt event's `requestParameters.encryptionContext`.
 */
import { WITNESS_FIELDS, type WitnessCheckpoint } from '../types';

export function witnessContext(cp: WitnessCheckpoint): Record<string, string> {
  return {
    [WITNESS_FIELDS.origin]: cp.origin,
    [WITNESS_FIELDS.size]: String(cp.treeSize),
    [WITNESS_FIELDS.root]: cp.rootHash.toString('base64'),
  };
}

/** Whether an encryption context is (or pretends to be) a Keywarden witness: any of its three keys. */
export function isWitnessContext(ctx: unknown): ctx is Record<string, unknown> {
  if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) return false;
  return Object.values(WITNESS_FIELDS).some((k) => k in ctx);
}
