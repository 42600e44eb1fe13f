/**
 * RSA-OAEP has no associated data, so the tenant and master-key version are bound inside
 * the wrapped payload, and the Key Vault key version that wrapped it travels beside the
 * RSA ciphertext (an unversioned kms_key_ref follows the key's rotation; older
 * ciphertexts must still go to the version that made them).
 *
 *   wrapped payload (RSA-OAEP-256 input):  0x01 | SHA-256(binding) (32) | plaintext
 *   stored ciphertext:                     0x4B 0x01 | len (1) | key version (ASCII) | RSA ciphertext
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { masterKeyBinding } from '../../crypto/bindings';
import { invalidInput } from '../../errors';
import { KmsError } from '../types';

const PAYLOAD_FORMAT = 0x01;
const BLOB_MAGIC = 0x4b; // 'K'
const BLOB_FORMAT = 0x01;
/** RSA-2048 with OAEP/SHA-256 carries 190 bytes; 33 go to the format byte and the binding. */
export const MAX_PLAINTEXT = 190 - 33;

function bindingHash(tenantId: string, keyVersion: number): Buffer {
  return createHash('sha256').update(masterKeyBinding(tenantId, keyVersion)).digest();
}

export function framePayload(plaintext: Buffer, tenantId: string, keyVersion: number): Buffer {
  if (plaintext.length === 0 || plaintext.length > MAX_PLAINTEXT) {
    throw invalidInput('plaintext', `must be 1 to ${MAX_PLAINTEXT} bytes for RSA-OAEP-256 wrapping`);
  }
  return Buffer.concat([Buffer.from([PAYLOAD_FORMAT]), bindingHash(tenantId, keyVersion), plaintext]);
}

/** Returns the plaintext, or throws invalid_key when the payload belongs elsewhere. */
export function openPayload(payload: Buffer, tenantId: string, keyVersion: number): Buffer {
  if (payload.length < 34 || payload[0] !== PAYLOAD_FORMAT) {
    throw new KmsError('azure', 'invalid_key', 'Azure Key Vault unwrapKey: the unwrapped payload is not a Keywarden envelope (format byte)', 'EnvelopeFormat');
  }
  const want = bindingHash(tenantId, keyVersion);
  if (!timingSafeEqual(payload.subarray(1, 33), want)) {
    throw new KmsError('azure', 'invalid_key', 'Azure Key Vault unwrapKey: the ciphertext is bound to another tenant or master key version', 'BindingMismatch');
  }
  return Buffer.from(payload.subarray(33));
}

export function packBlob(azureKeyVersion: string, rsaCiphertext: Buffer): Buffer {
  const v = Buffer.from(azureKeyVersion, 'ascii');
  if (v.length === 0 || v.length > 64 || !/^[0-9A-Za-z]+$/.test(azureKeyVersion)) {
    throw new KmsError('azure', 'invalid_key', 'Azure Key Vault wrapKey: the answer named no usable key version', 'KeyVersion');
  }
  return Buffer.concat([Buffer.from([BLOB_MAGIC, BLOB_FORMAT, v.length]), v, rsaCiphertext]);
}

export function unpackBlob(blob: Buffer): { azureKeyVersion: string; rsaCiphertext: Buffer } {
  const len = blob[2] ?? 0;
  if (blob.length < 3 + len + 1 || blob[0] !== BLOB_MAGIC || blob[1] !== BLOB_FORMAT || len === 0) {
    throw new KmsError('azure', 'invalid_key', 'Azure Key Vault unwrapKey: the ciphertext is not a Keywarden Azure envelope', 'EnvelopeFormat');
  }
  const azureKeyVersion = blob.subarray(3, 3 + len).toString('ascii');
  if (!/^[0-9A-Za-z]+$/.test(azureKeyVersion)) {
    throw new KmsError('azure', 'invalid_key', 'Azure Key Vault unwrapKey: the ciphertext names an invalid key version', 'EnvelopeFormat');
  }
  return { azureKeyVersion, rsaCiphertext: Buffer.from(blob.subarray(3 + len)) };
}
