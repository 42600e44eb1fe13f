/**
 * Azure: the engine wraps and unwraps through the Key Vault fake, the fake logs
 * AZKVAuditLogs rows, the reader queries them with LogsQueryClient (KQL, https) in the
 * workspace from the tenant's evidence settings, and the cross-check matches by the
 * correlation id in ClientInfo (Key Vault's request id as the fallback). Then a rogue
 * KeyUnwrap, a dropped row and an altered identity; paging by time cursor, throttling
 * and a failing page through an https proxy.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { createAzureProviderFactory } from '../../core/providers/azure';
import { SECRET_VAR, setupAzure, type AzureSetup } from '../fakes/azure/harness';
import { fakeTlsMaterial } from '../fakes/azure/tls';
import { evidenceFixture, stepUp, type EvidenceFixture } from './support/evidence-fixture';
import { startFlakyProxy, type FlakyProxy } from './support/flaky-proxy';

// The fake stamps rows with the wall clock: the engine's manual clock starts there.
const clock = new ManualClock(Date.now());
const T0 = clock.now();
let az: AzureSetup;
let proxy: FlakyProxy;
let fx: EvidenceFixture;
const sleeps: number[] = [];

/** Keeps the engine's clock ahead of the fake's wall-clock stamps. */
const tick = (ms = 1000) => clock.set(Math.max(clock.now(), Date.now()) + ms);
const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });
const azureCalls = async () => (await fx.call('kms.calls', { tenant: 'acme', limit: 5000 })).filter((c) => c.provider === 'azure');

beforeAll(async () => {
  az = await setupAzure();
  const tls = fakeTlsMaterial();
  proxy = await startFlakyProxy(az.fake.logsEndpoint, { cert: tls.cert, key: tls.key, ca: az.fake.caPem });
  fx = await evidenceFixture({
    clock,
    env: { [SECRET_VAR]: az.secret },
    factories: [createAzureProviderFactory({ extraCaPem: az.fake.caPem })],
    readers: { extraCaPem: az.fake.caPem, ratePerSecond: { azure: 50 }, pageSize: { azure: 3 }, sleep: async (ms) => void sleeps.push(ms) },
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  allowEndpoints(fx.dataDir, az.fake.vaultUrl, az.fake.authorityHost, proxy.endpoint);
  await fx.call('kms.onboard', {
    step_up_token: await stepUp(fx, 'onboard', 'acme'),
    tenant: 'acme',
    provider: 'azure',
    kms_key_ref: az.fake.keyUrl(az.keyName),
    config: { vault_url: az.fake.vaultUrl, azure_tenant_id: az.fake.tenantId, client_id: az.clientId, client_secret_env_var: SECRET_VAR, endpoint: az.fake.vaultUrl, authority_host: az.fake.authorityHost },
  });
  tick();
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
  tick();
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: az.fake.workspaceId, azure_logs_endpoint: proxy.endpoint });
});

afterAll(async () => {
  await fx?.close();
  await proxy?.close();
  await az?.fake.close();
});

