import { describe, expect, it } from 'vitest';
import { faultyProvider } from '../../core/seal/fault-layer';
import { KmsError, type KmsProvider } from '../../core/providers/types';
import { initializedFixture } from '../support/engine-fixture';
import { auditActions } from './byok-fixture';

const ctx = { tenantId: 't', keyVersion: 1, correlationId: 'c', operation: 'unwrap' as const };
const inner: KmsProvider = {
  name: 'aws',
  keyRef: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
  customerControlled: true,
  wrap: async (p) => ({ ciphertext: p, keyId: 'k' }),
  unwrap: async (c) => ({ plaintext: c, keyId: 'k' }),
  describe: async () => ({ keyRef: 'k', enabled: true, state: 'Enabled' }),
};

describe('fault injection', () => {
  it.each([
    ['deny', 'access_denied'],
    ['partition', 'unreachable'],
    ['key_disabled', 'key_disabled'],
  ] as const)('%s answers as the cloud does (%s), naming the drill', async (mode, reason) => {
    const p = faultyProvider(inner, { mode, latency_ms: null, probability: null });
    const err = await p.unwrap(Buffer.from('x'), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmsError);
    expect(err).toMatchObject({ reason, provider: 'aws', message: expect.stringMatching(/^drill fault injection/) });
  });

  it('latency waits before passing the call through; flaky fails with the given probability', async () => {
    const waits: number[] = [];
    const slow = faultyProvider(inner, { mode: 'latency', latency_ms: 750, probability: null }, { random: () => 0, sleep: async (ms) => void waits.push(ms) });
    expect((await slow.unwrap(Buffer.from('ok'), ctx)).plaintext.toString()).toBe('ok');
    expect(waits).toEqual([750]);
    const rolls = [0.1, 0.5, 0.29, 0.3];
    const flaky = faultyProvider(inner, { mode: 'flaky', latency_ms: null, probability: 0.3 }, { random: () => rolls.shift()!, sleep: async () => {} });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await flaky.wrap(Buffer.from('x'), ctx).then(() => 'ok', (e: KmsError) => e.reason));
    expect(outcomes).toEqual(['unreachable', 'ok', 'unreachable', 'ok']);
  });

  it('switches a tenant per tenant, shows it in app.status, audits it, survives a restart, and pass switches it off', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'other', wrap: 'local' });
    const set = await fx.call('fault.set', { step_up_token: await fx.stepUp('fault', 'acme'), tenant: 'acme', mode: 'deny' });
    expect(set).toMatchObject({ tenant: 'acme', mode: 'deny', set_by: 'tester@test-host' });
    expect((await fx.call('app.status', {})).drill_faults).toEqual([set]);
    fx.kw.ctx.cache.clear();
    const err = await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'n', value: 'v' });
    expect(err).toMatchObject({ code: 'tenant_sealed', message: expect.stringMatching(/drill fault injection \(deny\)/) });
    expect((await fx.call('record.put', { tenant: 'other', table: 'integration_configs', name: 'n', value: 'v' })).key_version).toBe(1);
    await fx.kw.close();
    const again = fx.reopen();
    expect(await again.call('fault.status', { tenant: 'acme' })).toEqual([set]);
    expect(await again.call('fault.set', { step_up_token: await again.stepUp('fault', 'acme'), tenant: 'acme', mode: 'pass' })).toMatchObject({ mode: 'pass', set_at: null });
    expect((await again.call('app.status', {})).drill_faults).toEqual([]);
    expect((await auditActions(again, 'drill.fault.set')).map((e) => e.payload.mode)).toEqual(['pass', 'deny']);
  });

  it('refuses a mode without its parameter, or a parameter for another mode', async () => {
    const fx = await initializedFixture();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ mode: 'latency' }, 'latency_ms', /latency needs --latency-ms/],
      [{ mode: 'latency', latency_ms: 0 }, 'latency_ms', /from 1 to 120000/],
      [{ mode: 'flaky' }, 'probability', /flaky needs --probability/],
      [{ mode: 'flaky', probability: 1.5 }, 'probability', /above 0 and at most 1/],
      [{ mode: 'deny', latency_ms: 5 }, 'latency_ms', /only the latency mode/],
      [{ mode: 'pass', probability: 0.5 }, 'probability', /only the flaky mode/],
      [{ mode: 'meltdown' }, 'mode', /./],
    ];
    for (const [input, field, message] of cases) {
      const err = await fx.fail('fault.set', { step_up_token: await fx.stepUp('fault', 'acme'), tenant: 'acme', ...input });
      expect(err).toMatchObject({ code: 'invalid_input', details: { field } });
      expect(err.message).toMatch(message);
    }
    expect(await fx.call('fault.status', {})).toEqual([]);
  });
});
