/**
 * The rewrap walk in physical (seq) order (issue 19): a table whose seqs are far from id
 * order (rows deleted and inserted again), walked in small batches with pauses between,
 * moves every row exactly once; the walk of one tenant reads no other tenant's rows; and
 * batches are sized by time unless a size is given.
 */
import { describe, expect, it } from 'vitest';
import { runRewrapJob } from '../../core/rewrap';
import { BatchSizer } from '../../core/rewrap/batch-sizer';
import { MAX_AUTO_BATCH_SIZE, MIN_AUTO_BATCH_SIZE } from '../../core/rewrap/types';
import { rawDb } from '../support/engine-fixture';
import { expectAllReadable, idDisorder, movesOtherThanOnce, recordMoves, rotatedFixture, scramblePhysicalOrder, versionCounts } from './support';

describe('rewrap in physical order', () => {
  it('moves every row exactly once when seq order is far from id order, across pauses and resumes', async () => {
    const ROWS = 600;
    const { fx, leaseId } = await rotatedFixture(ROWS);
    const db = rawDb(fx);
    const smallest = db.prepare('SELECT id, seq FROM secret_environment_configs ORDER BY id LIMIT 1').get() as { id: string; seq: number };
    expect(scramblePhysicalOrder(fx)).toBeGreaterThan(ROWS / 2);
    // The smallest id now sits at the end of the table, behind rows with larger ids.
    const moved = db.prepare('SELECT seq FROM secret_environment_configs WHERE id = ?').get(smallest.id) as { seq: number };
    expect(moved.seq).toBeGreaterThan((db.prepare('SELECT MAX(seq) AS m FROM secret_environment_configs').get() as { m: number }).m - ROWS / 2);
    expect(idDisorder(fx, 'secret_environment_configs')).toBeGreaterThan(0.3);
    expect(idDisorder(fx, 'integration_configs')).toBeGreaterThan(0.3);
    recordMoves(fx);

    let runs = 0;
    let outcome = 'paused';
    while (outcome === 'paused') {
      const stop = new AbortController();
      let batches = 0;
      const r = await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 25, signal: stop.signal, onProgress: () => void (++batches === 3 && stop.abort()) });
      outcome = r.outcome;
      runs++;
      expect(runs).toBeLessThan(20);
    }
    expect(outcome).toBe('done');
    expect(runs).toBeGreaterThan(5);
    const job = fx.kw.ctx.store.rewrapJob(leaseId)!;
    expect(job).toMatchObject({ state: 'done', processed: ROWS, skipped: 0, failed: 0, total: ROWS });
    const moves = movesOtherThanOnce(fx);
    expect(moves).toEqual({ wrong: [], rowsMoved: ROWS, allRows: ROWS });
    expect(db.prepare('SELECT DISTINCT to_version FROM test_moves').all()).toEqual([{ to_version: 2 }]);
    expect(versionCounts(fx)).toEqual({ 'secret@v2': ROWS / 2, 'integration@v2': ROWS / 2 });
    expect(await expectAllReadable(fx)).toBe(ROWS);
  });

  it("walks one tenant's rows only, through the (tenant_id) index in seq order, without sorting", async () => {
    const { fx, leaseId } = await rotatedFixture(0);
    await fx.call('tenant.create', { slug: 'beta', wrap: 'local' });
    // The two tenants' rows alternate on disk.
    for (let i = 0; i < 40; i++) {
      await fx.call('record.put', { tenant: 'beta', table: 'integration_configs', name: `b-${i}`, value: `b${i}` });
      await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: `a-${i}`, value: `a${i}` });
    }
    const db = rawDb(fx);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT seq FROM integration_configs INDEXED BY integration_configs_tenant_seq WHERE tenant_id = 't' AND seq > 0 AND id > '' ORDER BY seq LIMIT 9").all() as { detail: string }[])
      .map((p) => p.detail)
      .join('\n');
    expect(plan).toMatch(/integration_configs_tenant_seq/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    const beta = db.prepare("SELECT r.id, r.key_version, r.wrapped_dek FROM integration_configs r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'beta' ORDER BY r.seq").all();
    // acme's 40 rows were written after the rotation: already on version 2, nothing to move.
    const run = await runRewrapJob(fx.kw.ctx, leaseId, { batchSize: 8 });
    expect(run.job).toMatchObject({ state: 'done', processed: 0, skipped: 40, total: 40 });
    expect(db.prepare("SELECT r.id, r.key_version, r.wrapped_dek FROM integration_configs r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'beta' ORDER BY r.seq").all()).toEqual(beta);
  });

  it('sizes batches by time unless a size is given', () => {
    const auto = new BatchSizer(undefined, 20);
    const first = auto.size;
    auto.observe(first, 40); // twice too slow: half
    expect(auto.size).toBe(first / 2);
    auto.observe(auto.size, 1); // far too fast: at most double
    expect(auto.size).toBe(first);
    auto.observe(auto.size, 16); // a little fast: scaled by 20/16
    expect(auto.size).toBe(Math.round((first * 20) / 16));
    const before = auto.size;
    auto.observe(3, 500); // a short batch (end of a table) says nothing
    expect(auto.size).toBe(before);
    for (let i = 0; i < 30; i++) auto.observe(auto.size, 0);
    expect(auto.size).toBe(MAX_AUTO_BATCH_SIZE);
    for (let i = 0; i < 30; i++) auto.observe(auto.size, 10_000);
    expect(auto.size).toBe(MIN_AUTO_BATCH_SIZE);

    const fixed = new BatchSizer(40);
    fixed.observe(40, 10_000);
    expect(fixed.size).toBe(40);
    expect(new BatchSizer(1).size).toBe(2);
    expect(new BatchSizer(1e9).size).toBe(10_000);
  });

  it('a default run sizes its batches by time and records the size it reached', async () => {
    const { fx, leaseId } = await rotatedFixture(400);
    const sizes: number[] = [];
    const run = await runRewrapJob(fx.kw.ctx, leaseId, { onProgress: () => void sizes.push(fx.kw.ctx.store.rewrapJob(leaseId)!.batch_size!) });
    expect(run.job).toMatchObject({ state: 'done', processed: 400, total: 400 });
    expect(sizes.length).toBeGreaterThan(0);
    for (const s of sizes) expect(s).toBeGreaterThanOrEqual(MIN_AUTO_BATCH_SIZE);
  });
});
