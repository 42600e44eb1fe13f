/**
 * The wrapped form of one installation secret, as the text of `<name>.sealed`:
 *
 *   {"keywarden_sealed_secret":1,"secret":"local-kms.key",
 *    "kdf":{"name":"scrypt","N":131072,"r":8,"p":1,"salt":"<b64>"},
 *    "aead":"aes-256-gcm","wrapped":"<b64 of aead.ts's format>"}
 *
 * The wrapping key is scrypt(passphrase, salt) at the operator passphrase hash's cost,
 * with a salt of its own (never the hash's: the stored hash must not be the key). Each
 * file carries its own KDF header, so a rewrap interrupted between two files still opens.
 * The AAD binds the secret's name and the KDF header: a file renamed to the other
 * secret, or given other parameters, does not open.
 */
import { z } from 'zod';
import { AeadOpenError, open, seal } from '../crypto/aead';
import { costProblem, SALT_BYTES, type ScryptCost } from '../crypto/passphrase';
import { KeywardenError } from '../errors';
import { SECRET_SPECS, sealedFileName, type SecretName } from './catalogue';

export interface KdfHeader {
  salt: Buffer;
  cost: ScryptCost;
}

export interface SealedSecret {
  secret: SecretName;
  kdf: KdfHeader;
  wrapped: Buffer;
}

const MAX_FILE_BYTES = 4096;

const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not base64');
const fileShape = z
  .object({
    keywarden_sealed_secret: z.literal(1),
    secret: z.string(),
    kdf: z.object({ name: z.literal('scrypt'), N: z.number(), r: z.number(), p: z.number(), salt: b64 }).strict(),
    aead: z.literal('aes-256-gcm'),
    wrapped: b64,
  })
  .strict();

function aadFor(secret: SecretName, kdf: KdfHeader): Buffer {
  return Buffer.from(`keywarden sealed secret v1\n${secret}\nscrypt ${kdf.cost.N} ${kdf.cost.r} ${kdf.cost.p} ${kdf.salt.toString('base64')}`, 'utf8');
}

export function invalidSealedFile(secret: SecretName, why: string): KeywardenError {
  const file = sealedFileName(secret);
  return new KeywardenError('secret_file_invalid', `${file} ${why}; nothing was changed: restore ${file} from a backup of this data dir`, { file });
}

export function sealSecret(secret: SecretName, plaintext: Buffer, kek: Buffer, kdf: KdfHeader): string {
  const wrapped = seal(kek, plaintext, aadFor(secret, kdf));
  return (
    JSON.stringify({
      keywarden_sealed_secret: 1,
      secret,
      kdf: { name: 'scrypt', N: kdf.cost.N, r: kdf.cost.r, p: kdf.cost.p, salt: kdf.salt.toString('base64') },
      aead: 'aes-256-gcm',
      wrapped: wrapped.toString('base64'),
    }) + '\n'
  );
}

/** Parses a sealed file's text; refuses anything Keywarden would not have written. */
export function parseSealedSecret(secret: SecretName, text: Buffer, floor: ScryptCost): SealedSecret {
  if (text.length > MAX_FILE_BYTES) throw invalidSealedFile(secret, `is ${text.length} bytes, more than a sealed secret ever is`);
  let json: unknown;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch {
    throw invalidSealedFile(secret, 'is not JSON (truncated or overwritten)');
  }
  const parsed = fileShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidSealedFile(secret, `is not a sealed Keywarden secret (${issue.path.join('.') || 'document'}: ${issue.message})`);
  }
  const f = parsed.data;
  if (f.secret !== secret) throw invalidSealedFile(secret, `holds the secret "${f.secret.slice(0, 40)}", not ${secret}`);
  const cost = { N: f.kdf.N, r: f.kdf.r, p: f.kdf.p };
  const problem = costProblem(cost, floor);
  if (problem) throw invalidSealedFile(secret, problem);
  const salt = Buffer.from(f.kdf.salt, 'base64');
  if (salt.length < SALT_BYTES) throw invalidSealedFile(secret, `has a ${salt.length}-byte salt (at least ${SALT_BYTES} expected)`);
  return { secret, kdf: { salt, cost }, wrapped: Buffer.from(f.wrapped, 'base64') };
}

/** Opens a parsed file with the key derived from its own header. */
export function openSealedSecret(sealed: SealedSecret, kek: Buffer): Buffer {
  let plain: Buffer;
  try {
    plain = open(kek, sealed.wrapped, aadFor(sealed.secret, sealed.kdf));
  } catch (e) {
    if (!(e instanceof AeadOpenError)) throw e;
    throw invalidSealedFile(sealed.secret, 'does not open with the operator passphrase (it was altered, or sealed under another passphrase)');
  }
  const want = SECRET_SPECS[sealed.secret].bytes;
  if (plain.length !== want) throw invalidSealedFile(sealed.secret, `holds ${plain.length} bytes, expected ${want}`);
  return plain;
}

export const sameKdf = (a: KdfHeader, b: KdfHeader) =>
  a.salt.equals(b.salt) && a.cost.N === b.cost.N && a.cost.r === b.cost.r && a.cost.p === b.cost.p;
