/** What the API shows of engine rows: no wrapped key bytes, no credentials. */
export type { KeyVersionView, RecordView, TenantView };
import type { CredentialSourceView, KeyVersionView, RecordView, TenantView, VerifyError } from '../api/types';
import type { CredentialSourceInfo } from '../providers/types';
import type { KeyVersionRow, RecordRow, RecordTable, TenantRow } from '../store/rows';
import { keySuffix } from './redact';

/** The credential source as the API shows it; a long-lived one carries the warning text. */
export function credentialSourceView(info: CredentialSourceInfo | null | undefined): CredentialSourceView | null {
  if (!info) return null;
  return { source: info.source, long_lived: info.longLived, warning: info.longLived ? `long-lived credentials in use: ${info.source}` : null };
}

export function tenantView(
  t: TenantRow,
  activeVersion: number | null,
  counts: Record<RecordTable, number>,
  credentials: CredentialSourceView | null = null,
): TenantView {
  return {
    id: t.id,
    slug: t.slug,
    wrap_method: t.wrap_method,
    provider: t.provider,
    kms_key_ref: t.kms_key_ref,
    kms_key_ref_suffix: keySuffix(t.kms_key_ref),
    config: JSON.parse(t.kms_config) as Record<string, unknown>,
    customer_controlled: t.wrap_method === 'customer_kms',
    created_at: t.created_at,
    updated_at: t.updated_at,
    sealed_since: t.sealed_since,
    sealed_permanently: t.sealed_permanently === 1,
    last_verify_error: t.last_verify_error ? (JSON.parse(t.last_verify_error) as VerifyError) : null,
    credentials: t.wrap_method === 'customer_kms' ? credentials : null,
    active_version: activeVersion,
    record_counts: counts,
  };
}

export function keyVersionView(v: KeyVersionRow, recordCount: number): KeyVersionView {
  return {
    id: v.id,
    version: v.version,
    wrap_method: v.wrap_method,
    provider: v.provider,
    kms_key_ref_suffix: keySuffix(v.kms_key_ref),
    status: v.status,
    created_at: v.created_at,
    retired_at: v.retired_at,
    revoked_at: v.revoked_at,
    record_count: recordCount,
  };
}

export function recordView(table: RecordTable, r: RecordRow): RecordView {
  return { id: r.id, table, name: r.name, key_version: r.key_version, created_at: r.created_at, updated_at: r.updated_at };
}
