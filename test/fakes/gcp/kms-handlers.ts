/**
 * Cloud KMS v1 REST bodies as the real service speaks them (proto3 JSON: camelCase,
 * base64 bytes, int64 wrappers as decimal strings, enums as numbers when the client asks
 * `$alt=json;enum-encoding=int`). Request checksums are verified; answers carry correct
 * ones unless an integrity fault asks for a wrong one.
 */
import { crc32c } from '../../../core/crypto/crc32c';
import { KmsFailure, STATE_NUMBER, type FakeCryptoKey, type KmsKeyStore } from './kms-store';

/** Which part of a successful answer to falsify, to test the client's integrity checks. */
export type IntegrityFault =
  | 'ciphertext_crc' // Encrypt: ciphertextCrc32c off by one
  | 'plaintext_crc' // Decrypt: plaintextCrc32c off by one
  | 'unverified_plaintext' // Encrypt: verifiedPlaintextCrc32c false
  | 'unverified_aad' // Encrypt: verifiedAdditionalAuthenticatedDataCrc32c false
  | 'corrupt_ciphertext' // Encrypt: one ciphertext bit flipped after the checksum was taken
  | null;

export interface HandlerOptions {
  enumsAsInt: boolean;
  integrity: IntegrityFault;
}

type Body = Record<string, unknown>;

const invalid = (message: string) => new KmsFailure(400, 'INVALID_ARGUMENT', 3, message);

function bytesField(body: Body, camel: string, snake: string, required: boolean): Buffer {
  const v = body[camel] ?? body[snake];
  if (v === undefined || v === null || v === '') {
    if (required) throw invalid(`${snake} is required.`);
    return Buffer.alloc(0);
  }
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw invalid(`Invalid value at '${camel}' (TYPE_BYTES), Base64 decoding failed.`);
  return Buffer.from(v, 'base64');
}

function checksumField(body: Body, camel: string, snake: string): number | undefined {
  const v = body[camel] ?? body[snake];
  if (v === undefined || v === null) return undefined;
  const raw = typeof v === 'object' ? (v as Body).value : v;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalid(`Invalid value at '${camel}' (TYPE_INT64).`);
  return n;
}

function verify(body: Body, data: Buffer, field: string, camelCrc: string, snakeCrc: string): boolean {
  const given = checksumField(body, camelCrc, snakeCrc);
  if (given === undefined) return false;
  if (given !== crc32c(data)) throw invalid(`The checksum in field ${snakeCrc} did not match the data in field ${field}.`);
  return true;
}

const limit = (buf: Buffer, field: string) => {
  if (buf.length > 65536) throw invalid(`The ${field} must be at most 65536 bytes.`);
};

export function handleEncrypt(store: KmsKeyStore, key: FakeCryptoKey, body: Body, o: HandlerOptions): Body {
  const plaintext = bytesField(body, 'plaintext', 'plaintext', true);
  const aad = bytesField(body, 'additionalAuthenticatedData', 'additional_authenticated_data', false);
  limit(plaintext, 'plaintext');
  limit(aad, 'additional_authenticated_data');
  const verifiedPlaintext = verify(body, plaintext, 'plaintext', 'plaintextCrc32c', 'plaintext_crc32c');
  const verifiedAad = verify(body, aad, 'additional_authenticated_data', 'additionalAuthenticatedDataCrc32c', 'additional_authenticated_data_crc32c');
  const { ciphertext, versionName } = store.encrypt(key, plaintext, aad);
  let crc = crc32c(ciphertext);
  if (o.integrity === 'ciphertext_crc') crc = (crc + 1) >>> 0;
  if (o.integrity === 'corrupt_ciphertext') ciphertext[ciphertext.length - 1]! ^= 0x01;
  return {
    name: versionName,
    ciphertext: ciphertext.toString('base64'),
    ciphertextCrc32c: String(crc),
    verifiedPlaintextCrc32c: o.integrity === 'unverified_plaintext' ? false : verifiedPlaintext,
    verifiedAdditionalAuthenticatedDataCrc32c: o.integrity === 'unverified_aad' ? false : verifiedAad,
    protectionLevel: o.enumsAsInt ? 1 : 'SOFTWARE',
  };
}

export function handleDecrypt(store: KmsKeyStore, key: FakeCryptoKey, body: Body, o: HandlerOptions): Body {
  const ciphertext = bytesField(body, 'ciphertext', 'ciphertext', true);
  const aad = bytesField(body, 'additionalAuthenticatedData', 'additional_authenticated_data', false);
  verify(body, ciphertext, 'ciphertext', 'ciphertextCrc32c', 'ciphertext_crc32c');
  verify(body, aad, 'additional_authenticated_data', 'additionalAuthenticatedDataCrc32c', 'additional_authenticated_data_crc32c');
  const { plaintext, usedPrimary } = store.decrypt(key, ciphertext, aad);
  let crc = crc32c(plaintext);
  if (o.integrity === 'plaintext_crc') crc = (crc + 1) >>> 0;
  return {
    plaintext: plaintext.toString('base64'),
    plaintextCrc32c: String(crc),
    usedPrimary,
    protectionLevel: o.enumsAsInt ? 1 : 'SOFTWARE',
  };
}

export function handleGetCryptoKey(key: FakeCryptoKey, o: HandlerOptions): Body {
  const v = key.versions.get(key.primary)!;
  const en = <T extends string>(word: T, n: number) => (o.enumsAsInt ? n : word);
  const algorithm = en('GOOGLE_SYMMETRIC_ENCRYPTION', 1);
  return {
    name: key.path,
    primary: {
      name: `${key.path}/cryptoKeyVersions/${v.id}`,
      state: en(v.state, STATE_NUMBER[v.state]),
      protectionLevel: en('SOFTWARE', 1),
      algorithm,
      createTime: new Date(v.createTime).toISOString(),
      generateTime: new Date(v.createTime).toISOString(),
    },
    purpose: en('ENCRYPT_DECRYPT', 1),
    createTime: new Date(key.createTime).toISOString(),
    versionTemplate: { protectionLevel: en('SOFTWARE', 1), algorithm },
    destroyScheduledDuration: '2592000s',
  };
}
