/** Creating and reading tenants. A new tenant gets master key version 1 at once. */
import { randomUUID } from 'node:crypto';
import { isoAt } from '../clock';
import { invalidInput, KeywardenError } from '../errors';
import type { TenantRow } from '../store/rows';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import { makeKeyVersion, refOf } from './master-keys';
import { MasterKeyCache } from './master-key-cache';
import { keySuffix } from './redact';
import { requireTenant, ttlFor, wrapMethodFor } from './tenant-lookup';
import { credentialSourceView, tenantView, type TenantView } from './views';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function viewOf(ctx: EngineContext, t: TenantRow): TenantView {
  const credentials = t.wrap_method === 'customer_kms'
    ? credentialSourceView(ctx.gateway.credentialSource({ provider: t.provider, kms_key_ref: t.kms_key_ref, kms_config: t.kms_config }))
    : null;
  return tenantView(t, ctx.store.activeKeyVersion(t.id)?.version ?? null, ctx.store.countRecords(t.id), credentials);
}

export async function createTenant(ctx: EngineContext, caller: Caller, input: { slug: string; wrap: 'local' | 'global' }): Promise<TenantView> {
  if (!SLUG_PATTERN.test(input.slug)) {
    throw invalidInput('slug', 'use 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen');
  }
  if (ctx.store.tenantBySlug(input.slug)) throw new KeywardenError('conflict', `a tenant "${input.slug}" already exists`, { field: 'slug' });
  const factory = ctx.gateway.factory(input.wrap)!;
  const parsed = factory.parseConfig({ provider: input.wrap, kms_key_ref: '', config: {} });
  const now = isoAt(ctx.clock);
  const row: TenantRow = {
    id: randomUUID(),
    slug: input.slug,
    wrap_method: wrapMethodFor(input.wrap),
    provider: input.wrap,
    kms_key_ref: parsed.kms_key_ref,
    kms_config: JSON.stringify(parsed.config),
    created_at: now,
    updated_at: now,
    sealed_since: null,
    last_verify_error: null,
    sealed_permanently: 0,
  };
  // Wrap first: if the provider cannot wrap (e.g. MASTER_KEY_B64 unset), nothing is written.
  const { row: v1, key } = await makeKeyVersion(ctx, row.id, refOf(row), 1).catch((e: unknown) => {
    if (e instanceof KeywardenError && e.code === 'secrets_locked') throw e; // says how to unlock
    throw new KeywardenError('probe_failed', `could not create master key version 1 with ${input.wrap}: ${(e as Error).message}`, {
      field: 'wrap',
    });
  });
  ctx.store.transaction(() => {
    ctx.store.insertTenant(row);
    ctx.store.insertKeyVersion(v1);
    ctx.audit.append(caller, 'tenant.created', row.id, {
      tenant: row.slug,
      wrap_method: row.wrap_method,
      provider: row.provider,
      key_ref: keySuffix(row.kms_key_ref),
      version: 1,
    });
  });
  ctx.cache.put(MasterKeyCache.keyFor(row.id, 1), key, ttlFor(row.wrap_method));
  return viewOf(ctx, row);
}

export function listTenants(ctx: EngineContext): TenantView[] {
  return ctx.store.listTenants().map((t) => viewOf(ctx, t));
}

export function showTenant(ctx: EngineContext, slug: string): TenantView {
  return viewOf(ctx, requireTenant(ctx.store, slug));
}
