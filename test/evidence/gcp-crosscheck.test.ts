/**
 * GCP: the engine calls the Cloud KMS fake, the fake leaves Data Access audit entries,
 * the reader lists them through the Cloud Logging REST API with the tenant's identity,
 * and the cross-check matches; then a rogue Decrypt, a dropped entry and an altered
 * principal. Paging, throttling (429) and a failing page through a proxy.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { accessTokenCredentials, createGcpProviderFactory } from '../../core/providers/gcp';
import { DEFAULT_GCP_PRINCIPAL, DEFAULT_GCP_TOKEN, kmsAuditEntry, startGcpFake, type GcpFake, type LogEntry } from '../fakes/gcp';
import { evidenceFixture, stepUp, type EvidenceFixture } from './support/evidence-fixture';
import { startFlakyProxy, type FlakyProxy } from './support/flaky-proxy';

const KEY = 'projects/evidence-proj/locations/global/keyRings/kw/cryptoKeys/tenant-kek';
const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let fake: GcpFake;
let proxy: FlakyProxy;
let fx: EvidenceFixture;
const sleeps: number[] = [];
const source = accessTokenCredentials(DEFAULT_GCP_TOKEN, DEFAULT_GCP_PRINCIPAL);

const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });
const cidOf = (e: LogEntry) => /keywarden-cid\/(\S+?)(,|\s|$)/.exec(e.protoPayload.requestMetadata.callerSuppliedUserAgent)?.[1];
const gcpCalls = async () => (await fx.call('kms.calls', { tenant: 'acme', limit: 5000 })).filter((c) => c.provider === 'gcp');

beforeAll(async () => {
  fake = await startGcpFake({ clock, keys: [KEY] });
  proxy = await startFlakyProxy(fake.url);
  fx = await evidenceFixture({
    clock,
    factories: [createGcpProviderFactory({ sourceCredentials: source, iamCredentialsEndpoint: fake.url, retryBaseMs: 40 })],
    readers: { gcpSourceCredentials: source, ratePerSecond: { gcp: 50 }, pageSize: { gcp: 3 }, sleep: async (ms) => void sleeps.push(ms) },
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  allowEndpoints(fx.dataDir, fake.url, proxy.endpoint);
  await fx.call('kms.onboard', { step_up_token: await stepUp(fx, 'onboard', 'acme'), tenant: 'acme', provider: 'gcp', kms_key_ref: KEY, config: { endpoint: fake.url } });
  clock.advance(60_000);
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
  clock.advance(60_000);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', gcp_logging_endpoint: proxy.endpoint });
});

afterAll(async () => {
  await fx?.close();
  await proxy?.close();
  await fake?.close();
});

describe('GCP: engine calls against Cloud Audit Logs', () => {
  it('lists the Data Access entries (paged) and matches every engine call', async () => {
    const calls = await gcpCalls();
    const fetched = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(fetched.sources[0]).toMatchObject({ provider: 'gcp', state: 'done', error: null });
    expect(fetched.sources[0]!.pages).toBeGreaterThan(1);
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.matched).toBe(calls.filter((c) => c.outcome === 'ok').length);
    expect(run.counts.provider_only + run.counts.app_only_missing + run.counts.app_only_pending + run.counts.principal_mismatch).toBe(0);
    const row = (await fx.call('evidence.results', { run_id: run.run_id, class: 'matched', limit: 1 })).rows[0]!;
    expect(row).toMatchObject({ matched_by: 'correlation_id', app_principal: DEFAULT_GCP_PRINCIPAL, provider_principal: DEFAULT_GCP_PRINCIPAL });
    const raw = await fx.call('evidence.event', { id: row.event_id! });
    expect(raw.raw).toMatchObject({ protoPayload: { serviceName: 'cloudkms.googleapis.com', resourceName: KEY } });
  });

  it('a rogue Decrypt by another principal is provider_only', async () => {
    fake.injectEntry(kmsAuditEntry({ keyPath: KEY, method: 'Decrypt', principal: 'intruder@evidence-proj.iam.gserviceaccount.com', callerIp: '203.0.113.9', userAgent: 'gcloud/470.0.0', granted: true, at: clock.now() }));
    clock.advance(60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.provider_only).toBe(1);
    const alarm = (await fx.call('evidence.results', { run_id: run.run_id, class: 'provider_only' })).rows[0]!;
    expect(alarm).toMatchObject({ provider_operation: 'Decrypt', provider_principal: 'intruder@evidence-proj.iam.gserviceaccount.com', source_address: '203.0.113.9' });
  });

  it('a dropped entry is pending within the GCP delay setting, missing after it', async () => {
    await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', gcp_delivery_delay_minutes: 5 });
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
    const last = (await gcpCalls()).at(-1)!;
    expect(fake.dropEntry((e) => cidOf(e) === last.correlation_id)).toBe(1);
    clock.advance(60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    expect((await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' })).counts).toMatchObject({ app_only_pending: 1, app_only_missing: 0 });
    clock.advance(5 * 60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const late = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(late.counts).toMatchObject({ app_only_pending: 0, app_only_missing: 1 });
    expect(late.coverage[0]!.diagnosis).toMatch(/Data Access audit logs/);
  });

  it('an entry naming another principal is principal_mismatch', async () => {
    const first = (await gcpCalls()).find((c) => c.outcome === 'ok')!;
    const entry = fake.auditEntries().find((e) => cidOf(e) === first.correlation_id)!;
    fake.dropEntry(entry.insertId);
    entry.protoPayload.authenticationInfo.principalEmail = 'someone-else@evidence-proj.iam.gserviceaccount.com';
    fake.injectEntry(entry);
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.principal_mismatch).toBe(1);
  });
});

describe('GCP reader: throttling and a failing page', () => {
  it('backs off on 429 RESOURCE_EXHAUSTED and reads on', async () => {
    sleeps.length = 0;
    const base = proxy.requests();
    proxy.setIntercept((n) => (n === base + 2 ? { status: 429, body: JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for ReadRequestsPerMinutePerProject' } }) } : undefined));
    try {
      const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
      expect(out.sources[0]!.state).toBe('done');
      expect(sleeps).toEqual([1000]);
    } finally {
      proxy.setIntercept(undefined);
    }
  });

  it('a page that keeps failing (5xx, retried) keeps what was read before it and leaves the cursor', async () => {
    const store = fx.kw.evidence.store;
    const before = store.sources()[0]!.read_until;
    store.db.prepare('DELETE FROM evidence_results').run();
    store.db.prepare('DELETE FROM provider_events').run();
    const base = proxy.requests();
    proxy.setIntercept((n) => (n >= base + 2 ? { status: 500, body: JSON.stringify({ error: { code: 500, status: 'INTERNAL', message: 'Internal error encountered.' } }) } : undefined));
    try {
      clock.advance(60_000);
      const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
      expect(out.sources[0]).toMatchObject({ state: 'failed', pages: 1, events: 3, error_kind: 'server_error' });
      expect(out.sources[0]!.error).toMatch(/HTTP 500/);
      expect((store.db.prepare('SELECT count(*) AS n FROM provider_events').get() as { n: number }).n).toBe(3);
      expect(store.sources()[0]!.read_until).toBe(before);
    } finally {
      proxy.setIntercept(undefined);
    }
  });
});
