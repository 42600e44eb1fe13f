import { KeywardenError } from '../errors';
import type { KeyringStore } from '../store/keyring-store';
import type { TenantRow, WrapMethod } from '../store/rows';

/** Finds a tenant by slug (or id), or says which one was not found. */
export function requireTenant(store: KeyringStore, slugOrId: string): TenantRow {
  const t = store.tenantBySlug(slugOrId) ?? store.tenantById(slugOrId);
  if (!t) throw new KeywardenError('not_found', `no tenant "${slugOrId}"`, { tenant: slugOrId });
  return t;
}

export const CUSTOMER_KMS_TTL_MS = 5 * 60_000;
export const DEFAULT_TTL_MS = 60 * 60_000;

/** Master-key cache TTL and agent session TTL: 5 minutes for customer KMS, 1 hour otherwise. */
export function ttlFor(wrapMethod: WrapMethod): number {
  return wrapMethod === 'customer_kms' ? CUSTOMER_KMS_TTL_MS : DEFAULT_TTL_MS;
}

export function wrapMethodFor(provider: string): WrapMethod {
  if (provider === 'local') return 'local';
  if (provider === 'global') return 'global';
  return 'customer_kms';
}
