/**
 * Starting the engine's worker threads (engine-worker.ts): the audit log's page
 * verification and the evidence cross-check. The desktop app runs the entry electron-vite
 * built beside its main bundle; the CLI and the tests run the TypeScript source through
 * tsx's require hook. Every caller falls back to its own thread when no worker can start.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Where the worker entry lives: built JavaScript, or the TypeScript source plus tsx's require hook. */
export interface WorkerEntry {
  file: string;
  register?: string;
}

/** The built entry's file name beside the Electron main bundle (electron.vite.config.mts). */
export const BUILT_WORKER_FILE = 'engine-worker.js';

/** The TypeScript entry beside this module, when tsx is installed (development, tests, the CLI). */
export function sourceWorkerEntry(): WorkerEntry | null {
  // dirname(__filename), not __dirname: tsx's ESM loader sets __dirname to a data: URL.
  const file = path.join(path.dirname(__filename), 'engine-worker.ts');
  if (!fs.existsSync(file)) return null;
  try {
    return { file, register: createRequire(__filename).resolve('tsx/cjs') };
  } catch {
    return null;
  }
}

/** The entry a caller asked for; undefined means the TypeScript source, if it is here. */
export function resolveWorkerEntry(entry: WorkerEntry | null | undefined): WorkerEntry | null {
  return entry === undefined ? sourceWorkerEntry() : entry;
}

/**
 * Each worker's young generation, in MiB. V8's default lets each thread's nursery grow to
 * several times this, and with a cross-check's two threads that was a fifth of the
 * process's peak; at 16 the same run takes no longer (test/bench/crosscheck.bench.ts).
 */
const WORKER_YOUNG_GENERATION_MB = 16;

export function startWorker<T>(entry: WorkerEntry, data: T, limits: { maxOldGenerationSizeMb?: number } = {}): Worker {
  const options = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...limits } };
  if (!entry.register) return new Worker(entry.file, options);
  const boot = `require(${JSON.stringify(entry.register)}); require(${JSON.stringify(entry.file)});`;
  return new Worker(boot, { ...options, eval: true });
}
