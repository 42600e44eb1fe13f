import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { MasterKeyCache } from '../../core/engine/master-key-cache';
import { getRecord } from '../../core/engine/records';
import { initializedFixture } from '../support/engine-fixture';

describe('master-key cache', () => {
  it('makes exactly one unwrap for 1,000 concurrent reads on a cold cache', async () => {
    const fx = await initializedFixture();
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:key-1', config: {} });
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'r', value: 'v' });
    fx.kw.ctx.cache.clear();
    fx.kms.delayMs = 20;
    const before = fx.kms.calls.unwrap;
    // The engine's read path itself (the API adds a single-use step-up per call; the cache is what is measured).
    const reads = await Promise.all(Array.from({ length: 1000 }, () => getRecord(fx.kw.ctx, { tenant: 'acme', table: 'integration_configs', name: 'r' })));
    expect(reads.every((r) => r.value === 'v')).toBe(true);
    expect(fx.kms.calls.unwrap - before).toBe(1);
    const unwraps = fx.kw.ctx.store.listKmsCalls({ limit: 100 }).filter((c) => c.operation === 'unwrap');
    expect(unwraps).toHaveLength(1);
  });

  it('expires customer-KMS keys after 5 minutes and local keys after 1 hour', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'byok', wrap: 'local' });
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'byok'), tenant: 'byok', provider: 'aws', kms_key_ref: 'mem:key-1', config: {} });
    const byok = fx.kw.ctx.store.tenantBySlug('byok')!;
    const acme = fx.kw.ctx.store.tenantBySlug('acme')!;
    expect(fx.kw.ctx.cache.peek(MasterKeyCache.keyFor(byok.id, 2))).toBeDefined();
    fx.clock.advance(5 * 60_000);
    expect(fx.kw.ctx.cache.peek(MasterKeyCache.keyFor(byok.id, 2))).toBeUndefined();
    expect(fx.kw.ctx.cache.peek(MasterKeyCache.keyFor(acme.id, 1))).toBeDefined();
    fx.clock.advance(55 * 60_000);
    expect(fx.kw.ctx.cache.peek(MasterKeyCache.keyFor(acme.id, 1))).toBeUndefined();
  });

  it('refreshes in the background near expiry so callers never wait on the provider', async () => {
    const clock = new ManualClock(0);
    const cache = new MasterKeyCache(clock, 0.2);
    let loads = 0;
    let release: () => void = () => {};
    const load = async () => {
      loads++;
      if (loads > 1) await new Promise<void>((r) => (release = r));
      return { key: Buffer.alloc(32, loads), ttlMs: 1000 };
    };
    const first = await cache.get('t:1', load);
    clock.advance(850); // inside the last 20% of the TTL
    const during = await cache.get('t:1', load); // answers at once from the cache
    expect(during.equals(first)).toBe(true);
    expect(loads).toBe(2);
    release();
    await new Promise((r) => setImmediate(r));
    expect((await cache.get('t:1', load))[0]).toBe(2);
    expect(loads).toBe(2);
  });

  it('zeroes keys it evicts', async () => {
    const cache = new MasterKeyCache(new ManualClock(0));
    const key = Buffer.alloc(32, 7);
    cache.put('t:1', key, 1000);
    cache.evict('t:1');
    expect(key.every((b) => b === 0)).toBe(true);
  });
});
