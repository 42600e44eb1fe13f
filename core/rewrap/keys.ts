/**
 * The master keys one rewrap job needs: the target version and every version its rows
 * are on. They come from the engine's master-key cache, so the provider is called at
 * most once per involved version per job (within the cache TTL; a longer job reloads an
 * expired key like any other reader). Transient provider errors (throttled, unreachable)
 * are retried with exponential backoff; a persistent failure of the ACTIVE version seals
 * the tenant (as `unwrappedKey` does), of a retired one is a `kms_error`. A revoked or
 * missing version is not a pause: its rows are counted failed (they are unreadable).
 * Keys are never held across batches: each batch takes them from the cache afresh, so an
 * evicted (zeroed) key is never used.
 */
import { KeywardenError } from '../errors';
import type { Caller } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { MasterKeyCache } from '../engine/master-key-cache';
import { refOf, revokedError, sealedError, sealTenant } from '../engine/master-keys';
import { ttlFor } from '../engine/tenant-lookup';
import { KmsError } from '../providers/types';
import type { KeyVersionRow, TenantRow } from '../store/rows';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** The worker was asked to stop while waiting to retry: not a KMS verdict, so nothing is sealed. */
export class StopRequested extends Error {}

export class JobKeys {
  /** Versions whose rows cannot be rewrapped (revoked, missing), with the reason. */
  private readonly unusable = new Map<number, KeywardenError>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly tenant: TenantRow,
    private readonly retry: RetryPolicy,
    private readonly wait: (ms: number) => Promise<void>,
    private readonly caller: Caller,
    private readonly stopped: () => boolean = () => false,
  ) {}

  failure(version: number): KeywardenError | undefined {
    return this.unusable.get(version);
  }

  /** The cached key of a version, or undefined (not loaded, expired or evicted). */
  peek(version: number): Buffer | undefined {
    return this.ctx.cache.peek(MasterKeyCache.keyFor(this.tenant.id, version));
  }

  /**
   * Makes sure every version in `versions` is either in the cache or known unusable.
   * Throws `tenant_sealed` or `kms_error` (the worker pauses on those).
   */
  async ensure(versions: Iterable<number>): Promise<void> {
    for (const version of versions) {
      if (this.unusable.has(version) || this.peek(version)) continue;
      const v = this.ctx.store.keyVersion(this.tenant.id, version);
      if (!v) {
        this.unusable.set(version, new KeywardenError('decrypt_failed', `master key version ${version} does not exist`, { version }));
        continue;
      }
      if (v.status === 'revoked' || v.wrapped_key === null) {
        this.unusable.set(version, revokedError(this.tenant, v, 'this record'));
        continue;
      }
      await this.load(v, v.wrapped_key);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
  }

  private async load(v: KeyVersionRow, wrapped: Buffer): Promise<void> {
    const { ctx, tenant } = this;
    const cacheKey = MasterKeyCache.keyFor(tenant.id, v.version);
    for (let attempt = 1; ; attempt++) {
      const current = ctx.store.tenantById(tenant.id)!;
      if (current.sealed_since !== null) throw sealedError(current);
      try {
        await ctx.cache.get(cacheKey, async () => {
          const r = await ctx.gateway.call(refOf(v), tenant.id, v.version, 'unwrap', (p, c) => p.unwrap(wrapped, c));
          return { key: r.plaintext, ttlMs: ttlFor(v.wrap_method) };
        });
        return;
      } catch (e) {
        if (!(e instanceof KmsError)) throw e;
        if (e.retryable && attempt < this.retry.attempts) {
          await this.wait(this.backoff(attempt));
          if (this.stopped()) throw new StopRequested('stopped while waiting to retry the KMS');
          continue;
        }
        if (v.status === 'active') throw sealedError(sealTenant(ctx, current, e, this.caller));
        throw new KeywardenError('kms_error', `could not unwrap master key version ${v.version}: ${e.provider} ${e.reason} — ${e.message}`, {
          reason: e.reason,
          provider: e.provider,
          version: v.version,
        });
      }
    }
  }
}
