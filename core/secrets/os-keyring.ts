/**
 * The desktop app keeps the unlocked wrapping key between launches in the OS keyring
 * (Electron's safeStorage: Keychain, DPAPI, libsecret, kwallet), as password managers do.
 * Electron is adapted to this interface in main/electron; the decision of whether to
 * cache lives here so it is tested under Node with a fake.
 *
 * On Linux, safeStorage falls back to `basic_text` when no secret service answers: a
 * password hard-coded in Chromium, i.e. no protection at all. Then nothing is cached and
 * the app asks for the passphrase at every launch, and says why.
 */

export interface OsKeyring {
  /** Electron's `getSelectedStorageBackend()` on Linux (`gnome_libsecret`, `kwallet5`, `basic_text`, `unknown`…); `keychain` / `dpapi` elsewhere. */
  backend(): string;
  /** `safeStorage.isEncryptionAvailable()`. */
  encryptionAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(blob: Buffer): string;
}

export type SecretsHost = 'desktop' | 'web' | 'cli';

export interface KeyringVerdict {
  host: SecretsHost;
  /** The backend's name when there is a keyring at all. */
  backend: string | null;
  /** Whether this host keeps the unlock between launches. */
  cached: boolean;
  /** The same in words, for Settings and `status`. */
  note: string;
}

/** Backends that are not a keyring: caching there would write the key in the clear. */
const NOT_A_KEYRING = new Set(['basic_text', 'unknown']);

export function judgeKeyring(host: SecretsHost, keyring: OsKeyring | null): KeyringVerdict {
  if (host === 'web') return { host, backend: null, cached: false, note: 'web host: not cached (unlock with KEYWARDEN_PASSPHRASE, the prompt of keywarden serve, or in Settings)' };
  if (host === 'cli' || keyring === null) return { host, backend: null, cached: false, note: `${host === 'cli' ? 'CLI' : 'this host'}: not cached (asks for the passphrase, or reads KEYWARDEN_PASSPHRASE, when a command needs the secrets)` };
  let backend: string;
  let available: boolean;
  try {
    backend = keyring.backend();
    available = keyring.encryptionAvailable();
  } catch {
    return { host, backend: null, cached: false, note: 'not cached: the OS keyring did not answer' };
  }
  if (backend === 'basic_text') return { host, backend, cached: false, note: 'not cached: Linux basic_text fallback (no secret service such as GNOME Keyring or KWallet answered; the fallback password is fixed, so caching would protect nothing)' };
  if (!available) return { host, backend, cached: false, note: `not cached: OS encryption is not available (${backend})` };
  if (NOT_A_KEYRING.has(backend)) return { host, backend, cached: false, note: `not cached: the OS keyring backend is ${backend}` };
  return { host, backend, cached: true, note: `cached in the OS keyring (${backend}) between launches` };
}
