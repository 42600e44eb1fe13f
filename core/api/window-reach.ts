/**
 * The window's reach: the renderer subset of the contract (entries flagged `window`),
 * derived from it, and the one gate the desktop IPC and the web host pass a window's
 * call through. A method outside the subset does not exist for the window (`record.get`,
 * plaintext out, is CLI-only); a field the window may not send (report.export's `out`:
 * where files are written is the host's choice) is refused, not ignored.
 */
import type { Caller } from '../engine/audit-trail';
import { KeywardenError, toErrorData } from '../errors';
import { contract, isMethodName, METHOD_NAMES, type MethodName } from './contract';
import { dispatch, type Outcome } from './dispatch';
import type { Handlers } from './handlers';

type WindowFlagged = { [K in MethodName]: (typeof contract)[K]['window'] extends true ? K : never }[MethodName];
export type WindowMethodName = WindowFlagged;

export const WINDOW_METHOD_NAMES: readonly WindowMethodName[] = METHOD_NAMES.filter((m): m is WindowMethodName => contract[m].window);

export function isWindowMethod(name: string): name is WindowMethodName {
  return isMethodName(name) && contract[name].window;
}

/** Fills or checks a window call's input before dispatch (the desktop's save dialog for report.export). */
export type WindowInputHook = (method: WindowMethodName, input: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>;

export async function dispatchFromWindow(handlers: Handlers, method: string, raw: unknown, caller: Caller, hook?: WindowInputHook): Promise<Outcome<unknown>> {
  try {
    if (!isWindowMethod(method)) throw new KeywardenError('not_found', `no method "${method}" for the window`);
    let input = (raw ?? {}) as Record<string, unknown>;
    for (const field of contract[method].windowForbids ?? []) {
      if (typeof input === 'object' && input !== null && field in input) {
        throw new KeywardenError('invalid_input', `${field}: the window does not choose this; the app does (${method})`, { field, reason: 'not accepted from the window' });
      }
    }
    if (hook) input = await hook(method, input);
    return await dispatch(handlers, method, input, caller);
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}
