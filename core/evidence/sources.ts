/**
 * Which provider logs to read for a tenant: one source per cloud key the tenant's master
 * key versions were ever wrapped with (a tenant that moved keys keeps its old key's
 * evidence), with the provider config to read it with (the latest one for that key).
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { TenantRow } from '../store/rows';
import { isCloudProvider, type CloudProvider } from './types';

export interface SourceSpec {
  source_id: string;
  tenant_id: string;
  tenant_slug: string;
  provider: CloudProvider;
  key_ref: string;
  /** JSON of the provider config: credentials come from it, as for the KMS calls. */
  kms_config: string;
}

export function sourceIdFor(tenantId: string, provider: string, keyRef: string): string {
  return `src_${createHash('sha256').update(`${tenantId}\n${provider}\n${keyRef}`).digest('hex').slice(0, 16)}`;
}

export function sourcesFor(db: Database, tenant: TenantRow): SourceSpec[] {
  const refs = new Map<string, { provider: CloudProvider; key_ref: string; kms_config: string }>();
  const add = (provider: string, key_ref: string, kms_config: string) => {
    if (!isCloudProvider(provider)) return;
    const id = `${provider}\n${key_ref}`;
    if (!refs.has(id)) refs.set(id, { provider, key_ref, kms_config });
  };
  add(tenant.provider, tenant.kms_key_ref, tenant.kms_config);
  const versions = db
    .prepare('SELECT provider, kms_key_ref, kms_config FROM master_key_versions WHERE tenant_id = ? ORDER BY version DESC')
    .all(tenant.id) as { provider: string; kms_key_ref: string; kms_config: string }[];
  for (const v of versions) add(v.provider, v.kms_key_ref, v.kms_config);
  return [...refs.values()].map((r) => ({ ...r, tenant_id: tenant.id, tenant_slug: tenant.slug, source_id: sourceIdFor(tenant.id, r.provider, r.key_ref) }));
}
