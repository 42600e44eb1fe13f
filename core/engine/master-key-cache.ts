/**
 * In-process cache of unwrapped master keys, keyed `<tenant_id>:<version>`.
 * - TTL per entry (5 minutes for customer KMS, 1 hour otherwise: the caller decides).
 * - Single flight: concurrent misses for one key share one load (one KMS call).
 * - Refresh ahead: a hit in the last `refreshAheadFraction` of the TTL returns the cached
 *   key at once and reloads in the background, so a busy tenant never waits on KMS.
 * Evicted keys are zeroed. Never log a value from here: it is key material.
 */
import type { Clock } from '../clock';

interface Entry {
  key: Buffer;
  expiresAt: number;
  ttlMs: number;
}

export interface CacheLoad {
  key: Buffer;
  ttlMs: number;
}

export class MasterKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly clock: Clock,
    private readonly refreshAheadFraction = 0.2,
    /** Called when a background refresh fails; the cached key stays until it expires. */
    private readonly onRefreshError: (cacheKey: string, error: unknown) => void = () => {},
  ) {}

  static keyFor(tenantId: string, version: number): string {
    return `${tenantId}:${version}`;
  }

  async get(cacheKey: string, load: () => Promise<CacheLoad>): Promise<Buffer> {
    const now = this.clock.now();
    const hit = this.entries.get(cacheKey);
    if (hit && hit.expiresAt > now) {
      if (hit.expiresAt - now <= hit.ttlMs * this.refreshAheadFraction && !this.inflight.has(cacheKey)) {
        this.startLoad(cacheKey, load).catch((e) => this.onRefreshError(cacheKey, e));
      }
      return hit.key;
    }
    if (hit) this.evict(cacheKey);
    return this.inflight.get(cacheKey) ?? this.startLoad(cacheKey, load);
  }

  /** A cached key that is still valid, without loading. */
  peek(cacheKey: string): Buffer | undefined {
    const hit = this.entries.get(cacheKey);
    return hit && hit.expiresAt > this.clock.now() ? hit.key : undefined;
  }

  /** When a cached key expires (ms since the epoch), without loading; the seal monitor verifies then. */
  expiresAt(cacheKey: string): number | undefined {
    return this.entries.get(cacheKey)?.expiresAt;
  }

  put(cacheKey: string, key: Buffer, ttlMs: number): void {
    const old = this.entries.get(cacheKey);
    if (old && old.key !== key) old.key.fill(0);
    this.entries.set(cacheKey, { key, ttlMs, expiresAt: this.clock.now() + ttlMs });
  }

  evict(cacheKey: string): void {
    const e = this.entries.get(cacheKey);
    if (e) e.key.fill(0);
    this.entries.delete(cacheKey);
  }

  evictTenant(tenantId: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${tenantId}:`)) this.evict(k);
  }

  clear(): void {
    for (const k of [...this.entries.keys()]) this.evict(k);
  }

  private startLoad(cacheKey: string, load: () => Promise<CacheLoad>): Promise<Buffer> {
    const p = (async () => {
      try {
        const { key, ttlMs } = await load();
        this.put(cacheKey, key, ttlMs);
        return key;
      } finally {
        this.inflight.delete(cacheKey);
      }
    })();
    this.inflight.set(cacheKey, p);
    return p;
  }
}
