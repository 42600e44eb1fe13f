import { describe, expect, it } from 'vitest';
import type { DrillView } from '../../core/api/seal-types';
import { rawDb } from '../support/engine-fixture';
import { byokFixture, tenantRow } from '../seal/byok-fixture';

const scenarios = ['deny', 'partition', 'key_disabled'] as const;

describe('simulated kill-switch drills on a virtual clock', () => {
  it.each(scenarios)('%s: seals within one cache TTL, refuses new sessions while sealed, unseals within 30 s, loses nothing', async (scenario) => {
    const fx = await byokFixture(12);
    const d = await fx.call('drill.run', { tenant: 'acme', scenario, agents: 8 });
    expect(d).toMatchObject({ kind: 'simulated', scenario, state: 'done', agents: 8, error: null });
    const r = d.result!;
    expect(r.seal_bound_s).toBe(300);
    expect(r.time_to_seal_s).not.toBeNull();
    expect(r.time_to_seal_s!).toBeGreaterThan(0);
    expect(r.time_to_seal_s!).toBeLessThanOrEqual(300);
    expect(r.sealed_within_bound).toBe(true);
    expect(r.sessions_refused).toBeGreaterThan(0);
    expect(r.sessions_accepted).toBeGreaterThan(8);
    expect(r.sessions_issued_while_sealed).toBe(0);
    // Sessions issued before the seal outlived it, by at most one session TTL.
    const lastExpiry = Date.parse(r.last_session_expired_at!);
    expect(lastExpiry).toBeGreaterThan(Date.parse(r.sealed_at!));
    expect(lastExpiry - Date.parse(r.sealed_at!)).toBeLessThanOrEqual(300_000);
    expect(r.time_to_unseal_s).not.toBeNull();
    expect(r.time_to_unseal_s!).toBeLessThanOrEqual(30);
    expect(r.unsealed_within_bound).toBe(true);
    expect(r).toMatchObject({ records_checked: 12, records_lost: 0, lost_records: [] });
    expect(d.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['start', 'kill', 'sealed', 'first_refusal', 'last_session_expired', 'restore', 'unsealed', 'integrity_check']));
    // The chart: accepted before the seal, refused while sealed, accepted again after.
    const sealedBuckets = d.series.filter((p) => p.sealed);
    expect(sealedBuckets.length).toBeGreaterThan(0);
    expect(sealedBuckets.every((p) => p.accepted === 0)).toBe(true);
    expect(d.series.reduce((n, p) => n + p.refused, 0)).toBe(r.sessions_refused);
    expect(d.series.reduce((n, p) => n + p.accepted, 0)).toBe(r.sessions_accepted);
  });

  it('leaves the real tenant untouched, stores the drill, lists it and audits drill.run', async () => {
    const fx = await byokFixture(4);
    const d = await fx.call('drill.run', { tenant: 'acme', scenario: 'deny', agents: 3, restore_after: '11m' });
    expect(tenantRow(fx)).toMatchObject({ sealed_since: null, last_verify_error: null });
    expect(await fx.call('fault.status', {})).toEqual([]);
    expect(rawDb(fx).prepare('SELECT COUNT(*) AS n FROM agent_sessions').get()).toEqual({ n: 0 });
    expect((await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' })).agent).toBe('agent');
    expect(d.params).toMatchObject({ kill_after_s: 60, restore_after_s: 660 });
    const list = await fx.call('drill.list', {});
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: d.id, tenant: 'acme', state: 'done', records_lost: 0, sealed_within_bound: true });
    const shown: DrillView = await fx.call('drill.show', { id: d.id });
    expect(shown.result).toEqual(d.result);
    const audit = await fx.call('audit.list', { action: 'drill.run' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.payload).toMatchObject({ drill_id: d.id, kind: 'simulated', scenario: 'deny', state: 'done', records_lost: 0 });
    // The seal and unseal happened in the scratch copy's own audit trail, not the real one.
    expect(await fx.call('audit.list', { action: 'byok.kms.seal' })).toHaveLength(0);
  });

  it('bounds a local tenant by its one-hour cache TTL', async () => {
    const fx = await byokFixture(0);
    await fx.call('tenant.create', { slug: 'plain', wrap: 'local' });
    await fx.call('record.put', { tenant: 'plain', table: 'integration_configs', name: 'x', value: 'y' });
    const r = (await fx.call('drill.run', { tenant: 'plain', scenario: 'partition', agents: 2 })).result!;
    expect(r.seal_bound_s).toBe(3600);
    expect(r.sealed_within_bound).toBe(true);
    expect(r).toMatchObject({ records_checked: 1, records_lost: 0 });
  });

  it('refuses bad parameters with the field named, and a sealed tenant', async () => {
    const fx = await byokFixture(0);
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny', agents: 0 })).toMatchObject({ code: 'invalid_input', details: { field: 'agents' } });
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'meteor' })).toMatchObject({ code: 'invalid_input', details: { field: 'scenario' } });
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny', restore_after: 'soon' })).toMatchObject({ code: 'invalid_input', details: { field: 'restore_after' } });
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny', restore_after: 600, duration: 600 })).toMatchObject({ code: 'invalid_input', details: { field: 'duration' } });
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny', poll_interval: 5 })).toMatchObject({ code: 'invalid_input', details: { field: 'poll_interval' } });
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny', real: true, kill_after: 5 })).toMatchObject({ code: 'invalid_input', details: { field: 'kill_after' } });
    expect(await fx.fail('drill.show', { id: 'nope' })).toMatchObject({ code: 'not_found' });
    fx.kms.fail('access_denied');
    fx.clock.advance(300_001);
    await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme' });
    expect(await fx.fail('drill.run', { tenant: 'acme', scenario: 'deny' })).toMatchObject({ code: 'tenant_sealed' });
    expect(await fx.call('drill.list', {})).toEqual([]);
  });
});
