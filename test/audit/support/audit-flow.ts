/** An engine with a dozen audit entries and two critical actions (so two checkpoints). */
import type { Database } from 'better-sqlite3';
import { entryText } from '../../../core/audit/entry-text';
import { chainHash, GENESIS_HASH } from '../../../core/engine/audit-trail';
import type { AuditRow } from '../../../core/store/rows';
import { initializedFixture, rawDb, type Fixture } from '../../support/engine-fixture';

/**
 * Entries: 1 operator.initialized, 2 tenant.created, 3-5 records, 6 byok.kms.rotate
 * (checkpoint at 6), 7-9 records, 10 byok.kms.rotate (checkpoint at 10), 11-12 records.
 */
export async function auditedFlow(): Promise<Fixture> {
  const fx = await initializedFixture();
  const put = (name: string) => fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name, value: `value of ${name}` });
  for (const n of ['a', 'b', 'c']) await put(n);
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
  for (const n of ['d', 'e', 'f']) await put(n);
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
  for (const n of ['g', 'h']) await put(n);
  return fx;
}

/** What an attacker with write access to the file does after an edit: recompute every chain hash. */
export function rewriteChain(db: Database): void {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, entry_hash = ? WHERE seq = ?');
  let prev = GENESIS_HASH;
  db.transaction(() => {
    for (const r of rows) {
      const h = chainHash(prev, Buffer.from(entryText(r), 'utf8'));
      update.run(prev, h, r.seq);
      prev = h;
    }
  })();
}

export const dbOf = rawDb;
