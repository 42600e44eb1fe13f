/**
 * AES-256-GCM with a format byte, so a ciphertext says how to open it:
 *   0x01 || iv (12) || tag (16) || ciphertext
 * The AAD binds a ciphertext to where it belongs; moving it elsewhere fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export class AeadOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AeadOpenError';
  }
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new AeadOpenError('ciphertext too short');
  if (sealed[0] !== FORMAT_V1) throw new AeadOpenError(`unknown ciphertext format 0x${sealed[0]!.toString(16)}`);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const body = sealed.subarray(1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // GCM says only "unable to authenticate": wrong key, wrong AAD or altered bytes.
    throw new AeadOpenError('authentication failed (wrong key, wrong binding, or altered ciphertext)');
  }
}

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
