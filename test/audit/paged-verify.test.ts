/**
 * The fast verification paths (pages in this thread, pages on worker threads) against
 * the row-by-row scan they stand in for: the same verdict on every good log, and on a
 * bad one no verdict of their own, so the row-by-row scan names the entry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageChecker } from '../../core/audit/page-check';
import { verifyPagesInThread } from '../../core/audit/paged-verify';
import { verifyInParallel, type ParallelVerifyOptions } from '../../core/audit/parallel-verify';
import { sourceWorkerEntry } from '../../core/workers/launch';
import { verifyRowByRow } from '../../core/audit/log-verifier';
import { AuditLedger } from '../../core/audit/audit-ledger';
import { ManualClock } from '../../core/clock';
import { AuditTrail } from '../../core/engine/audit-trail';
import { openKeywarden } from '../../core/keywarden';
import { openDatabase } from '../../core/store/database';
import { SqliteStore } from '../../core/store/sqlite-store';
import { CALLER, rawDb, tempDir, unlockedFixture, type Fixture } from '../support/engine-fixture';
import { rewriteChain } from './support/audit-flow';

/** Appends entries up to `size`, signing a checkpoint at each of `checkpointsAt`. */
function grow(fx: Fixture, size: number, checkpointsAt: readonly number[] = []): void {
  const audit = fx.kw.ctx.audit;
  for (let n = fx.kw.auditLog.tree.size(); n < size; n++) {
    // Quotes, backslashes, control characters and non-ASCII: json_quote must agree with JSON.stringify.
    audit.append({ actor: n % 7 === 0 ? 'ops "night" \\ shift' : CALLER.actor, address: CALLER.address }, 'record.updated', n % 3 ? `tn_${n % 5}` : null, {
      name: `config-${n}`,
      note: n % 11 === 0 ? 'tab\there, line\nthere, café 😀' : 'plain',
      key_version: n % 4,
    });
    if (checkpointsAt.includes(n + 1)) fx.kw.auditLog.checkpoint();
  }
}

const threads = (over: Partial<ParallelVerifyOptions> = {}): ParallelVerifyOptions => ({ threads: 2, minEntries: 0, pageSize: 64, worker: sourceWorkerEntry(), ...over });

