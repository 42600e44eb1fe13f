/**
 * Moving a tenant onto another wrapping key (onboarding onto the customer's KMS key,
 * offboarding back to a platform key): the tenant's key settings, its previous version
 * retired, the new one active, and a rewrap queued onto it when older versions hold
 * records. Runs inside the caller's transaction, next to the caller's own audit entries.
 */
import type { KeyVersionRow, TenantRow } from '../store/rows';
import type { EngineContext } from './context';
import { queueRewrap } from './rewrap-queue';

export type TenantKeySettings = Pick<TenantRow, 'wrap_method' | 'provider' | 'kms_key_ref' | 'kms_config'>;

/** Returns the rewrap job's lease id, or null when there was no previous version. */
export function switchTenantKey(ctx: EngineContext, tenantId: string, settings: TenantKeySettings, previous: KeyVersionRow | undefined, next: KeyVersionRow, now: string): number | null {
  ctx.store.updateTenantKms(tenantId, { ...settings, updated_at: now });
  if (previous) ctx.store.retireKeyVersion(tenantId, previous.version, now);
  ctx.store.insertKeyVersion(next);
  return previous ? queueRewrap(ctx, tenantId, next.version) : null;
}
