/**
 * What someone with the data dir and the passphrase could do to a sealed secret file:
 * seal other bytes under the same header (a replaced key), for tests of the refusals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { derivePassphraseKey } from '../../core/crypto/passphrase';
import { sealedFileName, type SecretName } from '../../core/secrets/catalogue';
import { parseSealedSecret, sealSecret } from '../../core/secrets/sealed-file';
import { FAST_PASSPHRASE_POLICY } from './fast-passphrase';

export async function resealSecret(dataDir: string, secret: SecretName, value: Buffer, passphrase: string): Promise<void> {
  const file = path.join(dataDir, sealedFileName(secret));
  const header = parseSealedSecret(secret, fs.readFileSync(file), FAST_PASSPHRASE_POLICY.floor).kdf;
  const kek = await derivePassphraseKey(passphrase, header.salt, header.cost);
  fs.writeFileSync(file, sealSecret(secret, value, kek, header), { mode: 0o600 });
}

/** Every file under `dir` (the database, its -wal, the sealed files…), with its bytes. */
export function filesUnder(dir: string): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!d.isFile()) continue;
    const full = path.join(d.parentPath, d.name);
    out.push({ name: path.relative(dir, full), bytes: fs.readFileSync(full) });
  }
  return out;
}

/** The encodings a key could leak in. */
export function encodingsOf(key: Buffer): Buffer[] {
  return [key, Buffer.from(key.toString('base64')), Buffer.from(key.toString('base64url')), Buffer.from(key.toString('hex'))];
}
