/**
 * The evidence cross-check's shared vocabulary: one normalized shape for every provider's
 * audit record, the operations both sides are compared on, and the result classes.
 */

export type CloudProvider = 'aws' | 'gcp' | 'azure';
export const CLOUD_PROVIDERS: readonly CloudProvider[] = ['aws', 'gcp', 'azure'];

export function isCloudProvider(p: string): p is CloudProvider {
  return p === 'aws' || p === 'gcp' || p === 'azure';
}

/**
 * What a record did to the key, on both sides. `use` covers cryptographic uses the engine
 * never makes (Sign, ReEncrypt...); `read` metadata reads other than the engine's describe;
 * `key_state` administrative changes (DisableKey, ScheduleKeyDeletion, policy edits);
 * `auth` Key Vault's unauthenticated challenge round trip.
 */
export type EvidenceOperation = 'wrap' | 'unwrap' | 'describe' | 'generate_data_key' | 'use' | 'read' | 'key_state' | 'auth';

/** Operations that are key use: an unmatched one is the alarm. */
export const KEY_USE_OPERATIONS: ReadonlySet<EvidenceOperation> = new Set(['wrap', 'unwrap', 'generate_data_key', 'use']);

/** One provider audit record, normalized. `raw` keeps the record exactly as read. */
export interface NormalizedEvent {
  /** The provider's own unique id of the record (CloudTrail eventID, LogEntry insertId, Key Vault request id). */
  event_id: string;
  /** UTC ISO-8601 with milliseconds. */
  at: string;
  provider: CloudProvider;
  /** The key as the record names it (key ARN, CryptoKey path, vault key URL without version). */
  key_ref: string;
  operation: EvidenceOperation;
  /** The provider's own operation name (Decrypt, KeyUnwrap, ...). */
  provider_operation: string;
  principal: string | null;
  /** The AWS access key id the record names (CloudTrail `userIdentity.accessKeyId`); null elsewhere. */
  access_key_id: string | null;
  source_address: string | null;
  user_agent: string | null;
  /** The engine's `keywarden-cid/<id>` token when the record carries it. */
  correlation_id: string | null;
  /** The provider's request id (Key Vault: what kms_calls.provider_request_id holds). */
  request_id: string | null;
  outcome: 'ok' | 'failed';
  error_code: string | null;
  raw: string;
}

export const EVIDENCE_CLASSES = [
  'matched',
  'matched_weak',
  'principal_mismatch',
  'app_only_pending',
  'app_only_missing',
  'provider_only',
  'foreign_correlation',
  'failed_call',
  'key_event',
] as const;
/**
 * - matched: the provider's record carries the call's correlation id (or Key Vault's
 *   request id), with the same outcome and principal.
 * - matched_weak: no record carries the call's id, but one with no usable user agent has
 *   the same key, operation, outcome and principal, close in time. Reported apart: it is
 *   likely, not proven.
 * - principal_mismatch: the record of the engine's call names another principal.
 * - app_only_pending: no record yet, but the provider's delivery delay has not passed
 *   (or the log has not been read that far).
 * - app_only_missing: no record although it is past the delay: a logging gap.
 * - provider_only: key use the engine did not make. The alarm.
 * - foreign_correlation: a record carrying a Keywarden correlation id that no call of
 *   this installation made (another installation, or a replayed id).
 * - failed_call: the engine's call failed (kept apart: it proves no key use).
 * - key_event: reads and key-state changes the engine did not make (not key use).
 */
export type EvidenceClass = (typeof EVIDENCE_CLASSES)[number];

/** The User-Agent token the providers put on every call. */
const CID = /keywarden-cid\/([A-Za-z0-9._:-]{1,128})/;

export function correlationIdIn(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  return CID.exec(userAgent)?.[1] ?? null;
}

/** The engine's kms_calls operation in the comparison's vocabulary. */
export function appOperation(op: string): EvidenceOperation {
  // A checkpoint witness's write is an AWS KMS Encrypt: CloudTrail logs it as one.
  if (op === 'wrap' || op === 'probe_wrap' || op === 'witness') return 'wrap';
  if (op === 'unwrap' || op === 'probe_unwrap') return 'unwrap';
  if (op === 'describe') return 'describe';
  if (op.startsWith('review_')) return op === 'review_describe' ? 'describe' : 'read'; // the key access review's reads (issue 17)
  return 'use';
}

export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}
