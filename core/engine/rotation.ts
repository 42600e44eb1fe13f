/**
 * Rotate (seed 000) and revoke (cryptographic erasure).
 * Rotate: a new 32-byte key wrapped under the tenant's KMS becomes active, the previous
 * active is retired, a rewrap job is queued. Needs step-up; refused while sealed.
 * Revoke: typed slug confirmation plus step-up; destroys the wrapped material. Records
 * still under the version make it refuse unless forced; the active version only with
 * force, and that seals the tenant permanently.
 * Both move the tenant's updated_at: its keys changed. A seal or an unseal does not (it
 * is a passing state with its own time, sealed_since, and its own audit entries).
 */
import type { RotateResult, RevokePreview, RevokeResult } from '../api/types';
export type { RotateResult, RevokePreview, RevokeResult };
import { isoAt } from '../clock';
import { invalidInput, KeywardenError } from '../errors';
import { KmsError } from '../providers/types';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import { makeKeyVersion, refOf, sealedError } from './master-keys';
import { MasterKeyCache } from './master-key-cache';
import { keySuffix } from './redact';
import { queueRewrap } from './rewrap-queue';
import { requireTenant, ttlFor } from './tenant-lookup';
import { keyVersionView, type KeyVersionView } from './views';

export function listVersions(ctx: EngineContext, tenantSlug: string): KeyVersionView[] {
  const t = requireTenant(ctx.store, tenantSlug);
  return ctx.store.keyVersions(t.id).map((v) => {
    const c = ctx.store.countRecords(t.id, v.version);
    return keyVersionView(v, c.secret_environment_configs + c.integration_configs);
  });
}

export async function rotate(ctx: EngineContext, caller: Caller, tenantSlug: string, stepUpToken: string | undefined): Promise<RotateResult> {
  ctx.stepUp.require(stepUpToken, 'rotate', tenantSlug, caller);
  const tenant = requireTenant(ctx.store, tenantSlug);
  if (tenant.sealed_since !== null) throw sealedError(tenant);
  const previous = ctx.store.activeKeyVersion(tenant.id);
  const nextVersion = (ctx.store.keyVersions(tenant.id)[0]?.version ?? 0) + 1;
  const { row, key } = await makeKeyVersion(ctx, tenant.id, refOf(tenant), nextVersion).catch((e: unknown) => {
    if (e instanceof KmsError) {
      throw new KeywardenError('kms_error', `rotation could not wrap the new key: ${e.provider} ${e.reason} — ${e.message}`, {
        reason: e.reason,
        provider: e.provider,
      });
    }
    throw e;
  });
  const now = isoAt(ctx.clock);
  const leaseId = ctx.store.transaction(() => {
    if (previous) ctx.store.retireKeyVersion(tenant.id, previous.version, now);
    ctx.store.insertKeyVersion(row);
    ctx.store.touchTenant(tenant.id, now);
    let lease: number | null = null;
    try {
      lease = queueRewrap(ctx, tenant.id, nextVersion);
    } catch {
      lease = null; // The rotation stands even if the job could not be queued (seed 000).
    }
    ctx.audit.append(caller, 'byok.kms.rotate', tenant.id, {
      tenant: tenant.slug,
      new_version: nextVersion,
      previous_version: previous?.version ?? null,
      wrap_method: tenant.wrap_method,
      provider: tenant.provider,
      key_ref: keySuffix(tenant.kms_key_ref),
      rewrap_lease_id: lease,
    });
    return lease;
  });
  ctx.cache.put(MasterKeyCache.keyFor(tenant.id, nextVersion), key, ttlFor(tenant.wrap_method));
  return { rotated: true, new_version: nextVersion, rewrap_lease_id: leaseId };
}

export function revokePreview(ctx: EngineContext, tenantSlug: string, version: number): RevokePreview {
  const t = requireTenant(ctx.store, tenantSlug);
  const v = ctx.store.keyVersion(t.id, version);
  if (!v) throw new KeywardenError('not_found', `tenant "${t.slug}" has no master key version ${version}`, { field: 'version' });
  const c = ctx.store.countRecords(t.id, version);
  return { tenant: t.slug, version, status: v.status, records_under_version: c.secret_environment_configs + c.integration_configs, is_active: v.status === 'active' };
}

export interface RevokeInput {
  tenant: string;
  version: number;
  confirm: string;
  step_up_token?: string;
  force?: boolean;
}

export function revoke(ctx: EngineContext, caller: Caller, input: RevokeInput): RevokeResult {
  ctx.stepUp.require(input.step_up_token, 'revoke', input.tenant, caller);
  const t = requireTenant(ctx.store, input.tenant);
  if (input.confirm !== t.slug) {
    throw new KeywardenError('confirmation_mismatch', `type the tenant slug "${t.slug}" to confirm; got "${input.confirm}"`, { field: 'confirm' });
  }
  const preview = revokePreview(ctx, t.slug, input.version);
  if (preview.status === 'revoked') throw new KeywardenError('conflict', `version ${input.version} is already revoked`, { field: 'version' });
  if (preview.is_active && !input.force) {
    throw new KeywardenError(
      'conflict',
      `version ${input.version} is the ACTIVE master key: revoking it seals tenant "${t.slug}" permanently; rotate first, or pass force to destroy it anyway`,
      { field: 'version', active: true },
    );
  }
  if (preview.records_under_version > 0 && !input.force) {
    throw new KeywardenError(
      'records_remain',
      `${preview.records_under_version} records are still under version ${input.version} (rewrap not finished): revoking now makes them permanently unreadable; wait for the rewrap, or pass force`,
      { records: preview.records_under_version },
    );
  }
  const now = isoAt(ctx.clock);
  ctx.store.transaction(() => {
    ctx.store.revokeKeyVersion(t.id, input.version, now);
    ctx.store.touchTenant(t.id, now);
    if (preview.is_active) {
      ctx.store.setTenantSeal(t.id, {
        sealed_since: t.sealed_since ?? now,
        last_verify_error: JSON.stringify({ provider: t.provider, reason: 'key_version_revoked', message: `active master key version ${input.version} was revoked`, at: now }),
        sealed_permanently: 1,
      });
    }
    ctx.audit.append(caller, 'byok.kms.revoke', t.id, {
      tenant: t.slug,
      version: input.version,
      was_active: preview.is_active,
      forced: Boolean(input.force),
      records_made_unreadable: preview.records_under_version,
      key_ref: keySuffix(t.kms_key_ref),
    });
    if (preview.is_active) {
      ctx.audit.append(caller, 'byok.kms.seal', t.id, { tenant: t.slug, reason: 'key_version_revoked', permanent: true, version: input.version });
    }
  });
  ctx.cache.evict(MasterKeyCache.keyFor(t.id, input.version));
  return { revoked: true, version: input.version, records_made_unreadable: preview.records_under_version, tenant_sealed_permanently: preview.is_active };
}

export function assertVersionNumber(v: number): void {
  if (!Number.isInteger(v) || v < 1) throw invalidInput('version', 'must be a positive whole number');
}
