/**
 * The audit log's Ed25519 key in signed-note terms (c2sp.org/signed-note, and the
 * verifier-key text of Go's golang.org/x/mod/sumdb/note):
 *
 *   key ID       = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]
 *   verifier key = <name>+<key ID as 8 hex digits>+<base64(0x01 || public key)>
 *
 * Private keys stay node KeyObjects: they print as "PrivateKeyObject" and never as
 * bytes. Raw seeds are accepted only to load a stored key and are not kept.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './encoding';
import { accept, reject, type Outcome } from './verdict';

export const ED25519_ALGORITHM = 0x01;
const ED25519_KEY_SIZE = 32;
// DER prefix of a PKCS#8 Ed25519 private key whose body is the 32-byte seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface VerifierKey {
  name: string;
  keyId: number;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  key: KeyObject;
}

/** Key names: non-empty, no Unicode white space, no "+" (the vkey separator). */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\p{White_Space}+]/u.test(name);
}

export function generateLogKeyPair(): { privateKey: KeyObject; publicKey: Buffer } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: rawPublicKey(privateKey) };
}

/** Loads a private key from its 32-byte RFC 8032 seed. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_KEY_SIZE) throw new RangeError(`Ed25519 seed must be ${ED25519_KEY_SIZE} bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The raw 32-byte public key of an Ed25519 private or public KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an Ed25519 key, got ${String(pub.asymmetricKeyType)}`);
  const { x } = pub.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

export function publicKeyFromRaw(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_KEY_SIZE) throw new RangeError(`Ed25519 public key must be ${ED25519_KEY_SIZE} bytes, got ${publicKey.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
}

/** The signed-note key ID as an unsigned 32-bit integer. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(name, 'utf8').update(Buffer.of(0x0a, ED25519_ALGORITHM)).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** The verifier key text users copy to verify offline. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new RangeError(`key name ${JSON.stringify(name)} is empty or contains white space or "+"`);
  if (publicKey.length !== ED25519_KEY_SIZE) throw new RangeError(`Ed25519 public key must be ${ED25519_KEY_SIZE} bytes, got ${publicKey.length}`);
  const data = Buffer.concat([Buffer.of(ED25519_ALGORITHM), publicKey]).toString('base64');
  return `${name}+${keyIdHex(noteKeyId(name, publicKey))}+${data}`;
}

export function parseVerifierKey(vkey: string): Outcome<VerifierKey> {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) return reject('verifier key must have the form <name>+<8 hex digits>+<base64 key>');
  const name = vkey.slice(0, first);
  const idText = vkey.slice(first + 1, second);
  const dataText = vkey.slice(second + 1);
  if (!isValidKeyName(name)) return reject(`verifier key name ${JSON.stringify(name)} is empty or contains white space or "+"`);
  if (!/^[0-9a-fA-F]{8}$/.test(idText)) return reject(`verifier key ID ${JSON.stringify(idText)} is not 8 hex digits`);
  const data = decodeBase64Strict(dataText);
  if (!data || data.length === 0) return reject('verifier key data is not canonical base64');
  if (data[0] !== ED25519_ALGORITHM) return reject(`verifier key algorithm 0x${(data[0] as number).toString(16).padStart(2, '0')} is not Ed25519 (0x01)`);
  const publicKey = data.subarray(1);
  if (publicKey.length !== ED25519_KEY_SIZE) return reject(`verifier key holds a ${publicKey.length}-byte public key, expected ${ED25519_KEY_SIZE}`);
  const keyId = noteKeyId(name, publicKey);
  if (Number.parseInt(idText, 16) !== keyId) return reject(`verifier key ID ${idText} does not match its name and key (expected ${keyIdHex(keyId)})`);
  let key: KeyObject;
  try {
    key = publicKeyFromRaw(publicKey);
  } catch {
    return reject('verifier key is not a valid Ed25519 public key');
  }
  return accept({ name, keyId, publicKey: Buffer.from(publicKey), key });
}

/** SHA-256 of the raw public key in hex, in groups of four, for people to compare by eye. */
export function publicKeyFingerprint(publicKey: Uint8Array): string {
  const hex = createHash('sha256').update(publicKey).digest('hex');
  return (hex.match(/.{4}/g) as string[]).join(' ');
}
