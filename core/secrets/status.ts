/** The installation secrets' state for Settings, `status` and `auth.unlock`. */
import type { LastBackupView, SecretsView } from '../api/secrets-types';
import type { KeyringStore } from '../store/keyring-store';
import type { InstallationSecrets } from './installation-secrets';
import { cachedUnlockBackend } from './unlock-cache';

export const LAST_BACKUP_META = 'last_backup';

export function lastBackup(store: KeyringStore): LastBackupView | null {
  const raw = store.getMeta(LAST_BACKUP_META);
  if (raw === undefined) return null;
  try {
    const v = JSON.parse(raw) as LastBackupView;
    return typeof v.at === 'string' && typeof v.file === 'string' && typeof v.bytes === 'number' ? v : null;
  } catch {
    return null;
  }
}

export function secretsView(dataDir: string, secrets: InstallationSecrets, store: KeyringStore): SecretsView {
  return {
    data_dir: dataDir,
    unlocked: secrets.unlocked(),
    files: secrets.files(),
    keyring: { ...secrets.keyring(), desktop_cache_backend: cachedUnlockBackend(dataDir) },
    last_backup: lastBackup(store),
  };
}