describe('Azure: engine calls against Azure Monitor Logs', () => {
  it('refuses to read without a workspace id, naming the setting', async () => {
    await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: '' });
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed' });
    expect(out.sources[0]!.error).toMatch(/azure-workspace-id/);
    expect((await fx.fail('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: 'not-a-guid' })).details).toMatchObject({ field: 'azure_workspace_id' });
    await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: az.fake.workspaceId });
  });

  it('queries AZKVAuditLogs with KQL (paged by time) and matches every engine call', async () => {
    const calls = await azureCalls();
    tick();
    const fetched = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(fetched.sources[0]).toMatchObject({ provider: 'azure', state: 'done', error: null });
    expect(fetched.sources[0]!.pages).toBeGreaterThan(1);
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.matched).toBe(calls.filter((c) => c.outcome === 'ok').length);
    expect(run.counts.provider_only + run.counts.app_only_missing + run.counts.app_only_pending + run.counts.principal_mismatch).toBe(0);
    const row = (await fx.call('evidence.results', { run_id: run.run_id, class: 'matched', limit: 1 })).rows[0]!;
    expect(row.app_principal).toBe(az.clientId);
    expect(row.provider_principal).toBe(az.clientId);
    const raw = await fx.call('evidence.event', { id: row.event_id! });
    expect(raw.raw).toMatchObject({ Type: 'AZKVAuditLogs' });
    expect(raw.request_id).toBe(raw.event_id);
  });

  it('a rogue KeyUnwrap by another app is provider_only', async () => {
    az.fake.injectEvent({ OperationName: 'KeyUnwrap', RequestUri: `${az.fake.keyUrl(az.keyName)}/0123456789abcdef0123456789abcdef/unwrapkey?api-version=2025-07-01`, Identity: JSON.stringify({ claim: { appid: 'rogue-app-id' } }), ClientInfo: 'azsdk-python-keyvault-keys/4.9' });
    tick();
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.provider_only).toBe(1);
    const alarm = (await fx.call('evidence.results', { run_id: run.run_id, class: 'provider_only' })).rows[0]!;
    expect(alarm).toMatchObject({ provider_operation: 'KeyUnwrap', provider_principal: 'rogue-app-id', call_id: null });
  });

  it('a dropped row is pending within ~10 minutes, missing after', async () => {
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
    const last = (await azureCalls()).at(-1)!;
    expect(az.fake.dropEvent((r) => r.ClientInfo.includes(`keywarden-cid/${last.correlation_id}`))).toBeGreaterThan(0);
    tick();
    await fx.call('evidence.fetch', { tenant: 'acme' });
    expect((await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' })).counts).toMatchObject({ app_only_pending: 1, app_only_missing: 0 });
    tick(11 * 60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const late = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(late.counts).toMatchObject({ app_only_pending: 0, app_only_missing: 1 });
    expect(late.coverage[0]!.diagnosis).toMatch(/diagnostic setting/);
  });

  it('a row naming another identity is principal_mismatch, even the key read before a wrap', async () => {
    const first = (await azureCalls()).find((c) => c.outcome === 'ok' && c.operation !== 'describe')!;
    const row = az.fake.auditEvents().find((r) => r.ClientInfo.includes(`keywarden-cid/${first.correlation_id}`) && r.HttpStatusCode === 200)!;
    az.fake.dropEvent(row.CorrelationId);
    az.fake.injectEvent({ ...row, Identity: JSON.stringify({ claim: { appid: 'another-app-id' } }) });
    tick();
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.principal_mismatch).toBe(1);
  });
});

describe('Azure reader: throttling and a failing page', () => {
  it('backs off on 429 and reads on', async () => {
    sleeps.length = 0;
    const base = proxy.requests();
    proxy.setIntercept((n, req) => (req.url?.includes('/query') && n === base + 2 ? { status: 429, body: JSON.stringify({ error: { code: 'ThrottledError', message: 'Too many requests' } }) } : undefined));
    try {
      tick();
      const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
      expect(out.sources[0]!.state).toBe('done');
      expect(sleeps).toContain(1000);
    } finally {
      proxy.setIntercept(undefined);
    }
  });

  it('a page that keeps failing (5xx, retried) keeps the rows read before it and leaves the cursor', async () => {
    const store = fx.kw.evidence.store;
    const before = store.sources()[0]!.read_until;
    store.db.prepare('DELETE FROM evidence_results').run();
    store.db.prepare('DELETE FROM provider_events').run();
    let queries = 0;
    proxy.setIntercept((_n, req) => (req.url?.includes('/query') && ++queries >= 2 ? { status: 500, body: JSON.stringify({ error: { code: 'InternalServerError', message: 'boom' } }) } : undefined));
    try {
      tick();
      const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
      expect(out.sources[0]).toMatchObject({ state: 'failed', pages: 1, error_kind: 'server_error' });
      expect(out.sources[0]!.events).toBeGreaterThan(0);
      expect((store.db.prepare('SELECT count(*) AS n FROM provider_events').get() as { n: number }).n).toBe(out.sources[0]!.events);
      expect(store.sources()[0]!.read_until).toBe(before);
    } finally {
      proxy.setIntercept(undefined);
    }
  });
});
