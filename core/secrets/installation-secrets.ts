/**
 * The installation secrets (the local KMS key, the audit log's signing key), stored only
 * sealed under a key derived from the operator passphrase (sealed-file.ts), opened in
 * memory on unlock. Before an unlock, whatever needs a secret fails with
 * `secrets_locked`, saying how to unlock.
 *
 * An unlock also:
 * - migrates plain files older versions wrote: the sealed file is written and fsynced
 *   first, the plain one removed after, so a crash in between leaves both and the next
 *   unlock finishes (it checks they hold the same bytes);
 * - rewraps files whose KDF header is not the current one (the passphrase hash was
 *   upgraded to a higher cost): each file is replaced atomically (temp + rename), so the
 *   old wrap stays on disk until the new one is;
 * - in the desktop app, keeps the wrapping key in the OS keyring (os-keyring.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { derivePassphraseKey, SALT_BYTES, type PassphrasePolicy, type ScryptCost } from '../crypto/passphrase';
import { KeywardenError } from '../errors';
import { SECRET_NAMES, SECRET_SPECS, sealedFileName, type SecretName } from './catalogue';
import { syncDir, unlinkDurably, writeFileDurably } from './durable-write';
import { judgeKeyring, type KeyringVerdict, type OsKeyring, type SecretsHost } from './os-keyring';
import { readPlainSecretFile } from './plain-file';
import { invalidSealedFile, openSealedSecret, parseSealedSecret, sameKdf, sealSecret, type KdfHeader, type SealedSecret } from './sealed-file';
import { forgetUnlock, recallUnlock, rememberUnlock, type WrappingKey } from './unlock-cache';

/** What the engine's users of a secret see (the local provider, the audit signer). */
export interface SecretSource {
  /** The secret's bytes (a copy), creating it sealed on first use; throws `secrets_locked` before an unlock. */
  get(name: SecretName, create?: () => Buffer): Buffer;
  /** Whether the secret exists in any form (sealed, or plain awaiting migration). */
  has(name: SecretName): boolean;
}

export type SecretFileState = 'wrapped' | 'plain' | 'missing';

export interface SecretFileView {
  secret: SecretName;
  label: string;
  /** The file that holds it now (`<name>.sealed`, or the plain `<name>` awaiting migration). */
  file: string;
  state: SecretFileState;
}

export interface UnlockOutcome {
  migrated: SecretName[];
  rewrapped: SecretName[];
}

export interface SecretsOptions {
  dataDir: string;
  policy: PassphrasePolicy;
  host: SecretsHost;
  keyring: OsKeyring | null;
  /** Whether the operator passphrase is set (the locked error says what to do first). */
  initialized: () => boolean;
}

const kdfId = (k: KdfHeader) => `${k.cost.N}:${k.cost.r}:${k.cost.p}:${k.salt.toString('base64')}`;
const sameCost = (a: ScryptCost, b: ScryptCost) => a.N === b.N && a.r === b.r && a.p === b.p;
const isTempOf = (entry: string) => SECRET_NAMES.some((n) => entry.startsWith(`.${sealedFileName(n)}.`) && entry.endsWith('.tmp'));

export class InstallationSecrets implements SecretSource {
  #kek: WrappingKey | undefined;
  #open = new Map<SecretName, Buffer>();
  #lastProblem: string | undefined;
  #listeners: Array<(outcome: UnlockOutcome) => void> = [];

  constructor(private readonly o: SecretsOptions) {}

  unlocked(): boolean {
    return this.#kek !== undefined;
  }

  /** Called after every successful unlock (the audit ledger signs a checkpoint it had to defer). */
  onUnlock(listener: (outcome: UnlockOutcome) => void): void {
    this.#listeners.push(listener);
  }

