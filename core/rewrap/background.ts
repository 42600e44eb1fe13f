/**
 * The hosts' background rewrap: after the engine opens, runnable jobs (queued, paused for
 * shutdown, left by a dead worker, paused by a seal since lifted) run to the end, then
 * the runner sleeps and looks again. `stop()` aborts: the job in flight pauses with
 * reason `shutdown` after its current batch and resumes on the next start.
 *
 * It runs in the host's own process, on purpose: it shares the engine's master-key
 * cache (one provider call per version) and its database connection, and it yields to
 * the event loop after every batch (sized to about 20 ms of work), so IPC and HTTP
 * stay responsive.
 */
import type { EngineContext } from '../engine/context';
import { runPendingRewraps } from './runner';
import { realTimer, type RewrapOptions, type RewrapProgress, type RewrapRunResult, type RewrapTimer } from './types';

/** How often an idle runner looks for new jobs (a rotation, an unseal, a lapsed lease). */
export const BACKGROUND_POLL_MS = 5_000;

export interface BackgroundRewrapOptions {
  pollMs?: number;
  timer?: RewrapTimer;
  /** Options every job runs with (pace, batch size, owner); signal and timer are the runner's. */
  job?: Omit<RewrapOptions, 'signal' | 'timer'>;
  onProgress?: (p: RewrapProgress) => void;
  onResult?: (r: RewrapRunResult) => void;
  /** An unexpected failure of one pass; the runner carries on at the next poll. */
  onError?: (e: unknown) => void;
}

export interface BackgroundRewrap {
  /** Resolves when the loop has stopped and no batch is in flight. */
  stop(): Promise<void>;
  /** Wakes an idle runner now (e.g. right after a rotation or an unseal). */
  poke(): void;
  /** Completed passes over the runnable jobs, for tests and diagnostics. */
  readonly passes: number;
}

export function startBackgroundRewrap(ctx: EngineContext, opts: BackgroundRewrapOptions = {}): BackgroundRewrap {
  const timer = opts.timer ?? realTimer;
  const pollMs = opts.pollMs ?? BACKGROUND_POLL_MS;
  const abort = new AbortController();
  let wake: AbortController | null = null;
  let poked = false;
  let passes = 0;

  /** Sleeps until the poll, a poke or stop; a poke or stop cancels the sleep's timer. */
  const idle = async (): Promise<void> => {
    if (poked || abort.signal.aborted) {
      poked = false;
      return;
    }
    const w = (wake = new AbortController());
    await timer.sleep(pollMs, w.signal);
    if (wake === w) wake = null;
  };

  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const results = await runPendingRewraps(ctx, {
          ...opts.job,
          waitForUnlock: true,
          timer,
          signal: abort.signal,
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        });
        for (const r of results) opts.onResult?.(r);
      } catch (e) {
        opts.onError?.(e);
      }
      passes++;
      if (abort.signal.aborted) break;
      await idle();
    }
  };

  const done = loop();
  return {
    async stop() {
      abort.abort();
      wake?.abort();
      await done;
    },
    poke() {
      if (wake) wake.abort();
      else poked = true; // mid-pass: look again right after it
    },
    get passes() {
      return passes;
    },
  };
}
