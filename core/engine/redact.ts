/**
 * What may appear about a key reference outside the tenant's own row: its last 12
 * characters (the seeds' rule for audit payloads). Full ARNs, vault URLs and CryptoKey
 * paths identify the customer's account and stay in the store.
 */
export const KEY_SUFFIX_LENGTH = 12;

export function keySuffix(keyRef: string): string {
  return keyRef.length <= KEY_SUFFIX_LENGTH ? keyRef : `…${keyRef.slice(-KEY_SUFFIX_LENGTH)}`;
}

const FORBIDDEN_PAYLOAD_KEYS = /(^|_)(plaintext|secret|password|passphrase|private_key|dek|master_key|key_material|token|credential)s?($|_)/i;

/**
 * Refuses an audit payload that could carry key material or secrets: Buffers, or fields
 * whose names say they hold such things. A programming error, so it throws plainly.
 */
export function assertSafePayload(payload: unknown, path = 'payload'): void {
  if (Buffer.isBuffer(payload) || payload instanceof Uint8Array) throw new Error(`audit ${path}: binary values are not allowed`);
  if (Array.isArray(payload)) return payload.forEach((v, i) => assertSafePayload(v, `${path}[${i}]`));
  if (payload && typeof payload === 'object') {
    for (const [k, v] of Object.entries(payload)) {
      if (FORBIDDEN_PAYLOAD_KEYS.test(k)) throw new Error(`audit ${path}.${k}: field name suggests secret material`);
      assertSafePayload(v, `${path}.${k}`);
    }
  }
}
