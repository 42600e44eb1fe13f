/**
 * Master key versions: making a new one (32 random bytes wrapped by the tenant's KMS),
 * and getting one unwrapped through the cache. When the ACTIVE version cannot be
 * unwrapped, the tenant is sealed (seed 002), and the seal is audited (unlike the seeds).
 */
import type { VerifyError } from '../api/types';
export type { VerifyError };
import { randomUUID } from 'node:crypto';
import { randomKey } from '../crypto/aead';
import { KeywardenError } from '../errors';
import { KmsError } from '../providers/types';
import type { KeyVersionRow, TenantRow } from '../store/rows';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import type { ProviderRef } from './kms-gateway';
import { MasterKeyCache } from './master-key-cache';
import { keySuffix } from './redact';
import { ttlFor, wrapMethodFor } from './tenant-lookup';

export function refOf(t: Pick<TenantRow, 'provider' | 'kms_key_ref' | 'kms_config'>): ProviderRef {
  return { provider: t.provider, kms_key_ref: t.kms_key_ref, kms_config: t.kms_config };
}

/** Generates and wraps a new master key; returns the row to insert and the plaintext key for the cache. */
export async function makeKeyVersion(
  ctx: EngineContext,
  tenantId: string,
  ref: ProviderRef,
  version: number,
): Promise<{ row: KeyVersionRow; key: Buffer }> {
  const key = randomKey();
  const wrapped = await ctx.gateway.call(ref, tenantId, version, 'wrap', (p, c) => p.wrap(key, c));
  const row: KeyVersionRow = {
    id: randomUUID(),
    tenant_id: tenantId,
    version,
    wrap_method: wrapMethodFor(ref.provider),
    provider: ref.provider,
    kms_key_ref: ref.kms_key_ref,
    kms_config: ref.kms_config,
    wrapped_key: wrapped.ciphertext,
    status: 'active',
    created_at: new Date(ctx.clock.now()).toISOString(),
    retired_at: null,
    revoked_at: null,
  };
  return { row, key };
}

export function revokedError(tenant: TenantRow, v: KeyVersionRow, what: string): KeywardenError {
  return new KeywardenError(
    'key_version_revoked',
    `${what} was encrypted under master key version ${v.version} of tenant "${tenant.slug}", revoked at ${v.revoked_at}: it is permanently unreadable (cryptographic erasure)`,
    { tenant: tenant.slug, version: v.version, revoked_at: v.revoked_at },
  );
}

export function sealedError(tenant: TenantRow): KeywardenError {
  const err = tenant.last_verify_error ? (JSON.parse(tenant.last_verify_error) as VerifyError) : undefined;
  const why = tenant.sealed_permanently ? 'its active master key version was revoked (permanent)' : err ? `${err.provider}: ${err.reason} — ${err.message}` : 'the KMS could not be verified';
  return new KeywardenError('tenant_sealed', `tenant "${tenant.slug}" is sealed since ${tenant.sealed_since}: ${why}`, {
    tenant: tenant.slug,
    sealed_since: tenant.sealed_since,
    permanent: tenant.sealed_permanently === 1,
    ...(err ? { reason: err.reason } : {}),
  });
}

/** Records the seal (once) and audits it. */
export function sealTenant(ctx: EngineContext, tenant: TenantRow, error: KmsError, caller: Caller): TenantRow {
  const now = new Date(ctx.clock.now()).toISOString();
  const verify: VerifyError = {
    provider: error.provider,
    reason: error.reason,
    message: error.message,
    ...(error.providerCode ? { provider_code: error.providerCode } : {}),
    at: now,
  };
  return ctx.store.transaction(() => {
    const fresh = ctx.store.tenantById(tenant.id)!;
    const alreadySealed = fresh.sealed_since !== null;
    ctx.store.setTenantSeal(tenant.id, {
      sealed_since: fresh.sealed_since ?? now,
      last_verify_error: JSON.stringify(verify),
      sealed_permanently: fresh.sealed_permanently,
    });
    if (!alreadySealed) {
      ctx.audit.append(caller, 'byok.kms.seal', tenant.id, {
        tenant: tenant.slug,
        provider: error.provider,
        reason: error.reason,
        provider_code: error.providerCode ?? null,
        key_ref: keySuffix(fresh.kms_key_ref),
      });
    }
    return ctx.store.tenantById(tenant.id)!;
  });
}

/**
 * The unwrapped master key for one version. Cached; a miss makes one provider call.
 * While sealed, a miss does not call the provider (the unseal path does): it throws.
 */
export async function unwrappedKey(ctx: EngineContext, tenant: TenantRow, v: KeyVersionRow, what = 'this data'): Promise<Buffer> {
  if (v.status === 'revoked' || v.wrapped_key === null) throw revokedError(tenant, v, what);
  const cacheKey = MasterKeyCache.keyFor(tenant.id, v.version);
  const cached = ctx.cache.peek(cacheKey);
  if (cached) return cached;
  const current = ctx.store.tenantById(tenant.id)!;
  if (current.sealed_since !== null) throw sealedError(current);
  const wrapped = v.wrapped_key;
  try {
    return await ctx.cache.get(cacheKey, async () => {
      const r = await ctx.gateway.call(refOf(v), tenant.id, v.version, 'unwrap', (p, c) => p.unwrap(wrapped, c));
      return { key: r.plaintext, ttlMs: ttlFor(v.wrap_method) };
    });
  } catch (e) {
    if (!(e instanceof KmsError)) throw e;
    if (v.status === 'active') throw sealedError(sealTenant(ctx, current, e, ctx.system));
    throw new KeywardenError('kms_error', `could not unwrap master key version ${v.version}: ${e.provider} ${e.reason} — ${e.message}`, {
      reason: e.reason,
      provider: e.provider,
    });
  }
}

export async function activeKey(ctx: EngineContext, tenant: TenantRow): Promise<{ version: KeyVersionRow; key: Buffer }> {
  const v = ctx.store.activeKeyVersion(tenant.id);
  if (!v) {
    const current = ctx.store.tenantById(tenant.id)!;
    if (current.sealed_since !== null) throw sealedError(current);
    throw new KeywardenError('tenant_sealed', `tenant "${tenant.slug}" has no active master key version`, { tenant: tenant.slug });
  }
  return { version: v, key: await unwrappedKey(ctx, tenant, v) };
}
