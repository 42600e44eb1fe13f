/**
 * The decisions behind scripts/ensure-electron-sqlite.ts, as pure functions: where the
 * Electron-ABI better-sqlite3 binary goes, what to run to get it, with which
 * environment, and how to tell that what came out really is for Electron.
 *
 * The trap this avoids (see FACTS.md): npm passes this machine's `nodedir=/usr` to
 * scripts as `npm_config_nodedir`, so node-gyp / electron-rebuild silently build against
 * Node's own headers and report success. The build therefore runs with those variables
 * removed, in a temporary copy of the package (node_modules/better-sqlite3/build, which
 * tests and the CLI use, is never touched), and the result is checked by loading it
 * under Node: an Electron binary must be refused with Electron's NODE_MODULE_VERSION.
 */
import fs from 'node:fs';
import path from 'node:path';
import { nativeBindingPath, type NativeTarget } from '../../main/electron/native-binding';

export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

export interface ElectronTarget extends NativeTarget {
  /** NODE_MODULE_VERSION of that Electron (node_modules/electron/abi_version), if known. */
  abi: number | undefined;
}

export function readElectronTarget(appRoot: string, platform: string = process.platform, arch: string = process.arch): ElectronTarget {
  const dir = path.join(appRoot, 'node_modules', 'electron');
  const version = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  let abi: number | undefined;
  try {
    const n = Number(fs.readFileSync(path.join(dir, 'abi_version'), 'utf8').trim());
    abi = Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    abi = undefined;
  }
  return { electronVersion: version, platform, arch, abi };
}

/** Whether Electron's own executable was installed next to its npm package. */
export type ElectronBinary = { installed: true; executable: string } | { installed: false; why: string };

/**
 * The same test electron's index.js makes before `electron .` can run: `path.txt` names the
 * executable under dist/ (or ELECTRON_OVERRIDE_DIST_PATH points elsewhere). With
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm leaves both out.
 */
export function electronBinary(opts: { electronDir: string; pathTxt: string | undefined; exists: (file: string) => boolean; env: NodeJS.ProcessEnv }): ElectronBinary {
  const rel = opts.pathTxt?.trim();
  const override = opts.env.ELECTRON_OVERRIDE_DIST_PATH;
  const executable = override ? path.join(override, rel || 'electron') : rel ? path.join(opts.electronDir, 'dist', rel) : undefined;
  if (executable && opts.exists(executable)) return { installed: true, executable };
  if (opts.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { installed: false, why: "ELECTRON_SKIP_BINARY_DOWNLOAD is set, so npm did not download Electron's binary" };
  return { installed: false, why: `Electron's binary is not installed (${executable ?? path.join(opts.electronDir, 'path.txt')} is missing)` };
}

/**
 * When the script runs: `postinstall` (after `npm install`: get the driver while the network
 * is at hand, never fail the install) or `start` (before `electron .`: the driver must be
 * there, or say exactly why not).
 */
export type RunMode = 'postinstall' | 'start';

export type Plan =
  | { action: 'present'; output: string }
  | { action: 'obtain'; output: string; target: ElectronTarget }
  /** Nothing to do and nothing wrong: no Electron here to build for (install-time only). */
  | { action: 'skip'; output: string; reason: string }
  /** `npm start` without Electron's binary: stop with this message instead of a confusing one. */
  | { action: 'no-electron'; output: string; message: string };

export function planElectronSqlite(opts: {
  appRoot: string;
  target: ElectronTarget;
  exists: (file: string) => boolean;
  force?: boolean;
  mode?: RunMode;
  electron?: ElectronBinary;
}): Plan {
  const output = nativeBindingPath(opts.appRoot, opts.target);
  if (!opts.force && opts.exists(output)) return { action: 'present', output };
  const electron = opts.electron ?? { installed: true, executable: '' };
  if (!electron.installed) {
    if ((opts.mode ?? 'start') === 'postinstall') {
      return { action: 'skip', output, reason: `${electron.why}: no Electron to build the database driver for. The CLI, the tests and \`npm run keywarden -- serve\` use Node's build.` };
    }
    return {
      action: 'no-electron',
      output,
      message: [
        `Cannot start the desktop window: ${electron.why}.`,
        'Reinstall without ELECTRON_SKIP_BINARY_DOWNLOAD (`npm install` fetches Electron and its database driver once), or open the',
        'same window in a browser with `npm run keywarden -- serve`.',
      ].join('\n'),
    };
  }
  return { action: 'obtain', output, target: opts.target };
}

/** A failed install-time attempt warns and lets `npm install` finish: `npm start` tries again and explains. */
export function exitCodeFor(mode: RunMode, ok: boolean): number {
  return ok || mode === 'postinstall' ? 0 : 1;
}

/** npm settings that would redirect node-gyp / prebuild-install to another runtime's headers. */
const REDIRECTING = /^npm_config_(nodedir|target|target_arch|runtime|disturl|dist_url|arch|platform|build_from_source|devdir)$/i;

export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !REDIRECTING.test(k)));
}

