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
