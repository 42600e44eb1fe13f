/**
 * better-sqlite3 under two ABIs. Tests and the CLI run on Node and use the build in
 * node_modules/better-sqlite3 untouched. The Electron app loads a separate binary built
 * for Electron's ABI (scripts/ensure-electron-sqlite.ts puts it here before `npm start`)
 * through better-sqlite3's `nativeBinding` option. Nobody rebuilds node_modules, so the
 * two can never clobber each other. This module only names and finds the file.
 */
import path from 'node:path';

export interface NativeTarget {
  electronVersion: string;
  platform: string;
  arch: string;
}

export const NATIVE_DIR_PARTS = ['resources', 'electron-native'] as const;

export function nativeBindingFileName(target: NativeTarget): string {
  return `better_sqlite3-electron-${target.electronVersion}-${target.platform}-${target.arch}.node`;
}

export function nativeBindingPath(appRoot: string, target: NativeTarget): string {
  return path.join(appRoot, ...NATIVE_DIR_PARTS, nativeBindingFileName(target));
}

export type NativeBindingChoice =
  | { kind: 'node' }
  | { kind: 'electron'; path: string }
  | { kind: 'missing'; path: string; message: string };

/**
 * Under Node (no electronVersion): the default binding. Under Electron: the Electron-ABI
 * file when present, else a message telling the user the one command that fixes it.
 */
export function chooseNativeBinding(opts: { appRoot: string; electronVersion: string | undefined; platform: string; arch: string; exists: (file: string) => boolean }): NativeBindingChoice {
  if (!opts.electronVersion) return { kind: 'node' };
  const file = nativeBindingPath(opts.appRoot, { electronVersion: opts.electronVersion, platform: opts.platform, arch: opts.arch });
  if (opts.exists(file)) return { kind: 'electron', path: file };
  return {
    kind: 'missing',
    path: file,
    message:
      `Keywarden's database driver for Electron ${opts.electronVersion} is missing (${file}).\n` +
      'Start the app with `npm start`: it fetches or builds the driver for Electron once (this needs the network).\n' +
      'Without a display or network, `npm run keywarden -- serve` gives the same window in a browser.',
  };
}
