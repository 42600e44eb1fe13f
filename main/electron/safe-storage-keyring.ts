/**
 * Electron's safeStorage as the engine's OS keyring (core/secrets/os-keyring.ts). Only
 * the adaptation lives here; whether to cache the unlock is decided in core. On Linux
 * the backend is whatever `getSelectedStorageBackend()` reports (`basic_text` when no
 * secret service answered); macOS uses the Keychain and Windows DPAPI.
 */
import type { OsKeyring } from '../../core/secrets/os-keyring';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export function safeStorageKeyring(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): OsKeyring {
  return {
    backend: () =>
      platform === 'linux' ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : 'unknown',
    encryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (blob) => safeStorage.decryptString(blob),
  };
}