/** prebuild-install: downloads the published Electron build (no compiler needed). */
export function prebuildInstallArgs(t: NativeTarget): string[] {
  return ['--runtime', 'electron', '--target', t.electronVersion, '--arch', t.arch, '--platform', t.platform, '--verbose'];
}

/**
 * node-gyp: builds from source against Electron's headers, downloaded from electronjs.org
 * or, offline, from an unpacked headers directory (KEYWARDEN_ELECTRON_HEADERS_DIR).
 */
export function nodeGypArgs(t: NativeTarget, headersDir?: string): string[] {
  const headers = headersDir ? [`--nodedir=${headersDir}`] : [`--dist-url=${ELECTRON_HEADERS_URL}`];
  return ['rebuild', '--release', '--runtime=electron', `--target=${t.electronVersion}`, `--arch=${t.arch}`, ...headers];
}

/** Candidate node-gyp entry points: npm's own copy first (always present with npm). */
export function nodeGypCandidates(env: NodeJS.ProcessEnv, execPath: string): string[] {
  const prefix = path.dirname(path.dirname(execPath));
  return [
    env.npm_config_node_gyp,
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
}

/** What loading the binary under plain Node said. */
export interface LoadProbe {
  loaded: boolean;
  error?: string;
}

export type AbiVerdict = { ok: true; abi: number } | { ok: false; reason: string };

export function abiFromLoadError(message: string): number | undefined {
  const m = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

export function judgeBinary(probe: LoadProbe, expectedAbi: number | undefined): AbiVerdict {
  if (probe.loaded) return { ok: false, reason: "it loads under Node, so it was built for Node's ABI, not Electron's (was npm's nodedir used?)" };
  const abi = abiFromLoadError(probe.error ?? '');
  if (abi === undefined) return { ok: false, reason: `it is not a loadable native module: ${(probe.error ?? 'no error text').split('\n')[0]}` };
  if (expectedAbi !== undefined && abi !== expectedAbi) return { ok: false, reason: `it was built for NODE_MODULE_VERSION ${abi}, Electron needs ${expectedAbi}` };
  return { ok: true, abi };
}

export function offlineHelp(t: ElectronTarget, output: string, details: string[]): string {
  return [
    `Could not get better-sqlite3 for Electron ${t.electronVersion} (${t.platform}-${t.arch}${t.abi ? `, ABI ${t.abi}` : ''}).`,
    ...details.map((d) => `  - ${d}`),
    'Both ways need the network once: the prebuilt binary comes from GitHub, the headers for a',
    `source build from ${ELECTRON_HEADERS_URL}. Connect and run \`npm start\` again, or build with`,
    'KEYWARDEN_ELECTRON_HEADERS_DIR=<unpacked Electron headers>, or place a binary built for Electron at',
    `  ${output}`,
    'The CLI, the tests and `npm run keywarden -- serve` do not need it.',
  ].join('\n');
}

const TELLING = /(ERR! stack Error|ERR! (configure|build) error|warn install|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|http GET|error:)/i;

/** The few lines of a tool's output that say why it failed. */
export function summarizeToolOutput(output: string, max = 3): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter((l) => TELLING.test(l));
  return (telling.length ? telling.slice(0, max) : lines.slice(-max)).join(' | ') || '(no output)';
}
