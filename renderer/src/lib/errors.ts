/**
 * Turns anything a call can throw into what the window shows: a people-readable title,
 * the engine's message, and the stable code in brackets, e.g.
 * "Step-up required (step_up_required)". Field errors keep the dotted field name
 * (`config.region`) so forms can place the reason next to the input.
 */
import type { ErrorCode } from '../../../core/errors';
import { ClientError } from '../../api/client';

const TITLES: Record<ErrorCode, string> = {
  invalid_input: 'Invalid input',
  step_up_required: 'Step-up required',
  step_up_invalid: 'Wrong passphrase',
  step_up_throttled: 'Too many wrong passphrases',
  endpoint_not_allowed: 'Endpoint not allowed',
  endpoint_allowlist_invalid: 'Endpoint allow-list file refused',
  unauthorized: 'Not authorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  not_sealed: 'Tenant is not sealed',
  conflict: 'Conflict',
  confirmation_mismatch: 'Confirmation does not match',
  records_remain: 'Records remain under this version',
  already_initialized: 'Already initialized',
  not_initialized: 'Not initialized',
  key_version_revoked: 'Key version revoked',
  decrypt_failed: 'Decryption failed',
  probe_failed: 'KMS probe failed',
  unseal_failed: 'Unseal failed',
  kms_error: 'KMS error',
  tenant_sealed: 'Tenant sealed',
  lease_held: 'Job lease held',
  database_tampered: 'Database tampered',
  audit_key_unavailable: 'Audit log key unavailable',
  checkpoint_rejected: 'Checkpoint rejected',
  database_from_future: 'Database from a newer Keywarden',
  secrets_locked: 'Installation secrets locked',
  secret_file_invalid: 'Sealed secret file refused',
  secret_file_conflict: 'Secret files disagree',
  backup_invalid: 'Backup archive refused',
  target_not_empty: 'Restore target not empty',
  internal: 'Internal error',
};

export interface ShownError {
  code: ErrorCode;
  title: string;
  message: string;
  /** Dotted field path from `details.field`, when the engine named one. */
  field?: string;
  /** The reason alone (without the field prefix), for inline field errors. */
  reason?: string;
  details?: Record<string, unknown>;
}

export function describeError(e: unknown): ShownError {
  if (e instanceof ClientError) {
    const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
    const reason = typeof e.details?.reason === 'string' ? e.details.reason : undefined;
    return {
      code: e.code,
      title: TITLES[e.code] ?? 'Error',
      message: e.message,
      ...(field ? { field } : {}),
      ...(reason ? { reason } : {}),
      ...(e.details ? { details: e.details } : {}),
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', title: TITLES.internal, message: message || 'something went wrong' };
}

/** "Step-up required (step_up_required)". */
export function errorHeadline(e: ShownError): string {
  return `${e.title} (${e.code})`;
}

/** One line for compact places: "Wrong passphrase (step_up_invalid): the operator passphrase does not match". */
export function errorLine(e: unknown): string {
  const shown = describeError(e);
  return `${errorHeadline(shown)}: ${shown.message}`;
}

/** Field errors keyed by dotted field, for forms that show them inline. */
export function fieldErrors(e: ShownError | null, fields: readonly string[]): Record<string, string> {
  if (!e || e.code !== 'invalid_input' || !e.field || !fields.includes(e.field)) return {};
  return { [e.field]: e.reason ?? e.message };
}
