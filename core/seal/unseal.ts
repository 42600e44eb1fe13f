/**
 * Unsealing (seed 002): one unwrap of the tenant's active master key version straight
 * at its provider (the cache is bypassed: a cached key proves nothing about access now).
 * Success clears the seal, caches the key, audits `byok.kms.unseal` with the method and
 * lets rewrap jobs the seal paused run again. Failure keeps the seal and records why.
 * A revoked active version is a permanent seal: no unseal undoes cryptographic erasure.
 */
import type { UnsealResult } from '../api/seal-types';
import type { Caller } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { refOf, sealTenant } from '../engine/master-keys';
import { MasterKeyCache } from '../engine/master-key-cache';
import { keySuffix } from '../engine/redact';
import { ttlFor } from '../engine/tenant-lookup';
import { KeywardenError } from '../errors';
import { KmsError } from '../providers/types';
import { resumeAfterUnseal } from '../rewrap/control';
import type { TenantRow } from '../store/rows';

export type UnsealMethod = 'manual' | 'auto';

/** The two reasons seed 002 gives a client: the grant is missing, or the KMS cannot be reached. */
export function unsealReason(e: KmsError): 'access_denied' | 'unreachable' {
  return e.reason === 'unreachable' || e.reason === 'throttled' ? 'unreachable' : 'access_denied';
}

export function permanentSealError(tenant: TenantRow): KeywardenError {
  return new KeywardenError(
    'key_version_revoked',
    `tenant "${tenant.slug}" is sealed permanently since ${tenant.sealed_since}: its active master key version was revoked (cryptographic erasure); unseal cannot undo that`,
    { tenant: tenant.slug, sealed_since: tenant.sealed_since, permanent: true },
  );
}

export async function unsealTenant(ctx: EngineContext, tenant: TenantRow, method: UnsealMethod, caller: Caller): Promise<UnsealResult> {
  const current = ctx.store.tenantById(tenant.id)!;
  if (current.sealed_since === null) {
    throw new KeywardenError('not_sealed', `tenant "${current.slug}" is not sealed: nothing to unseal`, { tenant: current.slug });
  }
  const active = ctx.store.activeKeyVersion(current.id);
  if (current.sealed_permanently === 1 || !active || active.wrapped_key === null) throw permanentSealError(current);
  const wrapped = active.wrapped_key;
  let key: Buffer;
  try {
    key = (await ctx.gateway.call(refOf(active), current.id, active.version, 'unwrap', (p, c) => p.unwrap(wrapped, c))).plaintext;
  } catch (e) {
    if (!(e instanceof KmsError)) throw e;
    sealTenant(ctx, current, e, caller); // keeps sealed_since, records the latest error
    const reason = unsealReason(e);
    throw new KeywardenError('unseal_failed', `unseal of tenant "${current.slug}" failed: ${e.provider} ${e.reason} — ${e.message}`, {
      tenant: current.slug,
      reason,
      kms_reason: e.reason,
      provider: e.provider,
    });
  }
  const now = ctx.clock.now();
  const sealedSince = current.sealed_since;
  const sealedFor = Math.max(0, Math.round((now - Date.parse(sealedSince)) / 1000));
  const done = ctx.store.transaction(() => {
    const fresh = ctx.store.tenantById(current.id)!;
    if (fresh.sealed_permanently === 1) throw permanentSealError(fresh); // revoked while we asked the KMS
    if (fresh.sealed_since === null) return false; // another poller or operator got there first
    ctx.store.setTenantSeal(current.id, { sealed_since: null, last_verify_error: null, sealed_permanently: 0 });
    ctx.audit.append(caller, 'byok.kms.unseal', current.id, {
      tenant: current.slug,
      method,
      sealed_since: sealedSince,
      sealed_for_s: sealedFor,
      provider: active.provider,
      key_ref: keySuffix(active.kms_key_ref),
      version: active.version,
    });
    return true;
  });
  if (!done) {
    key.fill(0);
    throw new KeywardenError('not_sealed', `tenant "${current.slug}" was unsealed meanwhile`, { tenant: current.slug });
  }
  ctx.cache.put(MasterKeyCache.keyFor(current.id, active.version), key, ttlFor(active.wrap_method));
  resumeAfterUnseal(ctx, current.id, caller);
  return { unsealed: true, tenant: current.slug, method, sealed_since: sealedSince, sealed_for_s: sealedFor };
}

