/**
 * Every call the engine makes to a key provider goes through here: one correlation id
 * per call (the provider's own log carries it back), a row in `kms_calls` with the
 * outcome, and failures classified. Providers are built once per (provider, key, config).
 */
import { randomUUID } from 'node:crypto';
import { isoAt, type Clock } from '../clock';
import { MANUAL_FAULT, wasInjected } from '../drills/simulated-calls';
import type { KeyringStore } from '../store/keyring-store';
import type { KmsCallRow } from '../store/rows';
import { KeywardenError } from '../errors';
import { scrubErrorMessage } from './scrub-error';
import {
  KmsError,
  type CallerIdentity,
  type CredentialSourceInfo,
  type KmsCallContext,
  type KmsOperation,
  type KmsProvider,
  type ProviderDeps,
  type ProviderFactory,
  type ProviderName,
} from '../providers/types';

export interface ProviderRef {
  provider: string;
  kms_key_ref: string;
  /** JSON of the parsed config. */
  kms_config: string;
}

/** Lets a drill put a fault layer in front of any tenant's provider. */
export type ProviderDecorator = (tenantId: string, provider: KmsProvider) => KmsProvider;

type CallerColumns = Pick<KmsCallRow, 'principal' | 'principal_note' | 'access_key_id'>;

/**
 * The `kms_calls` principal columns for one call: the provider's own account of who its
 * credentials are (asked after the call, success or failure, so the call's latency and
 * outcome do not depend on it), else what the call's result named, else why it is unknown.
 */
async function callerOf(provider: KmsProvider, providerName: string, reported: string | undefined): Promise<CallerColumns> {
  if (provider.callerIdentity) {
    let id: CallerIdentity;
    try {
      id = await provider.callerIdentity();
    } catch (e) {
      return { principal: null, principal_note: `identity lookup failed: ${String((e as Error)?.message ?? e).slice(0, 200)}`, access_key_id: null };
    }
    return { principal: id.principal, principal_note: id.principalNote.slice(0, 300), access_key_id: id.accessKeyId };
  }
  if (reported) return { principal: reported, principal_note: 'reported by the provider', access_key_id: null };
  return { principal: null, principal_note: `${providerName} provider: no cloud principal (key held by Keywarden)`, access_key_id: null };
}

export class KmsGateway {
  private readonly providers = new Map<string, KmsProvider>();
  private decorator: ProviderDecorator = (_t, p) => p;

  constructor(
    private readonly store: KeyringStore,
    private readonly clock: Clock,
    private readonly deps: ProviderDeps,
    private readonly factories: ReadonlyMap<string, ProviderFactory>,
    /** The drill this gateway's fault layer belongs to: its injected failures are recorded as simulated by it. */
    private readonly drillId: string | null = null,
  ) {}

  setDecorator(decorator: ProviderDecorator): void {
    this.decorator = decorator;
  }

  /** A second gateway to the same providers, recording in the same store, with a decorator of its own (a drill's scratch copy). */
  fork(drillId: string | null = null): KmsGateway {
    return new KmsGateway(this.store, this.clock, this.deps, this.factories, drillId);
  }

  factory(name: string): ProviderFactory | undefined {
    return this.factories.get(name);
  }

  provider(ref: ProviderRef): KmsProvider {
    const id = `${ref.provider}\n${ref.kms_key_ref}\n${ref.kms_config}`;
    let p = this.providers.get(id);
    if (!p) {
      const f = this.factories.get(ref.provider);
      if (!f) throw new KmsError(ref.provider as ProviderName, 'invalid_key', `no provider "${ref.provider}" in this build`, 'UnknownProvider');
      p = f.create({ kms_key_ref: ref.kms_key_ref, config: JSON.parse(ref.kms_config) as Record<string, unknown> }, this.deps);
      this.providers.set(id, p);
    }
    return p;
  }

  /** Runs one provider call for a tenant and records it, whatever the outcome. */
  async call<T extends { keyId: string; principal?: string; providerRequestId?: string }>(
    ref: ProviderRef,
    tenantId: string,
    keyVersion: number,
    operation: KmsOperation,
    fn: (p: KmsProvider, ctx: KmsCallContext) => Promise<T>,
    provider?: KmsProvider,
  ): Promise<T> {
    const ctx: KmsCallContext = { tenantId, keyVersion, correlationId: randomUUID(), operation };
    const started = this.clock.now();
    const startedWall = performance.now();
    const base = {
      at: new Date(started).toISOString(),
      tenant_id: tenantId,
      provider: ref.provider,
      key_ref: ref.kms_key_ref,
      key_version: keyVersion,
      operation,
      correlation_id: ctx.correlationId,
    };
    const real = provider ?? this.provider(ref);
    const target = this.decorator(tenantId, real);
    try {
      const result = await fn(target, ctx);
      const durationMs = Math.round(performance.now() - startedWall);
      const who = await callerOf(real, ref.provider, result.principal);
      this.record({ ...base, ...who, provider_key_id: result.keyId, provider_request_id: result.providerRequestId ?? null, outcome: 'ok', error_message: null, drill_id: null, duration_ms: durationMs });
      return result;
    } catch (e) {
      // Locked installation secrets: no call was made, so nothing to record or classify.
      if (e instanceof KeywardenError && e.code === 'secrets_locked') throw e;
      const durationMs = Math.round(performance.now() - startedWall);
      const err = e instanceof KmsError ? e : new KmsError(ref.provider as ProviderName, 'unreachable', `provider call failed: ${(e as Error)?.message ?? String(e)}`, 'Unclassified');
      const who = await callerOf(real, ref.provider, undefined);
      this.record({ ...base, ...who, provider_key_id: null, provider_request_id: null, outcome: err.reason, error_message: scrubErrorMessage(err.message), drill_id: wasInjected(e) ? (this.drillId ?? MANUAL_FAULT) : null, duration_ms: durationMs });
      throw err;
    }
  }

  /** Where this provider's credentials come from (no network); null when it cannot be built or does not say. */
  credentialSource(ref: ProviderRef): CredentialSourceInfo | null {
    try {
      return this.provider(ref).credentialSource?.() ?? null;
    } catch {
      return null;
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => p.close?.()));
    this.providers.clear();
  }

  private record(row: Omit<KmsCallRow, 'id'>): void {
    try {
      this.store.insertKmsCall(row);
    } catch {
      // A closed database during shutdown must not mask the provider's answer.
    }
  }

  /** Exposed for `at` stamps in tests. */
  now(): string {
    return isoAt(this.clock);
  }
}
