/**
 * The desktop app's unlock kept between launches: the wrapping key (and its KDF header),
 * encrypted by the OS keyring, in `unlock.keyring` in the data dir. The file alone opens
 * nothing: only this user's keyring decrypts it. It is never backed up (it belongs to
 * this machine's keyring) and is removed whenever caching is not allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { costProblem, SALT_BYTES, type ScryptCost } from '../crypto/passphrase';
import { unlinkDurably, writeFileDurably } from './durable-write';
import type { OsKeyring } from './os-keyring';
import type { KdfHeader } from './sealed-file';

export const UNLOCK_CACHE_FILE = 'unlock.keyring';

export interface WrappingKey {
  kdf: KdfHeader;
  key: Buffer;
}

const fileShape = z.object({ keywarden_unlock_cache: z.literal(1), backend: z.string().max(100), blob: z.string().max(10_000) }).strict();
const innerShape = z.object({ N: z.number(), r: z.number(), p: z.number(), salt: z.string(), key: z.string() }).strict();

export function rememberUnlock(dataDir: string, keyring: OsKeyring, kek: WrappingKey): void {
  const inner = JSON.stringify({ N: kek.kdf.cost.N, r: kek.kdf.cost.r, p: kek.kdf.cost.p, salt: kek.kdf.salt.toString('base64'), key: kek.key.toString('base64') });
  const blob = keyring.encrypt(inner).toString('base64');
  writeFileDurably(path.join(dataDir, UNLOCK_CACHE_FILE), JSON.stringify({ keywarden_unlock_cache: 1, backend: keyring.backend(), blob }) + '\n');
}

export function forgetUnlock(dataDir: string): void {
  if (fs.existsSync(path.join(dataDir, UNLOCK_CACHE_FILE))) unlinkDurably(path.join(dataDir, UNLOCK_CACHE_FILE));
}

/** The backend a desktop app cached its unlock in, read without the keyring (for `status` in another host). */
export function cachedUnlockBackend(dataDir: string): string | null {
  try {
    const parsed = fileShape.safeParse(JSON.parse(fs.readFileSync(path.join(dataDir, UNLOCK_CACHE_FILE), 'utf8')));
    return parsed.success ? parsed.data.backend : null;
  } catch {
    return null;
  }
}

export function recallUnlock(dataDir: string, keyring: OsKeyring, floor: ScryptCost): { ok: true; key: WrappingKey } | { ok: false; reason: string | null } {
  const file = path.join(dataDir, UNLOCK_CACHE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { ok: false, reason: null }; // nothing cached: the first launch, or caching was off
  }
  const drop = (reason: string) => {
    forgetUnlock(dataDir);
    return { ok: false as const, reason };
  };
  try {
    const outer = fileShape.parse(JSON.parse(text));
    const inner = innerShape.parse(JSON.parse(keyring.decrypt(Buffer.from(outer.blob, 'base64'))));
    const cost = { N: inner.N, r: inner.r, p: inner.p };
    const salt = Buffer.from(inner.salt, 'base64');
    const key = Buffer.from(inner.key, 'base64');
    if (costProblem(cost, floor) || salt.length < SALT_BYTES || key.length !== 32) return drop('the unlock cached in the OS keyring is not usable; unlock with the passphrase');
    return { ok: true, key: { kdf: { salt, cost }, key } };
  } catch {
    return drop('the OS keyring could not decrypt the cached unlock (another user, or the keyring was reset); unlock with the passphrase');
  }
}
