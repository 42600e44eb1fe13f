/**
 * A full log verification spread over worker threads. Per entry, a verify costs SQLite
 * building its canonical text plus three SHA-256 calls, and Node's per-call overhead,
 * not the hashing, dominates: one thread cannot reach the 400k entries/s target, so
 * threads take aligned pages (page-check.ts) from a queue and this thread stitches their
 * subtree roots into the log's tree, checking every signed checkpoint on the way.
 *
 * It only ever proves a good log good: on any mismatch, a thread that fails to start, or
 * a database other threads cannot open (in memory), it answers null and the caller
 * verifies in its own thread, which names the first bad entry.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ChainVerification } from '../api/types';
import type { PageRequest, PageResult } from './page-check';
import { DEFAULT_PAGE_SIZE, planPages, stitchPages, type GoodPage } from './paged-verify';
import type { LogVerifyInput } from './verify-input';
import type { AuditVerifyJob } from '../workers/engine-worker';
import { resolveWorkerEntry, startWorker, type WorkerEntry } from '../workers/launch';

export interface ParallelVerifyOptions {
  /** Threads to use; below 2 the parallel path is off. Default: the cores, at most 4. */
  threads?: number;
  /** Logs shorter than this are verified in-thread: starting threads costs more. */
  minEntries?: number;
  /** Entries per page, a power of two. */
  pageSize?: number;
  nativeBinding?: string;
  /** The worker entry; null turns the parallel path off. Default: the TypeScript source, run through tsx. */
  worker?: WorkerEntry | null;
}

const DEFAULT_MIN_ENTRIES = 100_000;

/** One per core, at most 4: past that, SQLite reads and the stitching on this thread bound it. */
export function defaultVerifyThreads(): number {
  return Math.min(4, os.availableParallelism());
}

/**
 * `not_run`: no threads here (too few entries or cores, no worker, an in-memory
 * database, a worker that would not start or died). `not_proved`: a page or a root did
 * not check out, so there is something to name.
 */
export type ParallelOutcome = ChainVerification | 'not_run' | 'not_proved';

export async function verifyInParallel(input: LogVerifyInput, options: ParallelVerifyOptions = {}): Promise<ParallelOutcome> {
  const threads = options.threads ?? defaultVerifyThreads();
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const entry = resolveWorkerEntry(options.worker);
  if (threads < 2 || !entry || input.db.memory) return 'not_run';
  // Everything the pages are compared against is read now, before any thread starts.
  const plan = planPages(input, pageSize);
  if (!plan) return 'not_proved';
  if (plan.size < (options.minEntries ?? DEFAULT_MIN_ENTRIES)) return 'not_run';
  const data: AuditVerifyJob = { job: 'audit-verify', dbFile: input.db.name, pageSize, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) };
  const results = await runPages(entry, data, plan.pages, threads);
  if (typeof results === 'string') return results;
  return stitchPages(plan, results) ?? 'not_proved';
}

/** Hands pages to `threads` workers as each finishes one; stops at the first bad page or failed worker. */
function runPages(entry: WorkerEntry, data: AuditVerifyJob, pages: readonly PageRequest[], threads: number): Promise<GoodPage[] | 'not_run' | 'not_proved'> {
  return new Promise((resolve) => {
    const results: GoodPage[] = new Array<GoodPage>(pages.length);
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (value: GoodPage[] | 'not_run' | 'not_proved') => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      resolve(value);
    };
    const feed = (w: Worker) => {
      if (next < pages.length) w.postMessage(pages[next++]);
    };
    for (let i = 0; i < Math.min(threads, pages.length); i++) {
      let w: Worker;
      try {
        w = startWorker(entry, data);
      } catch {
        finish('not_run');
        return;
      }
      workers.push(w);
      w.on('message', (r: PageResult) => {
        if (!r.ok) return finish('not_proved');
        results[Math.floor((r.lo - 1) / data.pageSize)] = r;
        if (++done === pages.length) return finish(results);
        feed(w);
      });
      w.on('error', () => finish('not_run'));
      w.on('exit', () => finish('not_run'));
      feed(w);
    }
  });
}
