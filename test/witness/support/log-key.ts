/** A throwaway audit log key and checkpoint notes signed with it, as the ledger signs them. */
import { createHash, randomBytes } from 'node:crypto';
import { formatCheckpoint } from '../../../core/audit/tlog/checkpoint';
import { formatVerifierKey, generateLogKeyPair } from '../../../core/audit/tlog/log-key';
import { createNoteSigner, signNote } from '../../../core/audit/tlog/signed-note';
import type { WitnessCheckpoint } from '../../../core/witness/types';

export interface TestLogKey {
  origin: string;
  verifierKey: string;
  /** A signed checkpoint note of this log (or of `origin` when given, still signed by this key). */
  note(treeSize: number, root: Buffer, origin?: string): string;
}

export function testLogKey(): TestLogKey {
  const { privateKey, publicKey } = generateLogKeyPair();
  const origin = `keywarden.local/audit/${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
  const signer = createNoteSigner(origin, privateKey);
  return {
    origin,
    verifierKey: formatVerifierKey(origin, publicKey),
    note: (treeSize, root, o = origin) => signNote(formatCheckpoint({ origin: o, treeSize, rootHash: root, extensions: [] }), signer),
  };
}

/** A checkpoint of the key's log with a fresh random root (or the one given). */
export function checkpointOf(key: TestLogKey, treeSize: number, root: Buffer = randomBytes(32)): WitnessCheckpoint {
  return { origin: key.origin, treeSize, rootHash: root, note: key.note(treeSize, root) };
}
