/**
 * The operator passphrase is kept only as a slow scrypt hash: `scrypt$N$r$p$salt$hash`.
 * Cost: N=2^17, r=8, p=1 (OWASP's scrypt recommendation), 128 MiB and about a second
 * per try on a small machine. The parameters are read back from the stored hash, so
 * they are not trusted: a hash below the floor (written by someone with the database,
 * to make guessing cheap or to accept anything) is refused, and a hash below the current
 * cost that still matches is re-hashed at the current cost (`rehash`), so hashes made by
 * an older Keywarden upgrade on the next successful unlock. Verification is constant-time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { KeywardenError } from '../errors';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export interface PassphrasePolicy {
  /** What new hashes (and upgrades) use. */
  cost: ScryptCost;
  /** Stored hashes below this are refused, never verified. */
  floor: ScryptCost;
}

/**
 * Production policy. The floor is the cost Keywarden used before (N=2^15), so those
 * hashes still unlock, once, and are upgraded. Tests inject a cheaper policy through
 * the engine's options; nothing in the environment can lower it.
 */
export const PASSPHRASE_POLICY: PassphrasePolicy = Object.freeze({
  cost: Object.freeze({ N: 2 ** 17, r: 8, p: 1 }),
  floor: Object.freeze({ N: 2 ** 15, r: 8, p: 1 }),
});

const KEYLEN = 32;
export const SALT_BYTES = 16;
export const MIN_PASSPHRASE_LENGTH = 10;
/** Beyond this a stored hash would cost minutes or gigabytes: refused, not attempted. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** Node refuses scrypt above maxmem (32 MiB by default); N=2^17, r=8 needs 128 MiB. */
function maxmemFor(c: ScryptCost): number {
  return 128 * c.N * c.r * c.p + 64 * 1024 * 1024;
}

/**
 * Why the parameters were refused, or null when they are within [floor, what Keywarden
 * ever writes]: a stored hash or a sealed secret file carries its own, so they are checked
 * before scrypt runs (too low makes guessing cheap; too high costs minutes or gigabytes).
 */
export function costProblem(cost: ScryptCost, floor: ScryptCost): string | null {
  if (![cost.N, cost.r, cost.p].every((x) => Number.isSafeInteger(x) && x > 0) || (cost.N & (cost.N - 1)) !== 0) {
    return 'has scrypt parameters that are not positive integers with N a power of two';
  }
  if (cost.N < floor.N || cost.r < floor.r || cost.p < floor.p) {
    return `uses scrypt N=${cost.N}, r=${cost.r}, p=${cost.p}, below the floor N=${floor.N}, r=${floor.r}, p=${floor.p}, so it is refused rather than trusted`;
  }
  if (cost.N > MAX_N || cost.r > MAX_R || cost.p > MAX_P) return `uses scrypt N=${cost.N}, r=${cost.r}, p=${cost.p}, beyond what Keywarden ever writes`;
  return null;
}

/** A 32-byte key from the passphrase (the sealed secrets' wrapping key), at a checked cost. */
export function derivePassphraseKey(passphrase: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return scrypt(passphrase, salt, KEYLEN, cost);
}

function scrypt(passphrase: string, salt: Buffer, keylen: number, c: ScryptCost): Promise<Buffer> {
  const opts: ScryptOptions = { N: c.N, r: c.r, p: c.p, maxmem: maxmemFor(c) };
  return new Promise((resolve, reject) => {
    scryptCb(passphrase.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassphrase(passphrase: string, policy: PassphrasePolicy = PASSPHRASE_POLICY): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const c = policy.cost;
  const hash = await scrypt(passphrase, salt, KEYLEN, c);
  return ['scrypt', c.N, c.r, c.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface StoredHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

function tampered(reason: string): KeywardenError {
  return new KeywardenError('database_tampered', `the stored operator passphrase hash ${reason}; it was not written by this Keywarden. Restore the data dir from a backup`, { field: 'operator_passphrase_hash' });
}

function parseStored(stored: string, floor: ScryptCost): StoredHash {
  const parts = stored.split('$');
  const [scheme, n, r, p, saltB64, hashB64] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || !saltB64 || !hashB64) throw tampered('is not in the scrypt$N$r$p$salt$hash form');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const problem = costProblem(cost, floor);
  if (problem) throw tampered(problem);
  const salt = Buffer.from(saltB64, 'base64');
  const hash = Buffer.from(hashB64, 'base64');
  if (salt.length < SALT_BYTES || hash.length !== KEYLEN) throw tampered(`has a ${salt.length}-byte salt and a ${hash.length}-byte hash (expected ${SALT_BYTES} and ${KEYLEN})`);
  return { cost, salt, hash };
}

const below = (a: ScryptCost, b: ScryptCost) => a.N < b.N || a.r < b.r || a.p < b.p;

/**
 * Checks a passphrase against the stored hash. `rehash` is a new hash at the policy's
 * cost when the passphrase matched a weaker one: the caller stores it.
 * Throws `database_tampered` when the stored hash is malformed or below the floor.
 */
export async function checkPassphrase(passphrase: string, stored: string, policy: PassphrasePolicy = PASSPHRASE_POLICY): Promise<{ ok: boolean; rehash: string | null }> {
  const s = parseStored(stored, policy.floor);
  const actual = await scrypt(passphrase, s.salt, s.hash.length, s.cost);
  const ok = actual.length === s.hash.length && timingSafeEqual(actual, s.hash);
  return { ok, rehash: ok && below(s.cost, policy.cost) ? await hashPassphrase(passphrase, policy) : null };
}

/** The parameters a stored hash was made with (for status and tests); null when unreadable. */
export function storedCost(stored: string): ScryptCost | null {
  const [scheme, n, r, p] = stored.split('$');
  if (scheme !== 'scrypt') return null;
  return { N: Number(n), r: Number(r), p: Number(p) };
}
