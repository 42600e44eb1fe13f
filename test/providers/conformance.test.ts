/**
 * One conformance suite for every provider, through the engine and (for the cloud ones)
 * the real SDK against a wire-level fake: probe, wrap/unwrap, rotate, error mapping,
 * correlation ids carried into the provider's own log, nothing secret stored.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../core/keywarden';
import { initializedFixture, makeFixture, PASSPHRASE, type Fixture } from '../support/engine-fixture';
import { TARGETS, type RunningTarget } from './conformance-targets';

const running: RunningTarget[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

async function setUp(start: () => Promise<RunningTarget>): Promise<{ fx: Fixture; t: RunningTarget }> {
  const t = await start();
  running.push(t);
  const fx = makeFixture({ env: t.env, extraFactories: t.factories });
  await fx.call('auth.init', { passphrase: PASSPHRASE });
  await fx.call('tenant.create', { slug: 'acme', wrap: t.wrap ?? 'local' });
  // The operator lists the loopback fakes, as for any host outside the provider's own.
  const urls = Object.values(t.onboard?.config ?? {}).filter((v): v is string => typeof v === 'string' && /^https?:\/\//.test(v));
  if (urls.length) allowEndpoints(fx.dataDir, ...urls);
  if (t.onboard) await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', ...t.onboard, config: t.onboard.config ?? {} });
  return { fx, t };
}

describe.each(TARGETS)('provider conformance: $name', ({ name, start }) => {
  it('probes, wraps and unwraps, rotates, and keeps old rows readable', async () => {
    const { fx } = await setUp(start);
    const tenant = await fx.call('tenant.show', { tenant: 'acme' });
    expect(tenant.provider).toBe(name);
    expect(tenant.customer_controlled).toBe(!['local', 'global'].includes(name));
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'before', value: 'v-before' });
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'after', value: 'v-after' });
    fx.kw.ctx.cache.clear(); // force real unwraps through the provider
    expect((await fx.call('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'before' })).value).toBe('v-before');
    expect((await fx.call('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'after' })).value).toBe('v-after');
  });

  it('records every provider call with a correlation id the provider log carries back', async () => {
    const { fx, t } = await setUp(start);
    fx.kw.ctx.cache.clear();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'y' });
    const calls = (await fx.call('kms.calls', { tenant: 'acme' })).filter((c) => c.provider === name);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => c.outcome === 'ok' && /^[0-9a-f-]{36}$/.test(c.correlation_id))).toBe(true);
    expect(calls.map((c) => c.operation)).toContain('unwrap');
    if (t.providerLogText) {
      const log = t.providerLogText();
      for (const c of calls) expect(log).toContain(c.correlation_id);
    }
  });

  it('stores no credential, token or key material in the database', async () => {
    const { fx, t } = await setUp(start);
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 's', value: 'plain-value-7f3a' });
    await fx.kw.close();
    const bytes = fs.readFileSync(path.join(fx.dataDir, DATABASE_FILE)).toString('latin1') + (fs.existsSync(path.join(fx.dataDir, `${DATABASE_FILE}-wal`)) ? fs.readFileSync(path.join(fx.dataDir, `${DATABASE_FILE}-wal`)).toString('latin1') : '');
    for (const s of [...t.secrets, 'plain-value-7f3a', PASSPHRASE]) expect(bytes.includes(s), `database contains ${s.slice(0, 6)}…`).toBe(false);
  });

  it.skipIf(!['gcp', 'aws', 'azure'].includes(name))('maps faults to reasons and seals when the active key is denied', async () => {
    const fresh = await initializedFixture();
    const t = await start();
    running.push(t);
    const fx = makeFixture({ dataDir: fresh.dataDir, env: t.env, extraFactories: t.factories });
    allowEndpoints(fx.dataDir, ...Object.values(t.onboard?.config ?? {}).filter((v): v is string => typeof v === 'string' && /^https?:\/\//.test(v)));
    for (const [mode, reason] of [
      [{ kind: 'deny' }, 'access_denied'],
      [{ kind: 'key_disabled' }, 'key_disabled'],
      [{ kind: 'refuse' }, 'unreachable'],
      [{ kind: 'server_error' }, 'unreachable'],
    ] as const) {
      t.setFault!(mode);
      const err = await fx.fail('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', ...t.onboard!, config: t.onboard!.config ?? {} });
      expect(err, mode.kind).toMatchObject({ code: 'probe_failed', details: { reason, provider: name } });
    }
    t.setFault!({ kind: 'pass' });
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', ...t.onboard!, config: t.onboard!.config ?? {} });
    fx.kw.ctx.cache.clear();
    t.setFault!({ kind: 'deny' });
    const sealed = await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'n', value: 'v' });
    expect(sealed).toMatchObject({ code: 'tenant_sealed', status: 503, details: { reason: 'access_denied' } });
    expect((await fx.call('tenant.show', { tenant: 'acme' })).last_verify_error).toMatchObject({ provider: name, reason: 'access_denied' });
  });
});
