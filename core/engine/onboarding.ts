/**
 * Onboard / replace a tenant's KMS config (upsert, seed 001). The probe runs first: wrap
 * then unwrap 32 random bytes with the given key. If any step fails nothing is written
 * and an existing config is unchanged; the error says which step failed and why.
 * On success the tenant moves to a new master key version wrapped by the new key (the
 * previous active is retired and a rewrap is queued), so new writes are under the
 * customer's key at once.
 */
import type { ProbeResult, OnboardResult } from '../api/types';
export type { ProbeResult, OnboardResult };
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isoAt } from '../clock';
import { invalidInput, KeywardenError } from '../errors';
import { refuseStaticCredentials } from '../providers/static-credentials';
import { endpointHost, kmsConfigEndpoints } from './allowed-endpoints';
import { namesEndpoint } from '../api/step-up-scope';
import { KmsError, type KmsConfigInput, type KmsProvider } from '../providers/types';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import type { ProviderRef } from './kms-gateway';
import { makeKeyVersion, sealedError } from './master-keys';
import { MasterKeyCache } from './master-key-cache';
import { keySuffix } from './redact';
import { credentialSourceView } from './views';
import { switchTenantKey } from './key-switch';
import { requireTenant, ttlFor } from './tenant-lookup';
import { viewOf } from './tenants';

export const CUSTOMER_PROVIDERS = ['aws', 'gcp', 'azure'] as const;

function probeFailure(step: 'wrap' | 'unwrap' | 'compare' | 'create', e: unknown): KeywardenError {
  if (e instanceof KmsError) {
    return new KeywardenError('probe_failed', `probe failed at ${step}: ${e.provider} ${e.reason} — ${e.message}`, {
      step,
      reason: e.reason,
      provider: e.provider,
      provider_code: e.providerCode ?? null,
      // The call that failed when it was not the KMS one (AWS: sts:AssumeRole, before any KMS call).
      failed_call: e.failedCall ?? null,
    });
  }
  if (e instanceof KeywardenError) return e;
  return new KeywardenError('probe_failed', `probe failed at ${step}: ${(e as Error)?.message ?? String(e)}`, { step });
}

/** Wrap then unwrap 32 random bytes. Throws `probe_failed` naming the step. */
export async function probe(ctx: EngineContext, tenantId: string, ref: ProviderRef): Promise<ProbeResult> {
  let provider: KmsProvider;
  try {
    provider = ctx.gateway.provider(ref);
  } catch (e) {
    throw probeFailure('create', e);
  }
  const bytes = randomBytes(32);
  let t0 = performance.now();
  const wrapped = await ctx.gateway
    .call(ref, tenantId, 0, 'probe_wrap', (p, c) => p.wrap(bytes, c), provider)
    .catch((e: unknown) => {
      throw probeFailure('wrap', e);
    });
  const wrapMs = performance.now() - t0;
  t0 = performance.now();
  const unwrapped = await ctx.gateway
    .call(ref, tenantId, 0, 'probe_unwrap', (p, c) => p.unwrap(wrapped.ciphertext, c), provider)
    .catch((e: unknown) => {
      throw probeFailure('unwrap', e);
    });
  const unwrapMs = performance.now() - t0;
  if (unwrapped.plaintext.length !== bytes.length || !timingSafeEqual(unwrapped.plaintext, bytes)) {
    throw probeFailure('compare', new Error('the key unwrapped different bytes than were wrapped'));
  }
  // The same account of the caller the probe's kms_calls rows carry (principal, how, key id).
  const who = await provider.callerIdentity?.().catch(() => undefined);
  return {
    ok: true,
    provider: ref.provider,
    key_id: keySuffix(wrapped.keyId),
    principal: who ? who.principal : wrapped.principal ?? null,
    principal_note: who ? who.principalNote : wrapped.principal ? 'reported by the provider' : null,
    access_key_id: who?.accessKeyId ?? null,
    credentials: credentialSourceView(provider.credentialSource?.()),
    wrap_ms: Math.round(wrapMs),
    unwrap_ms: Math.round(unwrapMs),
  };
}

export function parseKmsConfig(ctx: EngineContext, input: KmsConfigInput): ProviderRef {
  if (!(CUSTOMER_PROVIDERS as readonly string[]).includes(input.provider)) {
    throw invalidInput('provider', `must be one of ${CUSTOMER_PROVIDERS.join(', ')} (got "${input.provider}")`);
  }
  refuseStaticCredentials(input.provider, input.config ?? {});
  const factory = ctx.gateway.factory(input.provider);
  if (!factory) throw invalidInput('provider', `the ${input.provider} provider is not available in this build`);
  const parsed = factory.parseConfig(input);
  // Before any request leaves: every endpoint is the provider's own or on the operator's list.
  for (const e of kmsConfigEndpoints(input.provider, parsed.config as unknown as Record<string, unknown>)) ctx.endpoints.assertAllowed(e.kind, e.field, e.value);
  return { provider: input.provider, kms_key_ref: parsed.kms_key_ref, kms_config: JSON.stringify(parsed.config) };
}

