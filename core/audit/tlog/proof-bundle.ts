/**
 * The JSON proof bundles a report ships (and the offline verifier reads): an inclusion
 * proof for one entry, or a consistency proof between two checkpoints, each carrying the
 * signed checkpoint note(s) it is relative to. Hashes in base64, the leaf hash in hex.
 */
import { z } from 'zod';
import { decodeBase64Strict, decodeHexStrict } from './encoding';
import { HASH_SIZE } from './hash';
import { accept, reject, type Outcome } from './verdict';

const size = z.int().nonnegative();
const base64Hash = z.string().refine((s) => decodeBase64Strict(s)?.length === HASH_SIZE, 'must be canonical base64 of a 32-byte hash');
const hexHash = z.string().refine((s) => decodeHexStrict(s, HASH_SIZE) !== undefined, 'must be 64 lowercase hex digits');
const note = z.string().min(1);

const inclusionSchema = z.strictObject({
  version: z.literal(1),
  kind: z.literal('inclusion'),
  index: size,
  tree_size: size,
  leaf_hash: hexHash,
  hashes: z.array(base64Hash),
  checkpoint: note,
  /** The entry's canonical JSON, so the bundle shows what it proves (checked against leaf_hash). */
  entry: z.string().min(1).optional(),
});

const consistencySchema = z.strictObject({
  version: z.literal(1),
  kind: z.literal('consistency'),
  old_size: size,
  new_size: size,
  hashes: z.array(base64Hash),
  old_checkpoint: note,
  new_checkpoint: note,
});

const bundleSchema = z.discriminatedUnion('kind', [inclusionSchema, consistencySchema]);

export type InclusionProofBundle = z.infer<typeof inclusionSchema>;
export type ConsistencyProofBundle = z.infer<typeof consistencySchema>;
export type ProofBundle = z.infer<typeof bundleSchema>;

export function makeInclusionBundle(args: {
  index: number;
  treeSize: number;
  leafHash: Uint8Array;
  proof: readonly Uint8Array[];
  checkpointNote: string;
  entry?: string;
}): InclusionProofBundle {
  return {
    version: 1,
    kind: 'inclusion',
    index: args.index,
    tree_size: args.treeSize,
    leaf_hash: Buffer.from(args.leafHash).toString('hex'),
    hashes: args.proof.map((h) => Buffer.from(h).toString('base64')),
    checkpoint: args.checkpointNote,
    ...(args.entry !== undefined ? { entry: args.entry } : {}),
  };
}

export function makeConsistencyBundle(args: {
  oldSize: number;
  newSize: number;
  proof: readonly Uint8Array[];
  oldCheckpointNote: string;
  newCheckpointNote: string;
}): ConsistencyProofBundle {
  return {
    version: 1,
    kind: 'consistency',
    old_size: args.oldSize,
    new_size: args.newSize,
    hashes: args.proof.map((h) => Buffer.from(h).toString('base64')),
    old_checkpoint: args.oldCheckpointNote,
    new_checkpoint: args.newCheckpointNote,
  };
}

/** Strict parse of a bundle given as JSON text or an already-parsed value. */
export function parseProofBundle(input: unknown): Outcome<ProofBundle> {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      return reject(`proof bundle is not valid JSON: ${(e as Error).message}`);
    }
  }
  const parsed = bundleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return reject(`proof bundle ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const b = parsed.data;
  if (b.kind === 'inclusion' && b.index >= b.tree_size) return reject(`proof bundle index ${b.index} out of range for tree_size ${b.tree_size}`);
  if (b.kind === 'consistency' && b.old_size > b.new_size) return reject(`proof bundle old_size ${b.old_size} is larger than new_size ${b.new_size}`);
  return accept(b);
}

/** The bundle's hashes as bytes (the schema guarantees they decode). */
export function bundleHashes(bundle: ProofBundle): Buffer[] {
  return bundle.hashes.map((h) => Buffer.from(h, 'base64'));
}
