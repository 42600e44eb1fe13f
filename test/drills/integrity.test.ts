import { describe, expect, it } from 'vitest';
import { lostBetween, readableRecords } from '../../core/drills/integrity';
import { rawDb } from '../support/engine-fixture';
import { byokFixture } from '../seal/byok-fixture';

describe("a drill's integrity check", () => {
  it('names a record that read before and not after, and does not count one that never read', async () => {
    const fx = await byokFixture(4);
    const ctx = fx.kw.ctx;
    // rec-0 is altered before the baseline: unreadable from the start, so not "lost" by the drill.
    rawDb(fx).prepare("UPDATE secret_environment_configs SET ciphertext = zeroblob(40) WHERE name = 'rec-0'").run();
    const before = await readableRecords(ctx, 'acme');
    expect(before.checked).toBe(4);
    expect(before.readable.size).toBe(3);
    rawDb(fx).prepare("UPDATE integration_configs SET ciphertext = zeroblob(40) WHERE name = 'rec-3'").run();
    const after = await readableRecords(ctx, 'acme');
    expect(lostBetween(before, after)).toEqual(['integration_configs/rec-3']);
  });
});
