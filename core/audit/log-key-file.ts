/**
 * The installation's audit-log signing key: a 32-byte Ed25519 seed in an owner-only
 * (0600) file in the data dir, never in the database. The database keeps only the
 * public verifier key, pinned on first use, so a replaced or lost key file is noticed
 * instead of silently starting a second, unrelated log.
 *
 * Why a file and not sealed under the operator passphrase: checkpoints are taken after
 * critical actions the engine performs by itself (seal on a failed unwrap, rewrap
 * progress) when no passphrase is at hand; the file is the same protection the local
 * KMS key has (DESIGN.md, "Installation secrets").
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readOrCreateSecretFile } from '../crypto/secret-file';
import { KeywardenError } from '../errors';
import type { KeyringStore } from '../store/keyring-store';
import { formatVerifierKey, generateLogKeyPair, privateKeyFromSeed } from './tlog/log-key';
import { createNoteSigner, type NoteSigner } from './tlog/signed-note';

export const LOG_KEY_FILE = 'audit-log.key';
export const PINNED_VERIFIER_KEY_META = 'audit_log_verifier_key';
const SEED_BYTES = 32;

export interface LogSigner {
  signer: NoteSigner;
  /** `<origin>+<key id>+<base64 key>`: what an auditor needs to verify offline. */
  verifierKey: string;
  /** The log's origin line, also the key's name. */
  origin: string;
}

/** The origin names the log by its key, so two installations never share one. */
export function originFor(publicKey: Uint8Array): string {
  return `keywarden.local/audit/${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

function freshSeed(): Buffer {
  // The JWK `d` of a generated key is its RFC 8032 seed.
  const { privateKey } = generateLogKeyPair();
  return Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
}

function unavailable(message: string, details: Record<string, unknown>): KeywardenError {
  return new KeywardenError('audit_key_unavailable', message, details);
}

/**
 * Loads the signing key, creating it on first use. Refuses a key that does not match the
 * pinned verifier key, and refuses to create a new key when one was pinned already.
 */
export function loadLogSigner(dataDir: string, store: KeyringStore): LogSigner {
  const file = path.join(dataDir, LOG_KEY_FILE);
  const pinned = store.getMeta(PINNED_VERIFIER_KEY_META);
  if (pinned !== undefined && !fs.existsSync(file)) {
    throw unavailable(
      `${LOG_KEY_FILE} is missing from the data dir: no checkpoint can be signed until it is restored (existing checkpoints still verify with ${pinned})`,
      { file: LOG_KEY_FILE, verifier_key: pinned },
    );
  }
  const seed = readOrCreateSecretFile(file, SEED_BYTES, freshSeed);
  let privateKey;
  try {
    privateKey = privateKeyFromSeed(seed);
  } finally {
    seed.fill(0); // the KeyObject holds its own copy
  }
  const probe = createNoteSigner('probe', privateKey);
  const origin = originFor(probe.publicKey);
  const signer = createNoteSigner(origin, privateKey);
  const verifierKey = formatVerifierKey(origin, signer.publicKey);
  if (pinned === undefined) store.setMeta(PINNED_VERIFIER_KEY_META, verifierKey);
  else if (pinned !== verifierKey) {
    throw unavailable(
      `${LOG_KEY_FILE} is not the key this log's checkpoints were signed with (expected ${pinned}); restore the original file`,
      { file: LOG_KEY_FILE, verifier_key: pinned },
    );
  }
  return { signer, verifierKey, origin };
}
