/**
 * Offboarding: a tenant leaves the customer's KMS key for a platform key (local or
 * global), as when a customer ends BYOK. A new master key version wrapped by the platform
 * key is active at once, the customer-wrapped version is retired, and a rewrap moves every
 * record onto the new version. Until the rewrap is done the retired versions still unwrap
 * through the customer's key, so its grant must stay in place until then. Refused while
 * the tenant is sealed, as a rotation is; needs step-up (rotate).
 */
import type { OffboardResult } from '../api/types';
import { isoAt } from '../clock';
import { invalidInput, KeywardenError } from '../errors';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import { makeKeyVersion, sealedError } from './master-keys';
import { MasterKeyCache } from './master-key-cache';
import { keySuffix } from './redact';
import { switchTenantKey } from './key-switch';
import { requireTenant, ttlFor, wrapMethodFor } from './tenant-lookup';
import { viewOf } from './tenants';

export async function offboard(ctx: EngineContext, caller: Caller, tenantSlug: string, to: 'local' | 'global', stepUpToken: string | undefined): Promise<OffboardResult> {
  ctx.stepUp.require(stepUpToken, 'offboard', tenantSlug, caller);
  const tenant = requireTenant(ctx.store, tenantSlug);
  if (tenant.wrap_method !== 'customer_kms') {
    throw invalidInput('tenant', `"${tenant.slug}" is not on a customer KMS key (its keys are wrapped by the ${tenant.wrap_method} key): there is nothing to offboard`);
  }
  if (tenant.sealed_since !== null) throw sealedError(tenant);
  const parsed = ctx.gateway.factory(to)!.parseConfig({ provider: to, kms_key_ref: '', config: {} });
  const ref = { provider: to, kms_key_ref: parsed.kms_key_ref, kms_config: JSON.stringify(parsed.config) };
  const previous = ctx.store.activeKeyVersion(tenant.id);
  const nextVersion = (ctx.store.keyVersions(tenant.id)[0]?.version ?? 0) + 1;
  // Wrap first: if the platform key cannot wrap (e.g. MASTER_KEY_B64 unset), nothing is written.
  const { row, key } = await makeKeyVersion(ctx, tenant.id, ref, nextVersion).catch((e: unknown) => {
    if (e instanceof KeywardenError && e.code === 'secrets_locked') throw e; // says how to unlock
    throw new KeywardenError('probe_failed', `could not create master key version ${nextVersion} with the ${to} key: ${(e as Error).message}`, { field: 'to' });
  });
  const now = isoAt(ctx.clock);
  const leaseId = ctx.store.transaction(() => {
    const lease = switchTenantKey(ctx, tenant.id, { wrap_method: wrapMethodFor(to), provider: to, kms_key_ref: ref.kms_key_ref, kms_config: ref.kms_config }, previous, row, now);
    ctx.audit.append(caller, 'tenant-kms.disabled', tenant.id, {
      tenant: tenant.slug,
      provider: tenant.provider,
      from_key_id_suffix: keySuffix(tenant.kms_key_ref),
      new_version: nextVersion,
      wrap_method: row.wrap_method,
      rewrap_lease_id: lease,
    });
    return lease;
  });
  ctx.cache.put(MasterKeyCache.keyFor(tenant.id, nextVersion), key, ttlFor(row.wrap_method));
  return { tenant: viewOf(ctx, ctx.store.tenantById(tenant.id)!), new_version: nextVersion, rewrap_lease_id: leaseId };
}
