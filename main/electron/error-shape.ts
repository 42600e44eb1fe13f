/**
 * What an error may look like when it crosses IPC: `{ code, status, message }` from the
 * closed code set, plus `details` reduced to flat primitive values (the field that
 * failed, a reason, a count) so inline validation works. Never a stack, never a cause,
 * never an unknown error's text.
 */
import { ERROR_STATUS, toErrorData, type ErrorCode, type ErrorData } from '../../core/errors';

const MAX_MESSAGE = 1000;
const MAX_DETAIL_STRING = 300;

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}

function flatDetails(details: unknown): Record<string, string | number | boolean | null> | undefined {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === 'string') out[k] = v.slice(0, MAX_DETAIL_STRING);
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Reshapes ErrorData-like data (already shaped by dispatch) into exactly the allowed fields. */
export function shapeErrorData(data: Partial<ErrorData> | undefined): ErrorData {
  if (!data || !isErrorCode(data.code) || typeof data.message !== 'string') return toErrorData(undefined);
  const details = flatDetails(data.details);
  return {
    code: data.code,
    status: ERROR_STATUS[data.code],
    message: data.message.slice(0, MAX_MESSAGE),
    ...(details ? { details } : {}),
  };
}

/** Anything thrown → allowed shape (KeywardenErrors keep their code; the rest are `internal`). */
export function shapeError(e: unknown): ErrorData {
  return shapeErrorData(toErrorData(e));
}

export type IpcOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorData };

export function shapeOutcome(outcome: { ok: boolean; value?: unknown; error?: Partial<ErrorData> }): IpcOutcome {
  return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: shapeErrorData(outcome.error) };
}
