/**
 * Synthetic records for rehearsals and benchmarks: names like `sample/env-000123`, values
 * shaped like real configs, alternating between the two tables. Written in batches of
 * 1,000 per transaction, one audit entry for the whole seeding.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isoAt } from '../clock';
import { invalidInput } from '../errors';
import type { RecordTable } from '../store/rows';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import { activeKey } from './master-keys';
import { sealRecord } from './records';
import { requireTenant } from './tenant-lookup';
import { safeSink, type ProgressSink } from '../progress/operation-progress';

export const MAX_SEED_ROWS = 2_000_000;

function sampleValue(table: RecordTable, i: number): Buffer {
  const token = randomBytes(18).toString('base64url');
  const doc =
    table === 'secret_environment_configs'
      ? { env: ['dev', 'staging', 'prod'][i % 3], DATABASE_URL: `postgres://app:${token}@db-${i % 7}.internal:5432/app`, API_TOKEN: token }
      : { integration: ['slack', 'github', 'pagerduty', 'datadog'][i % 4], webhook_secret: token, enabled: i % 5 !== 0 };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

export async function seedSample(ctx: EngineContext, caller: Caller, input: { tenant: string; rows: number; prefix?: string }, onProgress?: ProgressSink): Promise<{ seeded: number; key_version: number; by_table: Record<RecordTable, number> }> {
  if (!Number.isInteger(input.rows) || input.rows < 1 || input.rows > MAX_SEED_ROWS) {
    throw invalidInput('rows', `must be a whole number from 1 to ${MAX_SEED_ROWS}`);
  }
  const tenant = requireTenant(ctx.store, input.tenant);
  const { version, key } = await activeKey(ctx, tenant);
  const prefix = input.prefix ?? `sample-${Date.now().toString(36)}`;
  const byTable: Record<RecordTable, number> = { secret_environment_configs: 0, integration_configs: 0 };
  const now = isoAt(ctx.clock);
  const BATCH = 1000;
  const report = safeSink(onProgress);
  for (let start = 0; start < input.rows; start += BATCH) {
    ctx.store.transaction(() => {
      for (let i = start; i < Math.min(input.rows, start + BATCH); i++) {
        const table: RecordTable = i % 2 === 0 ? 'secret_environment_configs' : 'integration_configs';
        const id = randomUUID();
        const name = `${prefix}/${table === 'secret_environment_configs' ? 'env' : 'int'}-${String(i).padStart(7, '0')}`;
        ctx.store.insertRecord(table, { id, tenant_id: tenant.id, name, key_version: version.version, ...sealRecord(tenant.id, table, id, name, version.version, key, sampleValue(table, i)), created_at: now, updated_at: now });
        byTable[table]++;
      }
    });
    report({ operation: 'seed-sample', done: Math.min(input.rows, start + BATCH), total: input.rows, unit: 'rows' });
  }
  ctx.audit.append(caller, 'records.seeded', tenant.id, { tenant: tenant.slug, rows: input.rows, key_version: version.version, name_prefix: prefix });
  return { seeded: input.rows, key_version: version.version, by_table: byTable };
}
