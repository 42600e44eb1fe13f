/**
 * What the long-lived hosts (Electron main, the loopback web host) add around the
 * engine's background rewrap: a log line per finished run, a wake-up right after the
 * calls that queue or release a job (so a rotation's rewrap starts at once, not at the
 * next poll), and a clean stop on close (the job in flight pauses as `shutdown`).
 */
import type { MethodName } from '../core/api/contract';
import type { Handlers } from '../core/api/handlers';
import type { EngineContext } from '../core/engine/context';
import { startBackgroundRewrap, type BackgroundRewrap, type BackgroundRewrapOptions } from '../core/rewrap/background';

/** Calls after which runnable rewrap work may exist (an unseal frees jobs paused by the seal). */
const WAKING_METHODS: readonly MethodName[] = ['keys.rotate', 'kms.onboard', 'rewrap.resume', 'tenant.unseal'];

export interface HostRewrap {
  handlers: Handlers;
  stop(): Promise<void>;
}

export function startHostRewrap(ctx: EngineContext, handlers: Handlers, log: (line: string) => void, host: string, options: BackgroundRewrapOptions = {}): HostRewrap {
  const runner: BackgroundRewrap = startBackgroundRewrap(ctx, {
    onResult: (r) => log(`[${host}] rewrap job ${r.job.lease_id}: ${r.outcome} (${r.job.processed} moved, ${r.job.skipped} skipped, ${r.job.failed} failed of ${r.job.total})`),
    // The class only: an unexpected error's text may hold anything.
    onError: (e) => log(`[${host}] background rewrap pass failed (${e instanceof Error ? e.name : typeof e}); retrying at the next poll`),
    ...options,
  });
  const wrapped = { ...handlers } as Record<MethodName, (input: unknown, caller: unknown) => unknown>;
  for (const method of WAKING_METHODS) {
    const inner = handlers[method] as (input: unknown, caller: unknown) => unknown;
    wrapped[method] = async (input, caller) => {
      const out = await inner(input, caller);
      runner.poke();
      return out;
    };
  }
  return { handlers: wrapped as Handlers, stop: () => runner.stop() };
}
