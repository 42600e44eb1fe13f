/**
 * Key inventory and custody (CC6.1): for every tenant, who holds the key that wraps its
 * master keys, how it is wrapped, and whether the customer controls it. Key references
 * appear only as their last 12 characters, as in the audit trail.
 */
import { keySuffix } from '../../engine/redact';
import type { TenantRow, WrapMethod } from '../../store/rows';
import type { ReportSource } from './source';

export interface InventoryRow {
  tenant: string;
  wrap_method: WrapMethod;
  provider: string;
  key_ref_suffix: string;
  custodian: string;
  customer_controlled: boolean;
  active_version: number | null;
  versions: number;
  revoked_versions: number;
  sealed_since: string | null;
  sealed_permanently: boolean;
  tenant_created_at: string;
}

const PROVIDER_NAMES: Record<string, string> = { aws: 'AWS KMS', gcp: 'Google Cloud KMS', azure: 'Azure Key Vault', local: 'local software KMS', global: 'platform key' };

/** A sentence an auditor can read: whose hands the wrapping key is in. */
export function custodianOf(wrap: WrapMethod, provider: string): string {
  const name = PROVIDER_NAMES[provider] ?? provider;
  switch (wrap) {
    case 'customer_kms':
      return `Customer, in their own ${name} account`;
    case 'operator_kms':
      return `Operator, in the operator's ${name} account`;
    case 'local':
      return 'This Keywarden installation (key file in its data folder)';
    case 'global':
      return 'Keywarden host (MASTER_KEY_B64 environment variable)';
  }
}

export function gatherInventory(src: ReportSource): InventoryRow[] {
  const tenants = (src.tenant ? [src.tenant] : (src.db.prepare('SELECT * FROM tenants ORDER BY slug').all() as TenantRow[])).filter(
    (t) => t.created_at < src.period.to,
  );
  const versions = src.db.prepare<[string], { version: number; status: string }>('SELECT version, status FROM master_key_versions WHERE tenant_id = ?');
  return tenants.map((t) => {
    const vs = versions.all(t.id);
    return {
      tenant: t.slug,
      wrap_method: t.wrap_method,
      provider: t.provider,
      key_ref_suffix: keySuffix(t.kms_key_ref),
      custodian: custodianOf(t.wrap_method, t.provider),
      customer_controlled: t.wrap_method === 'customer_kms',
      active_version: vs.find((v) => v.status === 'active')?.version ?? null,
      versions: vs.length,
      revoked_versions: vs.filter((v) => v.status === 'revoked').length,
      sealed_since: t.sealed_since,
      sealed_permanently: t.sealed_permanently === 1,
      tenant_created_at: t.created_at,
    };
  });
}