describe('pages proved on worker threads', () => {
  it('give the row-by-row verdict on a good log, checkpoints inside pages and on their edges', async () => {
    const fx = await unlockedFixture();
    grow(fx, 700, [1, 63, 64, 65, 128, 300, 699]);
    const input = fx.kw.auditLog.verificationInput();
    const parallel = await verifyInParallel(input, threads());
    expect(parallel).toMatchObject({ ok: true, entries: 700, checkpoints_checked: 7 });
    expect(parallel).toEqual(verifyRowByRow(input));
  });

  it('count only the entries there when they started: appends made meanwhile wait for the next verify', async () => {
    const fx = await unlockedFixture();
    grow(fx, 300, [200]);
    const running = verifyInParallel(fx.kw.auditLog.verificationInput(), threads());
    grow(fx, 340, [320]);
    expect(await running).toMatchObject({ ok: true, entries: 300, checkpoints_checked: 1 });
    expect(await fx.kw.auditLog.verify()).toMatchObject({ ok: true, entries: 340, checkpoints_checked: 2 });
  });

  it.each([
    ['a payload edited', (fx: Fixture) => rawDb(fx).prepare("UPDATE audit_log SET payload = replace(payload, 'plain', 'PLAIN') WHERE seq = 150").run()],
    ['an entry deleted', (fx: Fixture) => rawDb(fx).prepare('DELETE FROM audit_log WHERE seq = 64').run()],
    ['a raw newline in a payload', (fx: Fixture) => rawDb(fx).prepare(`UPDATE audit_log SET payload = replace(payload, '"plain"', '"pl' || char(10) || 'ain"') WHERE seq = 10`).run()],
    ['an entry hash cut short', (fx: Fixture) => rawDb(fx).prepare('UPDATE audit_log SET entry_hash = substr(entry_hash, 1, 31) WHERE seq = 129').run()],
    ['an edit with the whole chain rewritten', (fx: Fixture) => {
      rawDb(fx).prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 200").run();
      rewriteChain(rawDb(fx));
    }],
  ])('leave %s to the row-by-row scan, which names it', async (_, tamper) => {
    const fx = await unlockedFixture();
    grow(fx, 260, [100, 250]);
    tamper(fx);
    const input = fx.kw.auditLog.verificationInput();
    expect(await verifyInParallel(input, threads())).toBe('not_proved');
    expect(verifyPagesInThread(input, 64)).toBeNull();
    const precise = verifyRowByRow(input);
    expect(precise.ok).toBe(false);
    // The ledger's own verify goes the same way and reports exactly that.
    const ledger = makeLedgerWithThreads(fx);
    expect(await ledger.auditLog.verify()).toEqual(precise);
    await ledger.close();
  });

  it('leave a stale prev_hash copy to the row-by-row scan: the chain runs over the stored entry hashes, so the log still verifies', async () => {
    const fx = await unlockedFixture();
    grow(fx, 260, [100, 250]);
    rawDb(fx).prepare('UPDATE audit_log SET prev_hash = zeroblob(32) WHERE seq = 70').run();
    const input = fx.kw.auditLog.verificationInput();
    expect(await verifyInParallel(input, threads())).toBe('not_proved');
    expect(verifyPagesInThread(input, 64)).toBeNull();
    const precise = verifyRowByRow(input);
    expect(precise).toMatchObject({ ok: true, entries: 260 });
    const ledger = makeLedgerWithThreads(fx);
    expect(await ledger.auditLog.verify()).toEqual(precise);
    await ledger.close();
  });

  it('step aside when no thread can start, and the log is still verified in this thread', async () => {
    const fx = await unlockedFixture();
    grow(fx, 200, [100]);
    const input = fx.kw.auditLog.verificationInput();
    expect(await verifyInParallel(input, threads({ worker: { file: '/nonexistent/engine-worker.js' } }))).toBe('not_run');
    expect(await verifyInParallel(input, threads({ worker: { file: __filename.replace(/\.test\.ts$/, '.missing.js') } }))).toBe('not_run');
    expect(await verifyInParallel(input, threads({ threads: 1 }))).toBe('not_run');
    expect(await verifyInParallel(input, threads({ minEntries: 201 }))).toBe('not_run');
    expect(verifyPagesInThread(input, 64)).toEqual(verifyRowByRow(input));
  });

  it('step aside for a database other threads cannot open', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteStore(db);
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');
    const trail = new AuditTrail(store, clock);
    const ledger = new AuditLedger(db, store, clock, tempDir(), threads());
    ledger.attach(trail);
    for (let i = 0; i < 100; i++) trail.append(CALLER, 'record.updated', null, { name: `x${i}` });
    expect(await verifyInParallel(ledger.verificationInput(), threads())).toBe('not_run');
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 100 });
    db.close();
  });
});

describe('pages proved in this thread', () => {
  it('give the row-by-row verdict for any log size, page size and set of checkpoints', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 6 }), fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 5 }), async (size, log2Page, cps) => {
        const fx = await unlockedFixture();
        grow(fx, size, cps.filter((c) => c <= size));
        const input = fx.kw.auditLog.verificationInput();
        const paged = verifyPagesInThread(input, 2 ** log2Page);
        expect(paged).not.toBeNull();
        expect(paged).toEqual(verifyRowByRow(input));
      }),
      { numRuns: 25 },
    );
  });

  it('refuse a page that is not aligned to the page size', async () => {
    const fx = await unlockedFixture();
    grow(fx, 10);
    expect(() => new PageChecker(rawDb(fx), 48)).toThrow(/power of two/);
    expect(() => new PageChecker(rawDb(fx), 8).check({ lo: 2, hi: 8, cuts: [] })).toThrow(/not an aligned page/);
  });
});

/** A second engine on the same files whose verify always tries threads first. */
function makeLedgerWithThreads(fx: Fixture) {
  return openKeywarden({ dataDir: fx.dataDir, env: {}, auditVerify: threads() });
}
