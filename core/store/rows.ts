/** Row shapes as the store returns them. Times are UTC ISO-8601 strings. */
import type { RecordTable } from '../crypto/bindings';

export type WrapMethod = 'global' | 'local' | 'operator_kms' | 'customer_kms';
export type KeyStatus = 'active' | 'retired' | 'revoked';

export interface TenantRow {
  id: string;
  slug: string;
  wrap_method: WrapMethod;
  provider: string;
  kms_key_ref: string;
  /** JSON of the parsed provider config: never a credential value. */
  kms_config: string;
  created_at: string;
  updated_at: string;
  sealed_since: string | null;
  /** JSON `{ provider, reason, message, at }` of the last failed verification. */
  last_verify_error: string | null;
  sealed_permanently: number;
}

export interface KeyVersionRow {
  id: string;
  tenant_id: string;
  version: number;
  wrap_method: WrapMethod;
  provider: string;
  kms_key_ref: string;
  /** The provider config this version was wrapped with, so it can be unwrapped after the tenant moves to another KMS. */
  kms_config: string;
  wrapped_key: Buffer | null;
  status: KeyStatus;
  created_at: string;
  retired_at: string | null;
  revoked_at: string | null;
}

export interface RecordRow {
  id: string;
  tenant_id: string;
  name: string;
  key_version: number;
  wrapped_dek: Buffer;
  ciphertext: Buffer;
  /** Which payload binding sealed it (crypto/bindings.ts): 1 without the name, 2 with it. */
  binding_version: number;
  created_at: string;
  updated_at: string;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  address: string;
  action: string;
  tenant_id: string | null;
  payload: string;
  prev_hash: Buffer;
  entry_hash: Buffer;
}

export type RewrapState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'expired' | 'superseded';

export interface RewrapJobRow {
  lease_id: number;
  tenant_id: string;
  target_version: number;
  state: RewrapState;
  created_at: string;
  updated_at: string;
  lease_expires_at: string;
  lease_owner: string | null;
  heartbeat_at: string | null;
  processed: number;
  skipped: number;
  failed: number;
  total: number;
  last_error: string | null;
  cursor_secret: string;
  cursor_integration: string;
  finished_at: string | null;
}

export interface KmsCallRow {
  id: number;
  at: string;
  tenant_id: string;
  provider: string;
  key_ref: string;
  key_version: number;
  operation: string;
  correlation_id: string;
  principal: string | null;
  /** How the principal was learnt, or why it is unknown. */
  principal_note: string | null;
  /** AWS access key id the call was signed with (never the secret); null for other providers. */
  access_key_id: string | null;
  provider_key_id: string | null;
  provider_request_id: string | null;
  outcome: 'ok' | 'access_denied' | 'unreachable' | 'key_disabled' | 'invalid_key' | 'throttled' | 'error';
  error_message: string | null;
  /** Set when a drill's fault layer made this call fail (simulated, not a real failure). */
  drill_id?: string | null;
  duration_ms: number;
}

export const RECORD_TABLES: readonly RecordTable[] = ['secret_environment_configs', 'integration_configs'];
export type { RecordTable };
