/**
 * `serve` on a fresh clone: the window (out/renderer) may never have been built, or be
 * older than the sources after a pull. Then `serve` builds it itself (electron-vite,
 * about a second per target) and says so in one line on stderr, so the README's
 * commands work word for word without a separate `npm run build`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KeywardenError } from '../../core/errors';

/** What the window's bundle is built from (the renderer imports core's API types). */
export const WINDOW_SOURCES = ['renderer', 'core', 'preload', 'electron.vite.config.mts', 'package.json'];

const SKIP_DIRS = new Set(['node_modules', '.git', 'out']);

/** The newest modification time under `target` (a file or a folder), 0 when absent. */
export function newestMtimeMs(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    newest = Math.max(newest, newestMtimeMs(path.join(target, entry.name)));
  }
  return newest;
}

export type BuildState = { fresh: true } | { fresh: false; reason: 'missing' | 'stale' };

/** Whether `outDir/index.html` exists and is at least as new as every source under `appRoot`. */
export function windowBuildState(appRoot: string, outDir: string): BuildState {
  const index = path.join(outDir, 'index.html');
  let built: number;
  try {
    built = fs.statSync(index).mtimeMs;
  } catch {
    return { fresh: false, reason: 'missing' };
  }
  const newestSource = Math.max(...WINDOW_SOURCES.map((s) => newestMtimeMs(path.join(appRoot, s))));
  return newestSource > built ? { fresh: false, reason: 'stale' } : { fresh: true };
}

/** Runs the build; rejects with the tool's last lines when it fails. */
export type WindowBuilder = (appRoot: string) => Promise<void>;

/** `electron-vite build` with this Node, from the app root; its output is kept for errors only. */
export const electronViteBuild: WindowBuilder = (appRoot) =>
  new Promise((resolve, reject) => {
    const cli = path.join(appRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    if (!fs.existsSync(cli)) {
      reject(new KeywardenError('internal', `cannot build the window: ${cli} is missing; run npm install (or npm ci) first`));
      return;
    }
    const child = spawn(process.execPath, [cli, 'build', '--logLevel', 'error'], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => reject(new KeywardenError('internal', `cannot start the window build: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const tail = output.trim().split('\n').slice(-5).join(' | ');
        reject(new KeywardenError('internal', `building the window failed (electron-vite exit ${code}): ${tail || 'no output'}; run npm run build to see why`));
      }
    });
  });

export interface EnsureBuildOptions {
  appRoot: string;
  outDir: string;
  stderr: (text: string) => void;
  build?: WindowBuilder;
}

/** Builds the window when missing or stale; returns whether it built. */
export async function ensureWindowBuilt(options: EnsureBuildOptions): Promise<boolean> {
  const state = windowBuildState(options.appRoot, options.outDir);
  if (state.fresh) return false;
  const why = state.reason === 'missing' ? 'has not been built yet' : 'is older than its sources';
  options.stderr(`keywarden serve: the window ${why}; building it now (electron-vite build)…\n`);
  await (options.build ?? electronViteBuild)(options.appRoot);
  return true;
}
