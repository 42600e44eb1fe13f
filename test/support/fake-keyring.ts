/**
 * An OS keyring for Node tests, standing in for Electron's safeStorage: it really
 * encrypts (AES-256-GCM under a key only this "user session" holds), reports the backend
 * it was given, and can be made unavailable. Two instances are two users: neither
 * decrypts the other's blobs.
 */
import { randomBytes } from 'node:crypto';
import { open, seal } from '../../core/crypto/aead';
import type { OsKeyring } from '../../core/secrets/os-keyring';

const AAD = Buffer.from('fake os keyring');

export function fakeKeyring(backend: string, opts: { available?: boolean; userKey?: Buffer } = {}): OsKeyring & { userKey: Buffer; encrypted: number } {
  const userKey = opts.userKey ?? randomBytes(32);
  const ring = {
    userKey,
    encrypted: 0,
    backend: () => backend,
    encryptionAvailable: () => opts.available ?? backend !== 'basic_text',
    encrypt(plain: string) {
      ring.encrypted++;
      return seal(userKey, Buffer.from(plain, 'utf8'), AAD);
    },
    decrypt(blob: Buffer) {
      return open(userKey, blob, AAD).toString('utf8');
    },
  };
  return ring;
}
