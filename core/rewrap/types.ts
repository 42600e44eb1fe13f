/** Options, results and defaults of the rewrap worker (issue 4, seed 000 without its throttle). */
import { performance } from 'node:perf_hooks';
import type { Caller } from '../engine/audit-trail';
import type { RewrapJobRecord } from '../store/keyring-store';

/**
 * Batches are sized by time unless a size is given: each batch's transaction aims at
 * TARGET_BATCH_MS, so the event loop (the window, the API) waits at most about that long
 * and a crash loses at most one such batch. Sizes stay within MIN/MAX_AUTO_BATCH_SIZE.
 */
export const TARGET_BATCH_MS = 20;
export const FIRST_AUTO_BATCH_SIZE = 200;
export const MIN_AUTO_BATCH_SIZE = 20;
export const MAX_AUTO_BATCH_SIZE = 5_000;
/** A fixed batch size (`--batch-size`) is clamped to this range. */
export const MIN_BATCH_SIZE = 2;
export const MAX_BATCH_SIZE = 10_000;
/** A worker writes its heartbeat at every batch, and at least this often while it waits. */
export const HEARTBEAT_MS = 10_000;
/** A lease whose heartbeat is older than this has expired: another worker may take it over. */
export const LEASE_STALE_MS = 60_000;
export const DEFAULT_RETRY = { attempts: 4, baseMs: 250, maxMs: 5_000 } as const;

/** Real time for pacing, backoff and rows/s; injectable so tests never wait. */
export interface RewrapTimer {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`, or early (and without a pending timer) once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTimer: RewrapTimer = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface RewrapProgress {
  lease_id: number;
  tenant_id: string;
  target_version: number;
  state: string;
  processed: number;
  skipped: number;
  failed: number;
  total: number;
  rows_per_s: number | null;
  eta_seconds: number | null;
}

export interface RewrapOptions {
  /** Rows per batch, split between the two tables; unset: sized by time (TARGET_BATCH_MS a batch). */
  batchSize?: number;
  /** Share of a batch taken from secret_environment_configs; default 0.5 (the seed's 50/50). */
  secretShare?: number;
  /** Rows per second; 0 or null: unlimited. Undefined keeps the job's stored pace. */
  paceRowsPerSecond?: number | null;
  heartbeatMs?: number;
  staleAfterMs?: number;
  retry?: { attempts: number; baseMs: number; maxMs: number };
  timer?: RewrapTimer;
  /** Aborting stops the worker cleanly after the batch in flight: the job pauses (`shutdown`) and resumes on the next run. */
  signal?: AbortSignal;
  /** Called after every committed batch (and at the end). Awaited: a slow listener slows the worker. */
  onProgress?: (p: RewrapProgress) => void | Promise<void>;
  /** Lease owner id; default `<host>:<pid>:<random>`. */
  owner?: string;
  /** Who the audit entries name; default the engine's own caller. */
  caller?: Caller;
}

/** How one run of the worker ended. */
export type RewrapOutcome = 'done' | 'failed' | 'paused' | 'superseded' | 'expired' | 'lost_lease';

export interface RewrapRunResult {
  job: RewrapJobRecord;
  outcome: RewrapOutcome;
}
