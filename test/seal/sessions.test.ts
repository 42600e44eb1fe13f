import { describe, expect, it } from 'vitest';
import { hashToken } from '../../core/seal/sessions';
import { rawDb } from '../support/engine-fixture';
import { auditActions, byokFixture, tenantRow } from './byok-fixture';

describe('agent sessions and the sealed state', () => {
  it('issues customer-KMS sessions for 5 minutes with a 4-minute renewal, storing only the token hash', async () => {
    const fx = await byokFixture();
    const s = await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'agent-1' });
    expect(s).toMatchObject({ tenant: 'acme', agent: 'agent-1', ttl_s: 300, renew_after_s: 240, key_version: 2 });
    expect(Date.parse(s.expires_at) - Date.parse(s.issued_at)).toBe(300_000);
    const rows = rawDb(fx).prepare('SELECT * FROM agent_sessions').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(s.token);
    expect(rows[0]!.token_hash).toEqual(hashToken(s.token));
    expect(await fx.call('session.check', { token: s.token })).toMatchObject({ valid: true, reason: 'live', remaining_s: 300, agent: 'agent-1' });
    expect((await fx.call('session.list', { tenant: 'acme' }))[0]).not.toHaveProperty('token');
  });

  it('gives local tenants one-hour sessions', async () => {
    const fx = await byokFixture(0);
    await fx.call('tenant.create', { slug: 'plain', wrap: 'local' });
    expect((await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'plain'), tenant: 'plain' })).ttl_s).toBe(3600);
  });

  it('refuses new sessions with 503 tenant_sealed once sealed, while issued ones work until their TTL', async () => {
    const fx = await byokFixture();
    fx.clock.advance(200_000);
    const early = await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'early' }); // cache hit: key loaded at onboarding
    fx.kms.fail('access_denied'); // the kill switch, at +210 s
    fx.clock.advance(10_000);
    expect((await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'still-cached' })).agent).toBe('still-cached'); // cached key: not yet noticed
    fx.clock.advance(91_000); // past the cache TTL of the onboarding load (+300 s)
    const refused = await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'late' });
    expect(refused).toMatchObject({ code: 'tenant_sealed', status: 503, details: { reason: 'access_denied', permanent: false } });
    const t = tenantRow(fx);
    expect(t.sealed_since).toBe(new Date(fx.clock.now()).toISOString());
    expect(JSON.parse(t.last_verify_error!)).toMatchObject({ provider: 'aws', reason: 'access_denied' });
    expect(await auditActions(fx, 'byok.kms.seal')).toHaveLength(1);

    const unwrapsWhileSealed = fx.kms.calls.unwrap;
    expect((await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'again' })).code).toBe('tenant_sealed');
    expect(fx.kms.calls.unwrap).toBe(unwrapsWhileSealed); // sealed: no KMS call per refused request
    expect(await fx.call('session.check', { token: early.token })).toMatchObject({ valid: true, reason: 'live' });
    fx.clock.advance(Date.parse(early.expires_at) - fx.clock.now());
    expect(await fx.call('session.check', { token: early.token })).toMatchObject({ valid: false, reason: 'expired', remaining_s: 0 });
    expect(await auditActions(fx, 'byok.kms.seal')).toHaveLength(1);
  });

  it('ends an agent’s previous session when it renews, and says so', async () => {
    const fx = await byokFixture(0);
    const first = await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'a' });
    fx.clock.advance(240_000);
    const second = await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'a' });
    expect(await fx.call('session.check', { token: first.token })).toMatchObject({ valid: false, reason: 'ended' });
    expect(await fx.call('session.check', { token: second.token })).toMatchObject({ valid: true });
    expect(await fx.call('session.list', { tenant: 'acme' })).toHaveLength(1);
    expect(await fx.call('session.list', { tenant: 'acme', include_ended: true })).toHaveLength(2);
  });

  it('forgets a tenant’s sessions a day after they expired', async () => {
    const fx = await byokFixture(0);
    const old = await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'old' });
    fx.clock.advance(300_000 + 24 * 3_600_000 + 1);
    await fx.call('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'new' });
    expect(await fx.call('session.check', { token: old.token })).toMatchObject({ valid: false, reason: 'unknown' });
    expect((await fx.call('session.list', { tenant: 'acme', include_ended: true })).map((s) => s.agent)).toEqual(['new']);
  });

  it('answers an unknown token without naming anything, and refuses bad agent names', async () => {
    const fx = await byokFixture(0);
    expect(await fx.call('session.check', { token: 'not-a-token' })).toEqual({ valid: false, reason: 'unknown', session_id: null, tenant: null, agent: null, expires_at: null, remaining_s: 0 });
    expect(await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'acme'), tenant: 'acme', agent: 'bad name!' })).toMatchObject({ code: 'invalid_input', details: { field: 'agent' } });
    expect(await fx.fail('session.issue', { step_up_token: await fx.stepUp('session', 'nope'), tenant: 'nope' })).toMatchObject({ code: 'not_found' });
  });
});
