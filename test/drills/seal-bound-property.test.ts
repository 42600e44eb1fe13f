import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byokFixture } from '../seal/byok-fixture';

describe('the seal bound holds wherever the kill falls', () => {
  it('seals within one cache TTL and unseals within 30 s for any kill time, agent count and restore delay', async () => {
    const fx = await byokFixture(3);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 301, max: 900 }), async (killAfter, agents, restoreAfter) => {
        const d = await fx.call('drill.run', { tenant: 'acme', scenario: 'deny', agents, kill_after: killAfter, restore_after: restoreAfter });
        const r = d.result!;
        expect(r.time_to_seal_s).not.toBeNull();
        expect(r.time_to_seal_s!).toBeLessThanOrEqual(300);
        expect(r.sessions_issued_while_sealed).toBe(0);
        expect(r.time_to_unseal_s!).toBeLessThanOrEqual(30);
        expect(r.records_lost).toBe(0);
      }),
      { numRuns: 12 },
    );
  });
});
