/**
 * The decisions behind getting better-sqlite3 for Electron's ABI (scripts/electron-sqlite)
 * and loading it (main/electron/native-binding.ts): where the binary lives, when to
 * obtain, skip or stop, which npm settings must not reach the build (this machine's
 * `nodedir=/usr` trap), and how a binary is judged to really be Electron's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseNativeBinding, nativeBindingPath } from '../../main/electron/native-binding';
import {
  abiFromLoadError, childEnv, electronBinary, exitCodeFor, judgeBinary, nodeGypArgs, offlineHelp, planElectronSqlite, prebuildInstallArgs,
  readElectronTarget, summarizeToolOutput, type ElectronTarget,
} from '../../scripts/electron-sqlite/plan';
import { probeUnderNode } from '../../scripts/electron-sqlite/probe';

const ROOT = '/app';
const TARGET: ElectronTarget = { electronVersion: '41.7.1', platform: 'linux', arch: 'x64', abi: 145 };
const OUTPUT = '/app/resources/electron-native/better_sqlite3-electron-41.7.1-linux-x64.node';
const ELECTRON_DIR = '/app/node_modules/electron';
const installed = { installed: true as const, executable: '/app/node_modules/electron/dist/electron' };
const files = (...present: string[]) => (f: string) => present.includes(f);

describe('where the Electron binary lives', () => {
  it('one file per Electron version, platform and arch, outside node_modules', () => {
    expect(nativeBindingPath(ROOT, TARGET)).toBe(OUTPUT);
    expect(nativeBindingPath(ROOT, { ...TARGET, electronVersion: '42.0.0', arch: 'arm64' })).toBe('/app/resources/electron-native/better_sqlite3-electron-42.0.0-linux-arm64.node');
  });

  it('under Node (tests, CLI) the default binding; under Electron the file, or a message naming the fix', () => {
    expect(chooseNativeBinding({ appRoot: ROOT, electronVersion: undefined, platform: 'linux', arch: 'x64', exists: files(OUTPUT) })).toEqual({ kind: 'node' });
    expect(chooseNativeBinding({ appRoot: ROOT, electronVersion: '41.7.1', platform: 'linux', arch: 'x64', exists: files(OUTPUT) })).toEqual({ kind: 'electron', path: OUTPUT });
    const missing = chooseNativeBinding({ appRoot: ROOT, electronVersion: '41.7.1', platform: 'linux', arch: 'x64', exists: files() });
    expect(missing).toMatchObject({ kind: 'missing', path: OUTPUT });
    expect(missing.kind === 'missing' && missing.message).toMatch(/npm start[\s\S]*npm run keywarden -- serve/);
  });
});

describe('is Electron itself installed?', () => {
  it('yes when path.txt names an executable under dist/', () => {
    expect(electronBinary({ electronDir: ELECTRON_DIR, pathTxt: 'electron', exists: files('/app/node_modules/electron/dist/electron'), env: {} })).toEqual(installed);
  });

  it('ELECTRON_OVERRIDE_DIST_PATH points elsewhere, as electron/index.js allows', () => {
    expect(electronBinary({ electronDir: ELECTRON_DIR, pathTxt: undefined, exists: files('/opt/electron/electron'), env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' } })).toEqual({ installed: true, executable: '/opt/electron/electron' });
  });

  it('no when ELECTRON_SKIP_BINARY_DOWNLOAD left it out, saying so', () => {
    const r = electronBinary({ electronDir: ELECTRON_DIR, pathTxt: undefined, exists: files(), env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    expect(r).toEqual({ installed: false, why: "ELECTRON_SKIP_BINARY_DOWNLOAD is set, so npm did not download Electron's binary" });
  });

  it('no when path.txt is missing or names a file that is gone', () => {
    expect(electronBinary({ electronDir: ELECTRON_DIR, pathTxt: undefined, exists: files(), env: {} })).toMatchObject({ installed: false, why: expect.stringContaining('path.txt is missing') });
    expect(electronBinary({ electronDir: ELECTRON_DIR, pathTxt: 'electron\n', exists: files(), env: {} })).toMatchObject({ installed: false, why: expect.stringContaining('dist/electron is missing') });
  });
});

describe('the plan', () => {
  const plan = (o: Partial<Parameters<typeof planElectronSqlite>[0]>) => planElectronSqlite({ appRoot: ROOT, target: TARGET, exists: files(), ...o });
  const absent = { installed: false as const, why: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' };

  it('a binary already in place is used as is, whatever the mode', () => {
    for (const mode of ['postinstall', 'start'] as const) {
      expect(plan({ mode, electron: installed, exists: files(OUTPUT) })).toEqual({ action: 'present', output: OUTPUT });
    }
  });

  it('--force obtains again even when present', () => {
    expect(plan({ force: true, electron: installed, exists: files(OUTPUT) })).toMatchObject({ action: 'obtain', output: OUTPUT });
  });

  it('with Electron installed and no binary: obtain, at install time and at start', () => {
    for (const mode of ['postinstall', 'start'] as const) expect(plan({ mode, electron: installed })).toEqual({ action: 'obtain', output: OUTPUT, target: TARGET });
  });

  it('npm install without Electron (ELECTRON_SKIP_BINARY_DOWNLOAD=1): skip harmlessly, nothing fetched', () => {
    const p = plan({ mode: 'postinstall', electron: absent });
    expect(p).toMatchObject({ action: 'skip', output: OUTPUT });
    expect(p.action === 'skip' && p.reason).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD is set: no Electron to build the database driver for[\s\S]*serve/);
  });

  it('npm start without Electron: stop and point at serve, instead of a confusing build failure', () => {
    const p = plan({ mode: 'start', electron: absent });
    expect(p.action).toBe('no-electron');
    expect(p.action === 'no-electron' && p.message).toMatch(/Cannot start the desktop window: ELECTRON_SKIP_BINARY_DOWNLOAD is set\.[\s\S]*npm run keywarden -- serve/);
  });

  it('an install-time failure never fails npm install; a start-time one stops npm start', () => {
    expect(exitCodeFor('postinstall', false)).toBe(0);
    expect(exitCodeFor('postinstall', true)).toBe(0);
    expect(exitCodeFor('start', false)).toBe(1);
    expect(exitCodeFor('start', true)).toBe(0);
  });
});

describe('building for Electron, not for Node', () => {
  it("drops npm's redirecting settings (nodedir=/usr here) from the build's environment, keeps the rest", () => {
    const env = childEnv({ PATH: '/usr/bin', npm_config_nodedir: '/usr', NPM_CONFIG_TARGET: '20.0.0', npm_config_runtime: 'node', npm_config_disturl: 'x', npm_config_arch: 'ia32', npm_config_cache: '/c', HOME: '/h' });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_cache: '/c', HOME: '/h' });
  });

  it('asks prebuild-install and node-gyp for Electron explicitly', () => {
    expect(prebuildInstallArgs(TARGET)).toEqual(['--runtime', 'electron', '--target', '41.7.1', '--arch', 'x64', '--platform', 'linux', '--verbose']);
    expect(nodeGypArgs(TARGET)).toEqual(['rebuild', '--release', '--runtime=electron', '--target=41.7.1', '--arch=x64', '--dist-url=https://electronjs.org/headers']);
    expect(nodeGypArgs(TARGET, '/h/electron-headers')).toContain('--nodedir=/h/electron-headers');
  });

  const refusal = (abi: number) => `Error: The module '/x.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${abi}. This version of Node.js requires\nNODE_MODULE_VERSION 115.`;

  it("judges a binary by what Node says when loading it: Electron's ABI or refused", () => {
    expect(abiFromLoadError(refusal(145))).toBe(145);
    expect(judgeBinary({ loaded: false, error: refusal(145) }, 145)).toEqual({ ok: true, abi: 145 });
    expect(judgeBinary({ loaded: false, error: refusal(145) }, undefined)).toEqual({ ok: true, abi: 145 });
    expect(judgeBinary({ loaded: true }, 145)).toMatchObject({ ok: false, reason: expect.stringContaining("built for Node's ABI") });
    expect(judgeBinary({ loaded: false, error: refusal(133) }, 145)).toEqual({ ok: false, reason: 'it was built for NODE_MODULE_VERSION 133, Electron needs 145' });
    expect(judgeBinary({ loaded: false, error: 'Error: /x.node: invalid ELF header' }, 145)).toMatchObject({ ok: false, reason: expect.stringContaining('invalid ELF header') });
  });

  it("the probe really loads a file in a separate Node: Node's own better-sqlite3 loads (so it is not Electron's)", () => {
    const nodeBuild = path.resolve(__dirname, '../../node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const verdict = judgeBinary(probeUnderNode(nodeBuild), 145);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining("Node's ABI") });
    const junk = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kw-probe-')), 'junk.node');
    fs.writeFileSync(junk, 'not a shared object');
    expect(judgeBinary(probeUnderNode(junk), 145)).toMatchObject({ ok: false, reason: expect.stringContaining('not a loadable native module') });
    fs.rmSync(path.dirname(junk), { recursive: true, force: true });
  });

  it('reads the target from the installed electron package (version and abi_version)', () => {
    const t = readElectronTarget(path.resolve(__dirname, '../..'), 'linux', 'x64');
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../node_modules/electron/package.json'), 'utf8')) as { version: string };
    expect(t).toEqual({ electronVersion: pkg.version, platform: 'linux', arch: 'x64', abi: 145 });
  });

  it('explains an offline failure with the ways out, and keeps tool output short', () => {
    const help = offlineHelp(TARGET, OUTPUT, ['prebuilt download failed: getaddrinfo ENOTFOUND github.com']);
    expect(help).toMatch(/Electron 41\.7\.1 \(linux-x64, ABI 145\)[\s\S]*ENOTFOUND[\s\S]*KEYWARDEN_ELECTRON_HEADERS_DIR[\s\S]*better_sqlite3-electron-41\.7\.1-linux-x64\.node[\s\S]*serve/);
    const noisy = ['gyp info it worked', 'gyp info using node-gyp', 'gyp http GET https://electronjs.org/headers/v41.7.1/node-v41.7.1-headers.tar.gz', 'gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org', 'gyp ERR! not ok'].join('\n');
    expect(summarizeToolOutput(noisy)).toBe('gyp http GET https://electronjs.org/headers/v41.7.1/node-v41.7.1-headers.tar.gz | gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org');
    expect(summarizeToolOutput('')).toBe('(no output)');
  });
});

describe('scripts/ensure-electron-sqlite.ts, run as npm runs it', () => {
  const script = path.resolve(__dirname, '../../scripts/ensure-electron-sqlite.ts');
  const tsx = path.resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs');
  // Electron's binary is made certainly absent, so no run here can reach for the network.
  const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist', npm_config_nodedir: '/usr' };
  const run = (...args: string[]) => spawnSync(process.execPath, [tsx, script, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  // On a machine that already has the Electron build in place, both runs rightly do nothing.
  const appRoot = path.resolve(__dirname, '../..');
  const alreadyThere = fs.existsSync(nativeBindingPath(appRoot, readElectronTarget(appRoot)));

  it.skipIf(alreadyThere)('postinstall without Electron: exit 0, says it skipped and why, builds nothing', () => {
    const r = run('--postinstall');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('[electron-sqlite] skipped: ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    expect(r.stderr).not.toMatch(/trying|prebuilt|node-gyp/);
  });

  it.skipIf(alreadyThere)('start without Electron: exit 1 with the way out, before any download is tried', () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Cannot start the desktop window[\s\S]*npm run keywarden -- serve/);
    expect(r.stderr).not.toMatch(/trying|prebuilt/);
  });
});
