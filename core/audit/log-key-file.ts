/**
 * The installation's audit-log signing key: a 32-byte Ed25519 seed, sealed under the
 * operator passphrase in the data dir (`audit-log.key.sealed`, core/secrets), never in
 * the database. The database keeps only the public verifier key, pinned on first use,
 * so a replaced or lost key file is noticed instead of silently starting a second,
 * unrelated log.
 *
 * Checkpoints that fall due while the secrets are locked (the engine sealing a tenant by
 * itself) are deferred to the next unlock (audit-ledger.ts).
 */
import { createHash } from 'node:crypto';
import { KeywardenError } from '../errors';
import type { SecretSource } from '../secrets/installation-secrets';
import type { KeyringStore } from '../store/keyring-store';
import { formatVerifierKey, generateLogKeyPair, privateKeyFromSeed } from './tlog/log-key';
import { createNoteSigner, type NoteSigner } from './tlog/signed-note';

export const LOG_KEY_FILE = 'audit-log.key';
export const PINNED_VERIFIER_KEY_META = 'audit_log_verifier_key';

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
export function loadLogSigner(secrets: SecretSource, store: KeyringStore): LogSigner {
  const pinned = store.getMeta(PINNED_VERIFIER_KEY_META);
  if (pinned !== undefined && !secrets.has(LOG_KEY_FILE)) {
    throw unavailable(
      `${LOG_KEY_FILE}.sealed is missing from the data dir: no checkpoint can be signed until it is restored (existing checkpoints still verify with ${pinned})`,
      { file: `${LOG_KEY_FILE}.sealed`, verifier_key: pinned },
    );
  }
  const seed = secrets.get(LOG_KEY_FILE, freshSeed);
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
      `${LOG_KEY_FILE} is not the key this log's checkpoints were signed with (expected ${pinned}); restore the original ${LOG_KEY_FILE}.sealed`,
      { file: `${LOG_KEY_FILE}.sealed`, verifier_key: pinned },
    );
  }
  return { signer, verifierKey, origin };
}
