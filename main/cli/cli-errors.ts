/**
 * How the CLI reports an error: one line, `error [code]: message` (or one JSON document
 * with --json). A stack trace says nothing to an operator and can carry paths and
 * values, so it is printed only when KEYWARDEN_DEBUG=1 asks for it.
 */
import { KeywardenError, toErrorData, type ErrorData } from '../../core/errors';
import { EXIT_FAILED } from './exit-codes';

export interface ErrorOutput {
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const INTERNAL_HINT = 'internal error: rerun with KEYWARDEN_DEBUG=1 to see where it failed, and report it with that output';

export function printError(io: ErrorOutput, json: boolean, error: ErrorData): number {
  if (json) io.stderr(JSON.stringify({ error }) + '\n');
  else io.stderr(`error [${error.code}]: ${error.message}\n`);
  return EXIT_FAILED;
}

/** Anything thrown: a KeywardenError keeps its code and message; anything else is `internal`. */
export function printThrown(io: ErrorOutput, json: boolean, e: unknown): number {
  if (e instanceof KeywardenError) return printError(io, json, e.toData());
  if (io.env.KEYWARDEN_DEBUG === '1') io.stderr(`${(e as Error)?.stack ?? String(e)}\n`);
  return printError(io, json, { ...toErrorData(e), message: INTERNAL_HINT });
}
