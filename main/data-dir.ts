/**
 * Where Keywarden keeps its data, decided in one place. Precedence:
 *   1. an explicit directory (the CLI's --data-dir, a test's temp dir);
 *   2. the KEYWARDEN_DATA_DIR environment variable;
 *   3. the app's user-data folder, the same one Electron's app.getPath('userData') gives
 *      for productName "Keywarden": ~/.config/Keywarden (Linux, or $XDG_CONFIG_HOME),
 *      ~/Library/Application Support/Keywarden (macOS), %APPDATA%\Keywarden (Windows).
 */
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Keywarden';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.KEYWARDEN_DATA_DIR) return path.resolve(env.KEYWARDEN_DATA_DIR);
  return defaultUserDataDir(env);
}
