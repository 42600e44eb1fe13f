/**
 * Wraps every contract handler so that an unexpected error (not a KeywardenError) is
 * logged before dispatch turns it into a bare `internal`. The log line carries the
 * method, the error's class and its stack frames, never its message or the input: an
 * unknown error's text may hold anything, including what was being decrypted.
 */
import { METHOD_NAMES } from '../../core/api/contract';
import type { Handlers } from '../../core/api/handlers';
import { isKeywardenError } from '../../core/errors';

export type LogLine = (line: string) => void;

export const stderrLog: LogLine = (line) => {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
};

export function describeUnexpected(method: string, e: unknown): string {
  const name = e instanceof Error ? e.name : typeof e;
  const frames = e instanceof Error && e.stack ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 8) : [];
  return [`keywarden: internal error in ${method} (${name})`, ...frames].join('\n');
}

export function loggedHandlers(handlers: Handlers, log: LogLine, host: string): Handlers {
  const wrapped: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    const handler = handlers[method] as (input: unknown, caller: unknown) => unknown;
    wrapped[method] = async (input: unknown, caller: unknown) => {
      try {
        return await handler(input, caller);
      } catch (e) {
        if (!isKeywardenError(e)) log(`[${host}] ${describeUnexpected(method, e)}`);
        throw e;
      }
    };
  }
  return wrapped as Handlers;
}
