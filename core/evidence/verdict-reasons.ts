/**
 * Why the cross-check gave each verdict: a small code stored with every result row
 * (evidence_results.reason), spelled out with the row's own facts when it is read.
 * The order is part of the stored format: append, never reorder.
 */
export const VERDICT_REASONS = [
  'none',
  /** matched: the record carries the call's correlation id. */
  'correlation_id',
  /** matched: Key Vault's request id of the call is the record's. */
  'request_id',
  /** matched_weak: a record with no usable user agent, same key, operation, outcome and principal, close in time. */
  'time_window',
  /** principal_mismatch: the record of the engine's call names another principal. */
  'principal_differs',
  /** principal_mismatch: the engine's principal is unknown, but the record was signed with another access key. */
  'access_key_differs',
  /** app_only_pending: the provider's delivery delay has not passed yet. */
  'within_delivery_delay',
  /** app_only_pending: the provider's log has not been read that far. */
  'log_not_read_that_far',
  /** app_only_missing: past the delay, the log read, and no record of the call. */
  'no_record',
  /** app_only_*: the provider's records of this call (by its id) all show a failure. */
  'records_show_failure',
  /** failed_call: the engine's own call failed. */
  'engine_call_failed',
  /** provider_only / key_event: another client's user agent, no Keywarden marker. */
  'foreign_user_agent',
  /** provider_only / key_event: no user agent, and no engine call it could be. */
  'no_user_agent',
  /** provider_only / key_event: a cut Keywarden marker that no call of this installation carries. */
  'truncated_marker',
  /** foreign_correlation: a complete Keywarden marker that no call of this installation made. */
  'unknown_correlation_id',
] as const;

export type VerdictReason = (typeof VERDICT_REASONS)[number];

const CODE = new Map(VERDICT_REASONS.map((r, i) => [r, i]));

export function reasonCode(r: VerdictReason): number {
  return CODE.get(r)!;
}

export function reasonOf(code: number | null | undefined): VerdictReason {
  return VERDICT_REASONS[code ?? 0] ?? 'none';
}
