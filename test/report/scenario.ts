/**
 * A quarter in the life of an installation, built through the API where the API can do
 * it (tenants, onboarding, rotation, rewrap, revocation, a drill) and by direct inserts
 * for what comes from outside (a quarter of KMS calls, a cross-check run's results).
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../core/clock';
import { makeFixture, PASSPHRASE, rawDb, type Fixture } from '../support/engine-fixture';
import { reasonCode } from '../../core/evidence/verdict-reasons';

export const QUARTER = { from: '2026-01-01', to: '2026-03-31' } as const;
const DAY = 86_400_000;

/** Synthetic KMS calls: `n` spread over the quarter, a few failed. */
export function insertKmsCalls(fx: Fixture, tenantSlug: string, n: number): void {
  const db = rawDb(fx);
  const tenant = db.prepare('SELECT id FROM tenants WHERE slug = ?').get(tenantSlug) as { id: string };
  const insert = db.prepare(
    `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, outcome, error_message, duration_ms)
     VALUES (?, ?, 'aws', 'arn:aws:kms:eu-west-1:111122223333:key/0f3c-quarter', 1, ?, ?, 'arn:aws:sts::111122223333:assumed-role/Keywarden/app', ?, ?, ?)`,
  );
  const start = Date.parse('2026-01-01T00:00:00Z');
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = new Date(start + Math.floor((i * 89 * DAY) / n) + (i % 977) * 1000).toISOString();
      const failed = i % 997 === 0;
      insert.run(at, tenant.id, i % 5 === 0 ? 'wrap' : 'unwrap', `cid-${i}-${randomUUID().slice(0, 8)}`, failed ? 'access_denied' : 'ok', failed ? 'AccessDeniedException' : null, 20 + (i % 40));
    }
  })();
}

/** A cross-check run over the quarter with a few matched calls and both kinds of exception. */
export function insertCrossCheck(fx: Fixture, tenantSlug: string): void {
  const db = rawDb(fx);
  const tenant = db.prepare('SELECT id FROM tenants WHERE slug = ?').get(tenantSlug) as { id: string };
  db.prepare(`INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref) VALUES ('src-1', ?, 'aws', 'arn:aws:kms:eu-west-1:111122223333:key/0f3c-quarter')`).run(tenant.id);
  const ev = db.prepare(
    `INSERT INTO provider_events (source_id, tenant_id, provider, event_id, at, key_ref, operation, provider_operation, principal, source_address, user_agent, correlation_id, request_id, outcome, error_code, raw, fetched_at)
     VALUES ('src-1', ?, 'aws', ?, ?, 'arn:aws:kms:eu-west-1:111122223333:key/0f3c-quarter', 'unwrap', 'Decrypt', ?, '203.0.113.7', 'aws-cli/2.15', NULL, ?, 'ok', NULL, '{}', '2026-04-01T00:00:00.000Z')`,
  );
  const e1 = ev.run(tenant.id, 'ct-evt-9f1e2d', '2026-02-14T03:12:44.000Z', 'arn:aws:iam::111122223333:user/mallory', 'req-1').lastInsertRowid;
  const e2 = ev.run(tenant.id, 'ct-evt-77ab01', '2026-03-02T22:40:05.000Z', 'arn:aws:iam::111122223333:role/ci-deploy', 'req-2').lastInsertRowid;
  const run = db
    .prepare(`INSERT INTO evidence_runs (at, tenant_id, period_from, period_to, counts, coverage, timeline) VALUES ('2026-04-01T09:00:00.000Z', NULL, '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', '{}', '{}', '[]')`)
    .run().lastInsertRowid;
  const calls = db.prepare('SELECT id FROM kms_calls WHERE tenant_id = ? ORDER BY id LIMIT 40').all(tenant.id) as { id: number }[];
  const res = db.prepare('INSERT INTO evidence_results (run_id, seq, class, call_id, event_row, matched_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let seq = 0;
  calls.forEach((c, i) =>
    res.run(run, ++seq, i < 37 ? 'matched' : 'app_only_missing', c.id, null, i < 37 ? 'correlation_id' : null, reasonCode(i < 37 ? 'correlation_id' : 'no_record')),
  );
  res.run(run, ++seq, 'provider_only', null, e1, null, reasonCode('foreign_user_agent'));
  res.run(run, ++seq, 'provider_only', null, e2, null, reasonCode('foreign_user_agent'));
}

/**
 * acme (local KMS) and globex (customer AWS KMS), records, rotations with rewrap,
 * a revocation, a seal and an unseal, during Q1 2026.
 */
export async function quarterScenario(opts: { kmsCalls?: number } = {}): Promise<Fixture> {
  const fx = makeFixture({ clock: new ManualClock('2025-12-15T09:00:00.000Z') });
  await fx.call('auth.init', { passphrase: PASSPHRASE });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  fx.clock.set(Date.parse('2026-01-05T09:00:00.000Z'));
  await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
  await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'globex'), tenant: 'globex', provider: 'aws', kms_key_ref: 'mem:arn-aws-kms-eu-west-1-key-0f3c', config: {} });
  for (const t of ['acme', 'globex']) for (let i = 0; i < 6; i++) await fx.call('record.put', { tenant: t, table: i % 2 ? 'integration_configs' : 'secret_environment_configs', name: `cfg-${i}`, value: `value ${i}` });
  fx.clock.set(Date.parse('2026-02-02T10:30:00.000Z'));
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
  await fx.call('rewrap.run', { tenant: 'acme' });
  fx.clock.set(Date.parse('2026-02-20T15:00:00.000Z'));
  await fx.call('keys.rotate', { tenant: 'globex', step_up_token: await fx.stepUp('rotate', 'globex') });
  await fx.call('rewrap.run', { tenant: 'globex' });
  fx.clock.set(Date.parse('2026-03-03T08:00:00.000Z'));
  await fx.call('keys.revoke', { tenant: 'globex', version: 2, confirm: 'globex', step_up_token: await fx.stepUp('revoke', 'globex') });
  fx.clock.set(Date.parse('2026-03-10T11:00:00.000Z'));
  await fx.call('drill.run', { tenant: 'globex', scenario: 'deny' });
  // A real seal: the customer denies access; the next unwrap (cache expired) seals.
  fx.clock.set(Date.parse('2026-03-18T16:20:00.000Z'));
  await fx.call('fault.set', { step_up_token: await fx.stepUp('fault', 'globex'), tenant: 'globex', mode: 'deny' });
  await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'globex'), tenant: 'globex' });
  fx.clock.set(Date.parse('2026-03-18T16:47:30.000Z'));
  await fx.call('fault.set', { step_up_token: await fx.stepUp('fault', 'globex'), tenant: 'globex', mode: 'pass' });
  await fx.call('tenant.unseal', { tenant: 'globex', step_up_token: await fx.stepUp('unseal', 'globex') });
  insertKmsCalls(fx, 'globex', opts.kmsCalls ?? 1500);
  insertCrossCheck(fx, 'globex');
  fx.clock.set(Date.parse('2026-04-02T12:00:00.000Z'));
  return fx;
}
