/**
 * The one entry every host calls: validates the input against the contract's schema,
 * runs the handler, and shapes the outcome as `{ ok, value } | { ok: false, error }`.
 * Errors leave as ErrorData: a stable code, a status, a message; no stack, no secret.
 */
import type { Caller } from '../engine/audit-trail';
import { KeywardenError, toErrorData, type ErrorData } from '../errors';
import { fieldPath } from '../providers/parse-config';
import { contract, isMethodName, type MethodName, type MethodResult } from './contract';
import type { Handlers } from './handlers';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export function validateInput(method: MethodName, raw: unknown): unknown {
  const result = contract[method].input.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const field = fieldPath('', [...issue.path, issue.keys[0] ?? '']);
    throw new KeywardenError('invalid_input', `${field}: unknown field`, { field, reason: 'unknown field' });
  }
  const field = fieldPath('', issue.path) || 'input';
  throw new KeywardenError('invalid_input', `${field}: ${issue.message}`, { field, reason: issue.message });
}

export async function dispatch<K extends MethodName>(handlers: Handlers, method: K | string, raw: unknown, caller: Caller): Promise<Outcome<MethodResult<K>>> {
  try {
    if (!isMethodName(method)) throw new KeywardenError('not_found', `no method "${method}"`);
    const input = validateInput(method, raw);
    const handler = handlers[method] as (i: unknown, c: Caller) => Promise<unknown> | unknown;
    return { ok: true, value: (await handler(input, caller)) as MethodResult<K> };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}
