/**
 * One contract entry: input schema, summary, phantom result type, and `window`: whether
 * the desktop window and the web host may call it. The window's reach is this flag, read
 * by the preload, the IPC registration and the web host; nothing lists methods twice.
 */
import type { z } from 'zod';

export interface MethodSpec<I extends z.ZodType, R> {
  input: I;
  summary: string;
  /** True: reachable from the window (preload, IPC, web host). False: the CLI only. */
  window: boolean;
  /** Input fields the window may not send (the host fills them itself, e.g. report.export's `out`). */
  windowForbids?: readonly string[];
  /** Phantom: carries the result type. Never read at run time. */
  readonly result?: R;
}

export function method<R>() {
  return <I extends z.ZodType, const W extends boolean = false>(spec: { input: I; summary: string; window?: W; windowForbids?: readonly string[] }): MethodSpec<I, R> & { window: W } => ({
    ...spec,
    window: (spec.window ?? false) as W,
  });
}