  #sealedPath(name: SecretName): string {
    return path.join(this.o.dataDir, sealedFileName(name));
  }

  #plainPath(name: SecretName): string {
    return path.join(this.o.dataDir, name);
  }

  files(): SecretFileView[] {
    return SECRET_NAMES.map((secret) => {
      const label = SECRET_SPECS[secret].label;
      if (fs.existsSync(this.#plainPath(secret))) return { secret, label, file: secret, state: 'plain' };
      if (fs.existsSync(this.#sealedPath(secret))) return { secret, label, file: sealedFileName(secret), state: 'wrapped' };
      return { secret, label, file: sealedFileName(secret), state: 'missing' };
    });
  }

  keyring(): KeyringVerdict & { problem: string | null } {
    return { ...judgeKeyring(this.o.host, this.o.keyring), problem: this.#lastProblem ?? null };
  }

  has(name: SecretName): boolean {
    return fs.existsSync(this.#sealedPath(name)) || fs.existsSync(this.#plainPath(name));
  }

  get(name: SecretName, create: () => Buffer = () => randomBytes(SECRET_SPECS[name].bytes)): Buffer {
    const have = this.#open.get(name);
    if (have) return Buffer.from(have);
    if (!this.#kek) throw this.#locked(name);
    const value = this.#createOrAdopt(name, this.#kek, create);
    this.#open.set(name, value);
    return Buffer.from(value);
  }

  /** Throws the `secrets_locked` error (saying how to unlock) unless unlocked. */
  requireUnlocked(name: SecretName): void {
    if (!this.#kek) throw this.#locked(name);
  }

  #locked(name: SecretName): KeywardenError {
    const label = SECRET_SPECS[name].label;
    if (!this.o.initialized()) {
      return new KeywardenError('secrets_locked', `the ${label} is sealed under the operator passphrase, which is not set yet: run keywarden init (or set it on the window's first-run screen)`, { secret: name });
    }
    const last = this.#lastProblem ? ` (the last unlock failed: ${this.#lastProblem})` : '';
    return new KeywardenError(
      'secrets_locked',
      `the installation secrets are locked, and this needs the ${label}${last}: unlock with the operator passphrase. CLI: set KEYWARDEN_PASSPHRASE or run the command in a terminal to be prompted; window: Settings → Installation secrets → Unlock, or any step-up`,
      { secret: name },
    );
  }

  /** Sealed since this unlock, by another process or now: created exclusively, so two processes never make two keys. */
  #createOrAdopt(name: SecretName, kek: WrappingKey, create: () => Buffer): Buffer {
    const file = this.#sealedPath(name);
    fs.mkdirSync(this.o.dataDir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(file)) {
      const value = create();
      const tmp = `${path.join(this.o.dataDir, `.${sealedFileName(name)}`)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, sealSecret(name, value, kek.key, kek.kdf), { mode: 0o600, flag: 'wx' });
      const fd = fs.openSync(tmp, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      try {
        fs.linkSync(tmp, file); // fails if it appeared meanwhile: then that one is the key
        syncDir(this.o.dataDir);
        return value;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    }
    const sealed = parseSealedSecret(name, fs.readFileSync(file), this.o.policy.floor);
    if (!sameKdf(sealed.kdf, kek.kdf)) {
      throw new KeywardenError('secrets_locked', `${sealedFileName(name)} was sealed by another Keywarden process under other parameters since this one unlocked: unlock again`, { secret: name });
    }
    return openSealedSecret(sealed, kek.key);
  }

  #readSealed(): Map<SecretName, SealedSecret> {
    const out = new Map<SecretName, SealedSecret>();
    for (const name of SECRET_NAMES) {
      let text: Buffer;
      try {
        text = fs.readFileSync(this.#sealedPath(name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      out.set(name, parseSealedSecret(name, text, this.o.policy.floor));
    }
    return out;
  }

  /**
   * Opens the secrets with the operator passphrase, which the caller has checked against
   * the stored hash; `cost` is that hash's scrypt cost, which new wraps use.
   */
  async unlock(passphrase: string, cost: ScryptCost): Promise<UnlockOutcome> {
    try {
      const derived = new Map<string, Buffer>();
      const keyFor = async (kdf: KdfHeader) => {
        let k = derived.get(kdfId(kdf));
        if (!k) derived.set(kdfId(kdf), (k = await derivePassphraseKey(passphrase, kdf.salt, kdf.cost)));
        return k;
      };
      const sealed = this.#readSealed();
      const opened = new Map<SecretName, Buffer>();
      for (const [name, s] of sealed) opened.set(name, openSealedSecret(s, await keyFor(s.kdf)));
      const headers = [...sealed.values()].map((s) => s.kdf);
      const first = headers[0];
      const kdf = first && headers.every((h) => sameKdf(h, first)) && sameCost(first.cost, cost) ? first : { salt: randomBytes(SALT_BYTES), cost };
      return this.#settle({ kdf, key: await keyFor(kdf) }, sealed, opened);
    } catch (e) {
      this.#lastProblem = e instanceof KeywardenError ? e.message : 'unexpected error';
      throw e;
    }
  }

  /** The desktop app's launch: the wrapping key from the OS keyring, if it was cached there. False: stays locked. */
  recall(): boolean {
    const verdict = judgeKeyring(this.o.host, this.o.keyring);
    if (!verdict.cached || !this.o.keyring) {
      forgetUnlock(this.o.dataDir);
      return false;
    }
    const kek = recallUnlock(this.o.dataDir, this.o.keyring, this.o.policy.floor);
    if (!kek.ok) {
      if (kek.reason) this.#lastProblem = kek.reason;
      return false;
    }
    try {
      const sealed = this.#readSealed();
      if ([...sealed.values()].some((s) => !sameKdf(s.kdf, kek.key.kdf))) {
        // The secrets were rewrapped (a new cost) since: the cached key no longer opens them.
        forgetUnlock(this.o.dataDir);
        this.#lastProblem = 'the key cached in the OS keyring no longer matches the sealed files; unlock with the passphrase';
        return false;
      }
      const opened = new Map<SecretName, Buffer>();
      for (const [name, s] of sealed) opened.set(name, openSealedSecret(s, kek.key.key));
      this.#settle(kek.key, sealed, opened);
      return true;
    } catch (e) {
      forgetUnlock(this.o.dataDir);
      this.#lastProblem = e instanceof KeywardenError ? e.message : 'the cached unlock could not be used';
      return false;
    }
  }

  #settle(kek: WrappingKey, sealed: Map<SecretName, SealedSecret>, opened: Map<SecretName, Buffer>): UnlockOutcome {
    const rewrapped: SecretName[] = [];
    for (const [name, s] of sealed) {
      if (sameKdf(s.kdf, kek.kdf)) continue;
      writeFileDurably(this.#sealedPath(name), sealSecret(name, opened.get(name)!, kek.key, kek.kdf));
      rewrapped.push(name);
    }
    const migrated = this.#migratePlain(kek, opened);
    this.#removeStaleTemps();
    this.#kek = kek;
    this.#open = opened;
    this.#lastProblem = undefined;
    if (judgeKeyring(this.o.host, this.o.keyring).cached && this.o.keyring) rememberUnlock(this.o.dataDir, this.o.keyring, kek);
    else if (this.o.host === 'desktop') forgetUnlock(this.o.dataDir);
    const outcome = { migrated, rewrapped };
    for (const l of this.#listeners) l(outcome);
    return outcome;
  }

  #migratePlain(kek: WrappingKey, opened: Map<SecretName, Buffer>): SecretName[] {
    const migrated: SecretName[] = [];
    for (const name of SECRET_NAMES) {
      const plainFile = this.#plainPath(name);
      if (!fs.existsSync(plainFile)) continue;
      const plain = readPlainSecretFile(plainFile, SECRET_SPECS[name].bytes);
      const sealedValue = opened.get(name);
      if (sealedValue) {
        // Both exist: a migration stopped between writing the sealed file and removing the plain one.
        if (!sealedValue.equals(plain)) {
          throw new KeywardenError(
            'secret_file_conflict',
            `${name} and ${sealedFileName(name)} both exist and hold different keys; nothing was changed: keep the one this installation uses (restore the other from a backup, or move it out of the data dir)`,
            { file: name },
          );
        }
      } else {
        writeFileDurably(this.#sealedPath(name), sealSecret(name, plain, kek.key, kek.kdf));
        opened.set(name, plain);
      }
      unlinkDurably(plainFile);
      migrated.push(name);
    }
    return migrated;
  }

  /** A crash between writing a temp file and renaming it leaves the temp behind (a minute old: not another process's write in flight). */
  #removeStaleTemps(): void {
    const before = Date.now() - 60_000;
    for (const entry of fs.readdirSync(this.o.dataDir)) {
      if (!isTempOf(entry)) continue;
      const file = path.join(this.o.dataDir, entry);
      if (fs.statSync(file).mtimeMs < before) fs.rmSync(file, { force: true });
    }
  }

  lock(): void {
    this.#kek?.key.fill(0);
    for (const v of this.#open.values()) v.fill(0);
    this.#kek = undefined;
    this.#open = new Map();
  }
}

export { invalidSealedFile };
