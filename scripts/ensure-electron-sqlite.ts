/**
 * Run by `npm start` before Electron: makes sure the Electron-ABI better-sqlite3 binary
 * exists at resources/electron-native/ (see main/electron/native-binding.ts). If it is
 * missing it is obtained in a temporary copy of the package — prebuilt download first,
 * then a node-gyp build against Electron's headers — verified to be Electron's ABI, and
 * moved into place. node_modules/better-sqlite3 (Node's ABI, for tests and the CLI) is
 * never modified. Flags: --force (obtain again), --check (report only; exit 1 if missing),
 * --postinstall (run by `npm install`: skip quietly where Electron's binary was not
 * installed, e.g. ELECTRON_SKIP_BINARY_DOWNLOAD=1, and never fail the install).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  childEnv, electronBinary, exitCodeFor, judgeBinary, nodeGypArgs, nodeGypCandidates, offlineHelp, planElectronSqlite, prebuildInstallArgs, readElectronTarget,
  summarizeToolOutput, type ElectronTarget, type RunMode,
} from './electron-sqlite/plan';
import { probeUnderNode } from './electron-sqlite/probe';

const appRoot = path.resolve(__dirname, '..');
const say = (line: string) => process.stderr.write(`[electron-sqlite] ${line}\n`);

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error.message) : ''}`;
  return { ok: r.status === 0 && !r.error, output };
}

function obtain(target: ElectronTarget, output: string): void {
  const pkgDir = path.join(appRoot, 'node_modules', 'better-sqlite3');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-electron-sqlite-'));
  const env = childEnv(process.env);
  const failures: string[] = [];
  try {
    const copy = path.join(work, 'better-sqlite3');
    fs.cpSync(pkgDir, copy, { recursive: true, filter: (src) => path.relative(pkgDir, src).split(path.sep)[0] !== 'build' });
    const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node');

    const attempts: { name: string; cmd: string; args: string[]; timeoutMs: number }[] = [];
    let prebuild: string | undefined;
    try {
      prebuild = require.resolve('prebuild-install/bin.js', { paths: [pkgDir, appRoot] });
    } catch {
      failures.push('prebuild-install is not installed');
    }
    if (prebuild) attempts.push({ name: 'prebuilt download', cmd: process.execPath, args: [prebuild, ...prebuildInstallArgs(target)], timeoutMs: 180_000 });
    const gyp = nodeGypCandidates(process.env, process.execPath).find((p) => fs.existsSync(p));
    if (gyp) attempts.push({ name: 'node-gyp build', cmd: process.execPath, args: [gyp, ...nodeGypArgs(target, process.env.KEYWARDEN_ELECTRON_HEADERS_DIR)], timeoutMs: 900_000 });
    else failures.push("node-gyp was not found (it ships with npm; run this through `npm start`)");

    for (const attempt of attempts) {
      say(`trying ${attempt.name} for Electron ${target.electronVersion}…`);
      fs.rmSync(path.join(copy, 'build'), { recursive: true, force: true });
      const r = run(attempt.cmd, attempt.args, copy, env, attempt.timeoutMs);
      if (!r.ok || !fs.existsSync(built)) {
        failures.push(`${attempt.name} failed: ${summarizeToolOutput(r.output)}`);
        continue;
      }
      const verdict = judgeBinary(probeUnderNode(built), target.abi);
      if (!verdict.ok) {
        failures.push(`${attempt.name} produced the wrong binary: ${verdict.reason}`);
        continue;
      }
      fs.mkdirSync(path.dirname(output), { recursive: true });
      const staging = `${output}.${process.pid}.tmp`;
      fs.copyFileSync(built, staging);
      fs.renameSync(staging, output);
      say(`ready: ${path.relative(appRoot, output)} (NODE_MODULE_VERSION ${verdict.abi})`);
      return;
    }
    throw new Error(offlineHelp(target, output, failures));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function readPathTxt(electronDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
  } catch {
    return undefined;
  }
}

function main(argv: string[]): number {
  const mode: RunMode = argv.includes('--postinstall') ? 'postinstall' : 'start';
  const target = readElectronTarget(appRoot);
  const electronDir = path.join(appRoot, 'node_modules', 'electron');
  const electron = electronBinary({ electronDir, pathTxt: readPathTxt(electronDir), exists: (f) => fs.existsSync(f), env: process.env });
  const plan = planElectronSqlite({ appRoot, target, exists: (f) => fs.existsSync(f), force: argv.includes('--force'), mode, electron });
  if (plan.action === 'present') {
    if (argv.includes('--check')) {
      const verdict = judgeBinary(probeUnderNode(plan.output), target.abi);
      say(verdict.ok ? `present and built for Electron (NODE_MODULE_VERSION ${verdict.abi}): ${plan.output}` : `present but unusable: ${verdict.reason}`);
      return verdict.ok ? 0 : 1;
    }
    return 0;
  }
  if (argv.includes('--check')) {
    say(`missing: ${plan.output}`);
    return 1;
  }
  if (plan.action === 'skip') {
    say(`skipped: ${plan.reason}`);
    return 0;
  }
  if (plan.action === 'no-electron') {
    process.stderr.write(`${plan.message}\n`);
    return 1;
  }
  try {
    obtain(target, plan.output);
    return exitCodeFor(mode, true);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    if (mode === 'postinstall') say('the install itself is fine; `npm start` will try again and say what is missing.');
    return exitCodeFor(mode, false);
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
