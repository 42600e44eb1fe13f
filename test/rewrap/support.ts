/** Shared set-up for the rewrap suites: a real engine on a SQLite file, rows, a rotation. */
import type { ManualClock } from '../../core/clock';
import { checkAllRecords } from '../../core/engine/records';
import type { RewrapTimer } from '../../core/rewrap';
import type { RecordTable } from '../../core/store/rows';
import { initializedFixture, rawDb, type Fixture } from '../support/engine-fixture';

export const MEM_KEY = 'mem:arn-aws-kms-us-east-1-111122223333-key-rewrap-test-0001';

/** A timer that never waits: it records each requested sleep and lets a test act during it. */
export function instantTimer(onSleep: (ms: number) => void = () => {}): RewrapTimer & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
      onSleep(ms);
    },
  };
}

/** `acme` with `rows` records on version 1, rotated to version 2: returns the job's lease id. */
export async function rotatedFixture(rows: number, opts: { memoryKms?: boolean; clock?: ManualClock } = {}): Promise<{ fx: Fixture; leaseId: number }> {
  const fx = await initializedFixture(opts.clock ? { clock: opts.clock } : {});
  if (opts.memoryKms) {
    // Onboarding moves the tenant to the customer KMS as version 2 (and queues its own job).
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: MEM_KEY, config: {} });
  }
  if (rows > 0) await fx.call('record.seedSample', { tenant: 'acme', rows, prefix: 'seed' });
  const { rewrap_lease_id } = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
  return { fx, leaseId: rewrap_lease_id! };
}

/** Rows per (table, key_version), straight from the database file. */
export function versionCounts(fx: Fixture): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of ['secret_environment_configs', 'integration_configs'] as RecordTable[]) {
    const rows = rawDb(fx).prepare(`SELECT key_version AS v, COUNT(*) AS n FROM ${table} GROUP BY key_version`).all() as { v: number; n: number }[];
    for (const r of rows) out[`${table === 'secret_environment_configs' ? 'secret' : 'integration'}@v${r.v}`] = r.n;
  }
  return out;
}

/** Decrypts every record of `acme`; throws listing the first unreadable ones. */
export async function expectAllReadable(fx: Fixture, tenant = 'acme'): Promise<number> {
  const r = await checkAllRecords(fx.kw.ctx, tenant);
  if (r.unreadable.length > 0) throw new Error(`${r.unreadable.length} unreadable records, e.g. ${JSON.stringify(r.unreadable.slice(0, 3))}`);
  return r.checked;
}

export function auditActions(fx: Fixture, prefix = 'rewrap.'): { action: string; payload: Record<string, unknown> }[] {
  return fx.kw.ctx.store
    .listAudit({ actionPrefix: prefix, limit: 1000 })
    .reverse()
    .map((r) => ({ action: r.action, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

const TABLES: readonly RecordTable[] = ['secret_environment_configs', 'integration_configs'];

/**
 * Makes physical order far from id order: deletes every row at an even position in id
 * order (plus every third row), then inserts them again unchanged (same id, same sealed
 * DEK and payload), so they land at the end of the table with new seqs while keeping
 * their ids. Returns how many rows moved to the end.
 */
export function scramblePhysicalOrder(fx: Fixture): number {
  const db = rawDb(fx);
  let moved = 0;
  for (const table of TABLES) {
    const rows = db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Record<string, unknown>[];
    const victims = rows.filter((_, i) => i % 2 === 0 || i % 3 === 0).reverse();
    db.transaction(() => {
      for (const r of victims) db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(r.id);
      for (const r of victims) {
        db.prepare(
          `INSERT INTO ${table} (id, tenant_id, name, key_version, wrapped_dek, ciphertext, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(r.id, r.tenant_id, r.name, r.key_version, r.wrapped_dek, r.ciphertext, r.created_at, r.updated_at);
      }
    })();
    moved += victims.length;
  }
  return moved;
}

/** Share of adjacent pairs (in seq order) whose ids are out of order: ~0.5 is random, 0 is id order. */
export function idDisorder(fx: Fixture, table: RecordTable): number {
  const ids = (rawDb(fx).prepare(`SELECT id FROM ${table} ORDER BY seq`).all() as { id: string }[]).map((r) => r.id);
  let inversions = 0;
  for (let i = 1; i < ids.length; i++) if (ids[i]! < ids[i - 1]!) inversions++;
  return inversions / Math.max(1, ids.length - 1);
}

/**
 * Records every committed change of a row's wrapped DEK in `test_moves`, in the database
 * file itself (so it sees other processes' writes, and a rolled-back batch leaves no trace).
 */
export function recordMoves(fx: Fixture): void {
  const db = rawDb(fx);
  db.exec('CREATE TABLE test_moves (tbl TEXT NOT NULL, id TEXT NOT NULL, to_version INTEGER NOT NULL)');
  for (const table of TABLES) {
    db.exec(`CREATE TRIGGER test_moves_${table} AFTER UPDATE OF wrapped_dek ON ${table}
             BEGIN INSERT INTO test_moves (tbl, id, to_version) VALUES ('${table}', new.id, new.key_version); END`);
  }
}

/** Rows (table/id) whose DEK was rewritten a number of times other than once, and how many rows were moved at all. */
export function movesOtherThanOnce(fx: Fixture): { wrong: { key: string; n: number }[]; rowsMoved: number; allRows: number } {
  const db = rawDb(fx);
  const counts = new Map<string, number>();
  for (const t of TABLES) for (const r of db.prepare(`SELECT id FROM ${t}`).all() as { id: string }[]) counts.set(`${t}/${r.id}`, 0);
  const allRows = counts.size;
  for (const m of db.prepare('SELECT tbl, id FROM test_moves').all() as { tbl: string; id: string }[]) {
    const key = `${m.tbl}/${m.id}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const wrong = [...counts].filter(([, n]) => n !== 1).map(([key, n]) => ({ key, n }));
  return { wrong, rowsMoved: [...counts.values()].filter((n) => n > 0).length, allRows };
}