/** The hosts a stored KMS config sends requests to, for audit payloads ("default" when the SDK picks). */
export function endpointHosts(ref: ProviderRef): Record<string, string> {
  const config = JSON.parse(ref.kms_config) as Record<string, unknown>;
  const hosts: Record<string, string> = { endpoint: endpointHost(config.endpoint as string | undefined) };
  if (ref.provider === 'aws') hosts.sts_endpoint = endpointHost(config.sts_endpoint as string | undefined);
  if (ref.provider === 'azure') hosts.vault_host = endpointHost(config.vault_url as string | undefined);
  return hosts;
}


/** `kms.probe`: step-up when an endpoint is named; audited with the endpoint hosts and the outcome. */
export async function probeWithAudit(ctx: EngineContext, caller: Caller, tenantSlug: string, input: KmsConfigInput, stepUpToken: string | undefined): Promise<ProbeResult> {
  if (namesEndpoint(input.config)) ctx.stepUp.require(stepUpToken, 'onboard', tenantSlug, caller);
  const tenant = requireTenant(ctx.store, tenantSlug);
  const ref = parseKmsConfig(ctx, input);
  const payload = { tenant: tenant.slug, provider: ref.provider, key_ref: keySuffix(ref.kms_key_ref), ...endpointHosts(ref) };
  try {
    const result = await probe(ctx, tenant.id, ref);
    ctx.audit.append(caller, 'byok.kms.probe', tenant.id, { ...payload, outcome: 'ok' });
    return result;
  } catch (e) {
    ctx.audit.append(caller, 'byok.kms.probe', tenant.id, { ...payload, outcome: 'failed', code: e instanceof KeywardenError ? e.code : 'internal' });
    throw e;
  }
}

export async function onboard(ctx: EngineContext, caller: Caller, tenantSlug: string, input: KmsConfigInput): Promise<OnboardResult> {
  const tenant = requireTenant(ctx.store, tenantSlug);
  if (tenant.sealed_permanently) throw sealedError(tenant);
  const ref = parseKmsConfig(ctx, input);
  const probed = await probe(ctx, tenant.id, ref);
  const previous = ctx.store.activeKeyVersion(tenant.id);
  const nextVersion = (ctx.store.keyVersions(tenant.id)[0]?.version ?? 0) + 1;
  const { row, key } = await makeKeyVersion(ctx, tenant.id, ref, nextVersion).catch((e: unknown) => {
    throw probeFailure('wrap', e);
  });
  const firstCustomerKey = tenant.wrap_method !== 'customer_kms';
  const now = isoAt(ctx.clock);
  const leaseId = ctx.store.transaction(() => {
    const lease = switchTenantKey(ctx, tenant.id, { wrap_method: 'customer_kms', provider: ref.provider, kms_key_ref: ref.kms_key_ref, kms_config: ref.kms_config }, previous, row, now);
    // A successful probe proves access: a seal from a previous KMS no longer applies.
    if (tenant.sealed_since) ctx.store.setTenantSeal(tenant.id, { sealed_since: null, last_verify_error: null, sealed_permanently: 0 });
    ctx.audit.append(caller, 'byok.kms.onboard', tenant.id, {
      tenant: tenant.slug,
      provider: ref.provider,
      key_ref: keySuffix(ref.kms_key_ref),
      new_version: nextVersion,
      wrap_method: 'customer_kms',
      rewrap_lease_id: lease,
      principal: probed.principal,
      ...endpointHosts(ref),
    });
    ctx.audit.append(caller, firstCustomerKey ? 'tenant-kms.registered' : 'tenant-kms.rotated', tenant.id, {
      tenant: tenant.slug,
      provider: ref.provider,
      ...(firstCustomerKey
        ? { key_id_suffix: keySuffix(ref.kms_key_ref) }
        : { from_key_id_suffix: keySuffix(tenant.kms_key_ref), to_key_id_suffix: keySuffix(ref.kms_key_ref) }),
    });
    return lease;
  });
  ctx.cache.put(MasterKeyCache.keyFor(tenant.id, nextVersion), key, ttlFor('customer_kms'));
  return { tenant: viewOf(ctx, ctx.store.tenantById(tenant.id)!), probe: probed, new_version: nextVersion, rewrap_lease_id: leaseId };
}
