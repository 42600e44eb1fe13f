/**
 * What the window, `status` and the CLI see of the installation secrets: states and
 * names only, never key material.
 */
export interface SecretFileStateView {
  secret: 'local-kms.key' | 'audit-log.key';
  label: string;
  /** The file that holds it now. */
  file: string;
  /** wrapped: sealed under the passphrase; plain: an older plain file awaiting migration on the next unlock; missing: not created yet (or lost). */
  state: 'wrapped' | 'plain' | 'missing';
}

export interface SecretsView {
  data_dir: string;
  unlocked: boolean;
  files: SecretFileStateView[];
  keyring: {
    host: 'desktop' | 'web' | 'cli';
    backend: string | null;
    cached: boolean;
    /** In words: "cached in the OS keyring (gnome_libsecret)…", "not cached: Linux basic_text fallback…", "web host: not cached…". */
    note: string;
    /** Why the last unlock or keyring recall failed, if it did. */
    problem: string | null;
    /** The backend the desktop app cached its unlock in, seen from another host. */
    desktop_cache_backend: string | null;
  };
  last_backup: LastBackupView | null;
}

export interface LastBackupView {
  at: string;
  file: string;
  bytes: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  sha256: string;
  created_at: string;
  files: Array<{ path: string; bytes: number; sha256: string }>;
  skipped: string[];
}

export interface RestoreResult {
  data_dir: string;
  files: Array<{ path: string; bytes: number }>;
  created_at: string;
}
