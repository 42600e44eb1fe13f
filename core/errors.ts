/**
 * Typed errors with stable codes. Every error that leaves the engine is a
 * KeywardenError: the code is for programs, the message for people, the status is
 * HTTP-like so the web host and the CLI can map it without a second table.
 * Messages never carry key material, secrets or credential values.
 */

export const ERROR_STATUS = {
  invalid_input: 400,
  step_up_required: 401,
  step_up_invalid: 401,
  step_up_throttled: 429,
  endpoint_not_allowed: 403,
  endpoint_allowlist_invalid: 412,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  not_sealed: 409,
  conflict: 409,
  confirmation_mismatch: 409,
  records_remain: 409,
  already_initialized: 409,
  not_initialized: 412,
  key_version_revoked: 410,
  decrypt_failed: 422,
  probe_failed: 424,
  unseal_failed: 502,
  kms_error: 502,
  tenant_sealed: 503,
  lease_held: 423,
  database_tampered: 500,
  audit_key_unavailable: 500,
  checkpoint_rejected: 422,
  database_from_future: 500,
  secrets_locked: 423,
  secret_file_invalid: 422,
  secret_file_conflict: 409,
  backup_invalid: 422,
  target_not_empty: 409,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorData {
  code: ErrorCode;
  status: number;
  message: string;
  /** Structured, non-secret details: the field that failed, a reason, a count. */
  details?: Record<string, unknown>;
}

export class KeywardenError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'KeywardenError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    if (details !== undefined) this.details = details;
  }

  toData(): ErrorData {
    return {
      code: this.code,
      status: this.status,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isKeywardenError(e: unknown): e is KeywardenError {
  return e instanceof KeywardenError;
}

/** A refused input: names the field (dotted path) and the reason. */
export function invalidInput(field: string, reason: string): KeywardenError {
  return new KeywardenError('invalid_input', `${field}: ${reason}`, { field, reason });
}

/**
 * Shapes anything thrown into ErrorData for a boundary (IPC, HTTP, CLI). Unknown errors
 * become `internal` with a generic message: their text may hold anything.
 */
export function toErrorData(e: unknown): ErrorData {
  if (isKeywardenError(e)) return e.toData();
  return { code: 'internal', status: 500, message: 'internal error (see the application log)' };
}
